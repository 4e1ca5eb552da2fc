/**
 * Storage failures stop the run with one clear line and never claim rows that were not stored.
 *
 * A full disk is simulated with SQLite's own limit (`PRAGMA max_page_count`), which fails writes
 * with SQLITE_FULL exactly as a full disk does. After "space is freed" the next run reads the file
 * again and stores every row once. A file that is not a database, a read-only database and a
 * read-only folder each give one line, exit 5, no stack trace (through the CLI program,
 * in-process). SIGINT / SIGTERM and two processes racing for a new database need real processes:
 * test/e2e/ingest-process.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlWith } from '../src/config/load.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { ingestPipeline } from '../src/ingest/engine.js';
import { openDatabase } from '../src/store/db.js';
import { storageError } from '../src/store/errors.js';
import { startRun } from '../src/store/runs.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';
import { runVocInProcess } from './helpers/cli-in-process.js';
import { storageConfig } from './helpers/ingest-fixtures.js';

let ws: Workspace;
let config: PipelineConfig;
const ROWS = 3000;

beforeAll(() => {
  ws = makeWorkspace('voc-storage-');
  const lines = ['id,date,comment'];
  for (let i = 0; i < ROWS; i++) lines.push(`r${i},2026-01-01,"Order ${i} arrived late and the box was damaged; support never replied to my emails about it."`);
  ws.write('in/big.csv', `${lines.join('\n')}\n`);
  ws.writeConfig(readConfig());
  config = parseYamlWith(readConfig(), PipelineConfig, 'test config');
});

afterAll(() => ws?.cleanup());

const readConfig = (): string => storageConfig(ws);

describe('a full disk during ingest', () => {
  it('stops with SQLITE_FULL, leaves the file unfinished, and claims nothing it did not store', async () => {
    const db = openDatabase(ws.dbPath);
    try {
      const runId = startRun(db, { command: 'ingest', toolVersion: 'test' });
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages + 300}`);
      const err = await ingestPipeline(db, config, runId, {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as { code?: string }).code).toBe('SQLITE_FULL');
      expect(storageError(err, 'the database')?.message).toMatch(/^cannot write the database \(SQLITE_FULL: .*\): the disk .* is full; free space and run again/);
      const stored = (db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(ROWS);
      const file = db.prepare('SELECT status FROM sources').get() as { status: string };
      expect(file.status).toBe('partial');
      // Nothing was recorded as counted for the file.
      expect((db.prepare('SELECT COUNT(*) AS n FROM source_counts').get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }
  });

  it('after space is freed, the next run reads the file again and stores every row once', async () => {
    const db = openDatabase(ws.dbPath);
    try {
      const runId = startRun(db, { command: 'ingest', toolVersion: 'test' });
      const report = await ingestPipeline(db, config, runId, {});
      expect(report.totals.read).toBe(ROWS);
      expect(report.totals.new + report.totals.unchanged).toBe(ROWS);
      expect((db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n).toBe(ROWS);
      expect((db.prepare('SELECT status FROM sources').get() as { status: string }).status).toBe('complete');
    } finally {
      db.close();
    }
  });
});

describe('databases that cannot be written give one clear line', () => {
  it('a file that is not a database', async () => {
    const bogus = ws.write('not-a-db.sqlite', 'this is a text file, not SQLite '.repeat(200));
    const r = await runVocInProcess(['ingest', '--config', ws.configPath, '--db', bogus], ws.dir);
    expect(r.status).toBe(5);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/SQLITE_NOTADB.*not a SQLite database/);
  });

  it('a read-only database file', async () => {
    const ro = join(ws.dir, 'ro', 'voc.sqlite');
    openDatabase(ro).close();
    chmodSync(ro, 0o444);
    try {
      const r = await runVocInProcess(['ingest', '--config', ws.configPath, '--db', ro], ws.dir);
      if (process.getuid?.() === 0) {
        // root writes through file modes; nothing to show here but that the run succeeds
        expect(r.status).toBe(0);
      } else {
        expect(r.status).toBe(5);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/read-only|permission denied/);
      }
    } finally {
      chmodSync(ro, 0o644);
    }
  });

  it('a database opened read-only by SQLite itself', () => {
    const path = join(ws.dir, 'ro2', 'voc.sqlite');
    openDatabase(path).close();
    const db = openDatabase(path, { readonly: true });
    try {
      let caught: unknown;
      try {
        db.prepare(`INSERT INTO runs (command, started_at, tool_version) VALUES ('x', 'y', 'z')`).run();
      } catch (e) {
        caught = e;
      }
      expect(storageError(caught, 'the database')?.message).toMatch(/SQLITE_READONLY.*read-only/);
    } finally {
      db.close();
    }
  });

  it('a folder that cannot be created', async () => {
    writeFileSync(join(ws.dir, 'afile'), 'x');
    const r = await runVocInProcess(['ingest', '--config', ws.configPath, '--db', join(ws.dir, 'afile', 'sub', 'voc.sqlite')], ws.dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
