/**
 * A lock file beside the database so two runs on one database do not collide (cron firing while a
 * manual run is going). The lock holds the owner's pid; a lock whose process is gone is taken over.
 *
 * A PostgreSQL database has no file beside it, and its coordinators may sit on different machines:
 * there the lock is a session advisory lock (pg_try_advisory_lock) held on a connection of its own,
 * which the server drops when the process dies, so no stale lock is left behind. The connection's
 * application_name says who holds it, for the message the second coordinator prints.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { ExitCode, UserError } from '../util/errors.js';
import { finishClient, loadPgNative } from './pg/native.js';
import { ADVISORY_CLASS, ADVISORY_RUN } from './pg/prelude.js';
import { isPostgresUrl, redactPostgresUrl } from './pg/url.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Lock {
  path: string;
  release(): void;
}

export function acquireLock(dbPath: string, what: string): Lock {
  if (isPostgresUrl(dbPath)) return acquireAdvisoryLock(dbPath, what);
  const path = `${dbPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // The lock appears whole or not at all: written to a private file, then hard-linked into place
      // (link fails if the lock exists). With open('wx') then write, a second process could read the
      // lock empty in between, take it for a dead one's and delete it.
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
      try {
        linkSync(tmp, path);
      } finally {
        try {
          unlinkSync(tmp);
        } catch {
          // nothing left to tidy
        }
      }
      let released = false;
      // The 'exit' listener is a safety net for a process that ends without releasing; a release
      // removes it, so a long-lived process that takes and releases many locks does not pile them up.
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
      process.once('exit', release);
      return { path, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      if (holder && processAlive(holder.pid)) {
        throw new UserError(
          `Another voc process (pid ${holder.pid}, ${holder.what}, since ${holder.since}) is working on this database. ` +
            `Wait for it to finish, or delete ${path} if you are sure it is gone.`,
          ExitCode.Locked,
        );
      }
      // Stale lock from a killed process: take it over.
      try {
        unlinkSync(path);
      } catch {
        // another process took it over first; the next attempt will tell
      }
    }
  }
  throw new UserError(`Could not take the lock ${path}; try again.`, ExitCode.Locked);
}

function readHolder(path: string): { pid: number; what: string; since: string } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; what: string; since: string };
  } catch {
    return null;
  }
}

function acquireAdvisoryLock(url: string, what: string): Lock {
  const Client = loadPgNative();
  const client = new Client();
  try {
    client.connectSync(url);
  } catch (err) {
    throw new UserError(`Cannot connect to the PostgreSQL database ${redactPostgresUrl(url)}: ${(err as Error).message.trim()}`);
  }
  const me = `voc ${what} pid ${process.pid} since ${new Date().toISOString()}`;
  client.querySync('SELECT set_config($1, $2, false)', ['application_name', me.slice(0, 63)]);
  const got = client.querySync(`SELECT pg_try_advisory_lock(${ADVISORY_CLASS}, ${ADVISORY_RUN}) AS ok`)[0];
  if (got?.ok !== true && got?.ok !== 't') {
    const holder = client.querySync(
      `SELECT a.application_name AS who, a.client_addr AS addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.classid = ${ADVISORY_CLASS} AND l.objid = ${ADVISORY_RUN} AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    )[0];
    finishClient(client);
    throw new UserError(
      `Another voc process (${String(holder?.who ?? 'unknown')}${holder?.addr ? ` from ${String(holder.addr)}` : ''}) is working on the database ${redactPostgresUrl(url)}. ` +
        'Wait for it to finish; its lock goes when its connection ends.',
      ExitCode.Locked,
    );
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    finishClient(client);
  };
  process.once('exit', release);
  return { path: redactPostgresUrl(url), release };
}
