/**
 * The PostgreSQL store against a real server (helpers/postgres.ts: VOC_TEST_POSTGRES_URL; skipped
 * with the reason when there is none, failed on CI): the demo pipeline (pipelines/demo.yaml, every
 * fixture) run through the real CLI once on SQLite and once on PostgreSQL gives the same rows
 * (labels, scores, themes, emotions, heatmap cells, quotes) and byte-identical CSV exports; a
 * second run on PostgreSQL changes nothing; the advisory lock keeps a second coordinator out; a
 * `voc run --queue` coordinator on PostgreSQL with 3 worker processes, 10 of them killed -9 in the
 * middle of a batch one after the other (Redis from helpers/redis.ts), analyses every segment
 * exactly once and stores what a single SQLite run stores. The translator's rules are
 * checked on their own in test/store-postgres.test.ts (no server needed, part of `npm test`); these
 * trials take minutes (two demo runs, worker processes), so they run with `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { onboardingSource, SOCIAL_DMS_SOURCE } from '../helpers/fixture-sources.js';
import { exited, killAll, until, vocProcess, type VocProcess } from '../helpers/processes.js';
import { makeWorkspace, PROJECT_ROOT, type Workspace } from '../helpers/workspace.js';
import { requireRedis, testRedis } from '../helpers/redis.js';
import { runVocInProcess } from '../helpers/cli-in-process.js';
import { disposeSharedEncoders } from '../helpers/shared-encoder.js';
import { dropDatabases, freshDatabase, requirePostgres, testPostgres } from '../helpers/postgres.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { acquireLock } from '../../src/store/lock.js';
import { attributeKey, MIN_QUOTE_CHARS } from '../../src/store/aggregate-facts.js';
import { ExitCode } from '../../src/util/errors.js';

vi.mock('../../src/models/encoder.js', async (importOriginal) => (await import('../helpers/shared-encoder.js')).sharedEncoderModule(await importOriginal()));


const pg = testPostgres();

/** Rows compared between the two stores, by natural keys (identity, position), never by row id. */
const SNAPSHOT: Record<string, string> = {
  documents: `SELECT identity, kind, source_name, external_id, locator, created_at, score, score_scale, channel, attributes, meta, text, lang, content_hash
                FROM documents ORDER BY identity`,
  segments: `SELECT d.identity, s.idx, s.part_idx, s.field, s.speaker, s.role, s.char_start, s.char_end, s.text, s.text_hash, s.analyse
               FROM segments s JOIN documents d ON d.id = s.document_id ORDER BY d.identity, s.idx`,
  labels: `SELECT d.identity, s.idx, a.sentiment, a.sentiment_score, a.p_negative, a.p_neutral, a.p_positive, a.stage, a.stage_confidence,
                  a.stage_signal, a.touchpoint, a.touchpoint_confidence, a.touchpoint_signal, a.analysis_key
             FROM segment_analysis a JOIN segments s ON s.id = a.segment_id JOIN documents d ON d.id = s.document_id ORDER BY d.identity, s.idx`,
  themes: `SELECT d.identity, s.idx, t.theme_id, t.score, t.signal FROM segment_themes t JOIN segments s ON s.id = t.segment_id
             JOIN documents d ON d.id = s.document_id ORDER BY d.identity, s.idx, t.theme_id`,
  emotions: `SELECT d.identity, s.idx, e.emotion, e.score FROM segment_emotions e JOIN segments s ON s.id = e.segment_id
               JOIN documents d ON d.id = s.document_id ORDER BY d.identity, s.idx, e.emotion`,
  documentLabels: `SELECT d.identity, a.sentiment, a.sentiment_score, a.stage, a.touchpoint FROM document_analysis a JOIN documents d ON d.id = a.document_id ORDER BY d.identity`,
  suggestions: `SELECT suggestion_key, label, terms, size, status FROM theme_suggestions ORDER BY suggestion_key`,
  cells: `SELECT * FROM v_cell_metrics ORDER BY matrix, row_key, col_key`,
  cellEmotions: `SELECT * FROM v_cell_emotions ORDER BY matrix, row_key, col_key, emotion`,
  quotes: `SELECT matrix, row_key, col_key, kind, rank, external_id, source_name, locator, char_start, char_end, sentiment_score, text
             FROM v_quotes ORDER BY matrix, row_key, col_key, kind, rank`,
  segmentFacts: `SELECT external_id, kind, idx, month, stage, touchpoint, sentiment, themes_json, emotions_json FROM v_segment_facts
                   ORDER BY source_name, external_id, locator, idx`,
  quarantine: `SELECT source_name, path, locator, field, reason, excerpt FROM quarantine ORDER BY path, locator, reason`,
};

