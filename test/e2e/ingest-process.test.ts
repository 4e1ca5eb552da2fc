/**
 * Ingest as real processes, where a test inside the runner cannot stand in: a kill -9 mid-file
 * leaves only whole batches and the next run finishes without duplicates; SIGINT and SIGTERM
 * mark the run interrupted, release the lock and exit 130 / 143; two first runs on a new
 * database at once never both migrate it. (Moved here from test/ingest-engine.test.ts and
 * test/ingest-storage-errors.test.ts: each spawns and kills `voc ingest` on tens of thousands of
 * rows, 15-40 s apiece on two cores. The in-process resume after a simulated stop,
 * `stopAfterRecords`, stays in test/ingest-engine.test.ts.)
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/db.js';
import { exited, vocProcess } from '../helpers/processes.js';
import { makeWorkspace, runVoc, type Workspace } from '../helpers/workspace.js';
import { SURVEY_SOURCE, configYaml, storageConfig, surveyCsv } from '../helpers/ingest-fixtures.js';

function withDb<T>(w: Workspace, fn: (db: Db) => T): T {
  const db = openDatabase(w.dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const count = (db: Db, sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;

describe('a killed ingest', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('survives a real kill -9 mid-file and continues without duplicates', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `R_${i},2026-05-02,${i % 11},Basic,"The delivery number ${i} was late. Support was kind."`);
    ws.write('surveys/big.csv', surveyCsv(rows));
    const yaml = configYaml(ws, SURVEY_SOURCE, 'ingest: { batchSize: 500 }\n');
    ws.writeConfig(yaml);
    const child = vocProcess(['ingest', '--config', ws.configPath], ws.dir);
    // Wait until some batches are committed, then kill without warning.
    let stored = 0;
    for (let i = 0; i < 600 && stored < 1000; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        const probe = new Database(ws.dbPath, { readonly: true, fileMustExist: true });
        stored = (probe.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
        probe.close();
      } catch {
        stored = 0; // database or table not created yet
      }
    }
    child.kill('SIGKILL');
    await exited(child);
    expect(stored).toBeGreaterThan(0);
    const partial = withDb(ws, (db) => count(db, 'SELECT COUNT(*) AS n FROM documents'));
    expect(partial % 500).toBe(0); // whole batches only: nothing half-written
    expect(partial).toBeLessThan(40_000);

    const cli = runVoc(['ingest', '--config', ws.configPath], ws.dir);
    expect(cli.stderr).not.toMatch(/internal error/);
    expect(cli.status).toBe(0);
    withDb(ws, (db) => {
      expect(count(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(40_000);
      expect(count(db, `SELECT COUNT(*) AS n FROM runs WHERE status = 'interrupted'`)).toBe(1);
    });
  });
});

describe('clean starts and stops', () => {
  it('SIGINT and SIGTERM mark the run interrupted, release the lock and exit 130 / 143; the next run finishes the file', async () => {
    const lines = ['id,date,comment'];
    for (let i = 0; i < 60_000; i++) lines.push(`s${i},2026-01-01,"Ticket ${i}: the parcel was late and nobody called me back about the refund."`);
    const sig = makeWorkspace('voc-signal-');
    try {
      sig.write('in/big.csv', `${lines.join('\n')}\n`);
      sig.writeConfig(storageConfig(sig));
      for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
        const child = vocProcess(['ingest', '--config', sig.configPath, '--force'], sig.dir);
        // Wait until the run has started writing (the lock file exists), then stop it.
        const t0 = Date.now();
        while (!existsSync(`${sig.dbPath}.lock`) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 400));
        child.kill(signal);
        const exit = await exited(child);
        const stderr = child.err();
        expect(exit, stderr).toBe(code);
        expect(stderr).toMatch(new RegExp(`stopped by ${signal}; run \\d+ marked interrupted`));
        expect(existsSync(`${sig.dbPath}.lock`)).toBe(false);
        const db = openDatabase(sig.dbPath);
        try {
          const last = db.prepare('SELECT status, message FROM runs ORDER BY id DESC LIMIT 1').get() as { status: string; message: string };
          expect(last).toEqual({ status: 'interrupted', message: `stopped by ${signal}` });
        } finally {
          db.close();
        }
      }
      const r = runVoc(['ingest', '--config', sig.configPath], sig.dir);
      expect(r.status, r.stderr).toBe(0);
      const db = openDatabase(sig.dbPath);
      try {
        expect((db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n).toBe(60_000);
      } finally {
        db.close();
      }
    } finally {
      sig.cleanup();
    }
  }, 120_000);

  it('two first runs on a new database at once: one migrates and runs, the other is told the database is locked', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const two = makeWorkspace('voc-race-');
      try {
        two.write('in/big.csv', 'id,date,comment\nr1,2026-01-01,"late parcel"\n');
        two.writeConfig(storageConfig(two));
        const start = async () => {
          const child = vocProcess(['ingest', '--config', two.configPath], two.dir);
          const code = await exited(child);
          return { code, stderr: child.err() };
        };
        const results = await Promise.all([start(), start()]);
        for (const r of results) {
          expect([0, 4], r.stderr).toContain(r.code);
          expect(r.stderr).not.toMatch(/already exists|internal error/);
        }
        expect(results.some((r) => r.code === 0)).toBe(true);
      } finally {
        two.cleanup();
      }
    }
  }, 120_000);
});
