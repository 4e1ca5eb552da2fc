/**
 * The database connection, by the `database:` value: a file path opens SQLite (WAL mode, foreign
 * keys on), a postgres:// URL opens PostgreSQL (src/store/pg/, pg-native loaded only then). Both
 * implement the Db interface (db-api.ts); schema changes are the same numbered migrations (see
 * migrations/index.ts), tracked with `PRAGMA user_version` (a table on PostgreSQL).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations/index.js';
import { UserError } from '../util/errors.js';
import { storageError } from './errors.js';
import type { Db } from './db-api.js';
import { PgDb } from './pg/client.js';
import { isOtherUrl, isPostgresUrl, redactPostgresUrl } from './pg/url.js';

export type { Db, RunResult, Statement, Transaction } from './db-api.js';
export { isPostgresUrl } from './pg/url.js';

/** Which store a connection is; the SQL is the same, a few callers (locks, folders) differ. */
export function dialectOf(db: Db): 'sqlite' | 'postgres' {
  return db instanceof PgDb ? 'postgres' : 'sqlite';
}

export interface OpenOptions {
  readonly?: boolean;
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (isPostgresUrl(path)) return openPostgres(path, options);
  if (isOtherUrl(path)) throw new UserError(`Unsupported database URL "${path}": use a SQLite file path or a postgres:// URL`);
  try {
    if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw storageError(err, `the database folder ${dirname(path)}`) ?? err;
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw storageError(err, `the database ${path}`) ?? new UserError(`Cannot open database "${path}": ${(err as Error).message}`);
  }
  try {
    db.pragma('foreign_keys = ON');
    // A second process (a researcher's query while the nightly run writes) waits instead of failing.
    db.pragma('busy_timeout = 10000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db);
    } else {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version < MIGRATIONS.length) {
        throw new UserError(`Database "${path}" is at schema ${version}; run \`voc ingest\` once to upgrade it.`);
      }
    }
  } catch (err) {
    db.close();
    throw storageError(err, `the database ${path}`) ?? err;
  }
  return db;
}

function openPostgres(url: string, options: OpenOptions): Db {
  const db = new PgDb(url, options);
  try {
    if (!options.readonly) migrate(db);
    else {
      const version = schemaVersion(db);
      if (version < MIGRATIONS.length) {
        throw new UserError(`Database ${redactPostgresUrl(url)} is at schema ${version}; run \`voc ingest\` once to upgrade it.`);
      }
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Applies the migrations the database has not seen yet, each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new UserError(
      `This database has schema version ${current}, newer than this voc (${MIGRATIONS.length}). Upgrade voc.`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    const migration = MIGRATIONS[v]!;
    // IMMEDIATE takes the write lock before the version is read again: a second process that opened
    // the database at the same moment waits, then finds the migration done and skips it.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) !== v) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