function snapshot(location: string): Record<string, unknown[]> {
  const db: Db = openDatabase(location, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const [name, sql] of Object.entries(SNAPSHOT)) {
      out[name] = (db.prepare(sql).all() as Record<string, unknown>[]).map((r) => {
        // Ids and times differ between two runs by design; everything else must not.
        const { aggregate_id: _a, aggregated_at: _b, ...rest } = r;
        return rest;
      });
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * Where two snapshots differ: every string, label, id, count and number exactly (numeric CSV
 * cells by value). JSON columns (themes_json, emotions_json) are compared by value.
 */
function differences(got: unknown, want: unknown, path = ''): string[] {
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+\.\d+$/.test(v) ? Number(v) : null);
  const [g, w] = [num(got), num(want)];
  if (g !== null && w !== null) return g === w ? [] : [`${path}: ${String(got)} vs ${String(want)}`];
  const json = (v: unknown) => (typeof v === 'string' && /^[[{]/.test(v) ? (JSON.parse(v) as unknown) : undefined);
  const [gj, wj] = [json(got), json(want)];
  if (gj !== undefined && wj !== undefined) return differences(gj, wj, path);
  if (Array.isArray(got) && Array.isArray(want)) {
    if (got.length !== want.length) return [`${path}: ${got.length} vs ${want.length} items`];
    return got.flatMap((v, i) => differences(v, want[i], `${path}[${i}]`)).slice(0, 20);
  }
  if (got && want && typeof got === 'object' && typeof want === 'object') {
    const keys = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort();
    return keys.flatMap((k) => differences((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${path}.${k}`)).slice(0, 20);
  }
  return Object.is(got, want) ? [] : [`${path}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`];
}

function config(ws: Workspace, database: string, out: string): string {
  return readFileSync(join(PROJECT_ROOT, 'pipelines/demo.yaml'), 'utf8')
    .replace(/^database: .*$/m, `database: ${database}`)
    .replace(/^root: .*$/m, `root: ${PROJECT_ROOT}`)
    .replace(/^outputDir: .*$/m, `outputDir: ${join(ws.dir, out)}`);
}

function csvs(dir: string): Record<string, string> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe.skipIf(pg.skip)('the demo pipeline on PostgreSQL', () => {
  let ws: Workspace;
  let url: string;

  beforeAll(() => {
    url = freshDatabase(requirePostgres(pg), 'demo');
    ws = makeWorkspace('voc-pg-');
    ws.write('sqlite.yaml', config(ws, ws.dbPath, 'out-sqlite'));
    ws.write('pg.yaml', config(ws, url, 'out-pg'));
  });
  afterAll(async () => {
    ws?.cleanup();
    if (pg.url) dropDatabases();
    await disposeSharedEncoders();
  });

  it('gives the same rows and the same CSV exports as SQLite', async () => {
    const lite = await runVocInProcess(['run', '--config', join(ws.dir, 'sqlite.yaml'), '--quiet'], ws.dir);
    expect(lite.status, lite.stderr).toBe(0);
    const onPg = await runVocInProcess(['run', '--config', join(ws.dir, 'pg.yaml'), '--quiet'], ws.dir);
    expect(onPg.stderr).not.toMatch(/internal error/);
    expect(onPg.status, onPg.stderr).toBe(0);

    const a = snapshot(ws.dbPath);
    const b = snapshot(url);
    expect((a.labels ?? []).length).toBeGreaterThan(1000);
    expect((a.cells ?? []).length).toBeGreaterThan(100);
    expect((a.quotes ?? []).length).toBeGreaterThan(100);
    for (const name of Object.keys(SNAPSHOT)) expect(differences(b[name], a[name]), name).toEqual([]);

    const liteCsv = csvs(join(ws.dir, 'out-sqlite'));
    expect(Object.keys(liteCsv)).toHaveLength(4);
    const pgCsv = csvs(join(ws.dir, 'out-pg'));
    expect(Object.keys(pgCsv)).toEqual(Object.keys(liteCsv));
    expect(pgCsv).toEqual(liteCsv);
  }, 900_000);

  it('changes nothing when run again on PostgreSQL', async () => {
    const before = snapshot(url);
    const r = await runVocInProcess(['run', '--config', join(ws.dir, 'pg.yaml'), '--quiet'], ws.dir);
    expect(r.status, r.stderr).toBe(0);
    expect(snapshot(url)).toEqual(before);
  }, 300_000);

  it('computes voc_attr and voc_short in SQL as the JavaScript rules do', () => {
    const db = openDatabase(url);
    try {
      const attrs = { plan: 'Family', n: 3, empty: '', nil: null, nested: { a: [1, 'x'] }, yes: true };
      const json = JSON.stringify(attrs);
      for (const name of [...Object.keys(attrs), 'missing']) {
        const got = db.prepare('SELECT voc_attr(?, ?) AS v').pluck().get(json, name);
        expect(got, name).toBe(attributeKey((attrs as Record<string, unknown>)[name]));
      }
      for (const text of ['  ok.  ', 'x'.repeat(MIN_QUOTE_CHARS), `\u00a0${'y'.repeat(MIN_QUOTE_CHARS - 1)}\u3000`, '😀'.repeat(12), '😀'.repeat(13)]) {
        const got = db.prepare('SELECT voc_short(?) AS v').pluck().get(text);
        expect(got, JSON.stringify(text)).toBe(text.trim().length < MIN_QUOTE_CHARS ? 1 : 0);
      }
    } finally {
      db.close();
    }
  });

  it('prepares each statement once per connection, again when its columns changed, and keeps a bounded number', () => {
    const db = openDatabase(url);
    try {
      const prepared = (like: string) =>
        db.prepare(`SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE statement LIKE ? AND statement NOT LIKE '%pg_prepared_statements%'`).pluck().get(like);
      db.exec('CREATE TABLE voc_probe (id INTEGER PRIMARY KEY, v TEXT)');
      const insert = db.prepare('INSERT INTO voc_probe (v) VALUES (?)');
      for (let i = 0; i < 50; i++) expect(insert.run(`v${i}`).lastInsertRowid).toBe(i + 1);
      const select = db.prepare('SELECT * FROM voc_probe WHERE id = ?');
      expect(select.get(3)).toEqual({ id: 3, v: 'v2' });
      expect(db.prepare('SELECT * FROM voc_probe WHERE id = ?').get(4)).toEqual({ id: 4, v: 'v3' });
      expect(prepared('%voc_probe%')).toBe(2);
      // Another connection adds a column: the prepared SELECT * is prepared again, not failed.
      const other = openDatabase(url);
      other.exec('ALTER TABLE voc_probe ADD COLUMN w TEXT');
      other.close();
      expect(select.get(3)).toEqual({ id: 3, v: 'v2', w: null });
      const ids = Array.from({ length: 250 }, (_, i) => i + 1);
      for (let n = 1; n <= ids.length; n++) {
        expect(db.prepare(`SELECT COUNT(*) AS n FROM voc_probe WHERE id IN (${ids.slice(0, n).map(() => '?').join(', ')})`).pluck().get(...ids.slice(0, n))).toBe(Math.min(n, 50));
      }
      expect(prepared('%')).toBeLessThanOrEqual(200);
      db.exec('DROP TABLE voc_probe');
      expect(prepared('%voc_probe%')).toBe(0);
    } finally {
      db.close();
    }
  });

  it('keeps a second coordinator of the same database out with an advisory lock', () => {
    const first = acquireLock(url, 'run');
    try {
      expect(() => acquireLock(url, 'aggregate')).toThrow(expect.objectContaining({ exitCode: ExitCode.Locked, message: expect.stringMatching(/voc run pid \d+/) }));
    } finally {
      first.release();
    }
    acquireLock(url, 'aggregate').release();
  });
});

const redis = await testRedis();

/** The two-source slice of the demo (about 120 documents, 150 segments): batches of 8 give about 20 to kill. */
const SLICE = (database: string, root: string, queue: string) => `name: pgqueue
database: ${database}
root: ${root}
outputDir: out
sources:
${onboardingSource('    stage: onboarding-delivery\n')}${SOCIAL_DMS_SOURCE}analysis:
  discovery: { enabled: false }
${queue}
exports:
  - { type: heatmap, rows: stage, cols: theme, metric: pain, out: stage-theme.csv }
`;

/** Analysable segments without exactly one analysis row (lost: 0, doubled: 2 or more), by natural key. */
const NOT_ONCE = `SELECT d.identity, s.idx, COUNT(a.segment_id) AS n FROM segments s JOIN documents d ON d.id = s.document_id
                    LEFT JOIN segment_analysis a ON a.segment_id = s.id WHERE s.analyse = 1
                   GROUP BY d.identity, s.idx HAVING COUNT(a.segment_id) <> 1 ORDER BY d.identity, s.idx`;
const KILLS = 10;
const LIVE_WORKERS = 3;

describe.skipIf(pg.skip || redis.skip)('voc run --queue with the coordinator on PostgreSQL', () => {
  const children: ChildProcess[] = [];
  let ws: Workspace;
  afterAll(async () => {
    await killAll(children);
    ws?.cleanup();
    if (pg.url) dropDatabases();
  });

  it(`stores what a single SQLite run stores, with ${LIVE_WORKERS} workers and ${KILLS} of them killed -9 mid-batch`, async () => {
    const server = requirePostgres(pg);
    const queueUrl = requireRedis(redis);
    const url = freshDatabase(server, 'queue');
    ws = makeWorkspace('voc-pgq-');
    const name = `voc-pgq-${process.pid}-${Date.now()}`;
    ws.write('lite.yaml', SLICE(ws.dbPath, PROJECT_ROOT, ''));
    // Short locks so a killed worker's batch comes back within seconds.
    ws.write('pg.yaml', SLICE(url, PROJECT_ROOT, `queue: { url: "${queueUrl}", name: ${name}, batchSize: 8, lockDurationMs: 3000, stalledIntervalMs: 1500, backoffMs: 500 }`));
    const lite = await runVocInProcess(['run', '--config', join(ws.dir, 'lite.yaml'), '--quiet'], ws.dir);
    expect(lite.status, lite.stderr).toBe(0);
    const liteCsv = readFileSync(join(ws.dir, 'out', 'stage-theme.csv'), 'utf8');

    // The kill storm: a worker is killed -9 as soon as it starts a batch's first attempt (so no batch
    // is killed twice and none runs out of BullMQ's stalled-job recoveries), and a fresh one is
    // started in its place, until KILLS workers are dead; then the live ones finish the run.
    const killed: Array<{ batch: string; worker: VocProcess }> = [];
    const workers: VocProcess[] = [];
    const startWorker = () => {
      let doomed = false;
      const w = vocProcess(['worker', '--config', join(ws.dir, 'pg.yaml')], ws.dir, (out, child) => {
        const first = /batch (\d+): analysing \d+ segments \(job \S+, attempt 1\)/.exec(out);
        if (doomed || !first || killed.length >= KILLS) return;
        doomed = true;
        child.kill('SIGKILL');
        killed.push({ batch: first[1]!, worker: child });
        if (killed.length < KILLS) startWorker();
      });
      workers.push(w);
      children.push(w);
    };
    for (let i = 0; i < LIVE_WORKERS; i++) startWorker();
    await until(`${LIVE_WORKERS} workers ready`, () => workers.every((w) => /ready: queue/.test(w.out())), 300_000);
    const coordinator = vocProcess(['run', '--config', join(ws.dir, 'pg.yaml')], ws.dir);
    children.push(coordinator);
    expect(await exited(coordinator), coordinator.out()).toBe(0);
    expect(killed.length, coordinator.out()).toBe(KILLS);
    expect(new Set(killed.map((k) => k.batch)).size).toBe(KILLS);

    // Every killed batch was taken again by another worker, unless it had finished before the kill landed.
    const all = () => workers.map((w) => w.out()).join('\n');
    const redone = killed.filter((k) => !new RegExp(`batch ${k.batch}: done`).test(k.worker.out()));
    for (const k of redone) expect(all(), `batch ${k.batch} taken again`).toMatch(new RegExp(`batch ${k.batch}: analysing .*attempt [2-9]`));
    const stats = /Distributed: (\d+) batches on queue \S+ by (\d+) worker\(s\), (\d+) retried/.exec(coordinator.out());
    expect(stats, coordinator.out()).not.toBeNull();
    expect(Number(stats![3])).toBeGreaterThanOrEqual(redone.length);

    const rows = (location: string) => {
      const db = openDatabase(location, { readonly: true });
      try {
        const all = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
        return {
          notOnce: all(NOT_ONCE),
          labels: all(SNAPSHOT.labels!),
          themes: all(SNAPSHOT.themes!),
          emotions: all(SNAPSHOT.emotions!),
          documentLabels: all(SNAPSHOT.documentLabels!),
          pending: all('SELECT identity FROM documents WHERE needs_analysis = 1'),
        };
      } finally {
        db.close();
      }
    };
    const a = rows(ws.dbPath);
    const b = rows(url);
    expect(a.labels.length).toBeGreaterThan(100);
    // No lost and no doubled segment: each analysable segment has exactly one analysis row.
    expect(a.notOnce).toEqual([]);
    expect(b.notOnce).toEqual([]);
    expect(b.pending).toEqual([]);
    // Exact, scores included: a text's vector does not depend on which texts share its encoder batch.
    for (const k of Object.keys(a) as Array<keyof typeof a>) expect(differences(b[k], a[k]), k).toEqual([]);
    const grid = (csv: string) => csv.split('\n').map((l) => l.split(','));
    expect(differences(grid(readFileSync(join(ws.dir, 'out', 'stage-theme.csv'), 'utf8')), grid(liteCsv))).toEqual([]);
    // SIGTERM lets a ready worker finish and exit 0 (one still loading its models has no handler yet).
    const live = workers.filter((w) => !killed.some((k) => k.worker === w) && /ready: queue/.test(w.out()));
    for (const w of live) w.kill('SIGTERM');
    expect(await Promise.all(live.map(exited))).toEqual(live.map(() => 0));
  }, 900_000);
});
