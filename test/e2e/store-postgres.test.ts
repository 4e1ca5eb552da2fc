/**
 * The PostgreSQL store against a real server (helpers/postgres.ts: VOC_TEST_POSTGRES_URL; skipped
 * with the reason when there is none, failed on CI): the demo pipeline (pipelines/demo.yaml, every
 * fixture) run through the real CLI once on SQLite and once on PostgreSQL gives the same rows
 * (labels, scores, themes, emotions, heatmap cells, quotes) and byte-identical CSV exports; a
 * second run on PostgreSQL changes nothing; the advisory lock keeps a second coordinator out; a
 * `voc run --queue` coordinator on PostgreSQL with 2 worker processes (one killed -9 mid-batch, with
 * Redis from helpers/redis.ts) stores what a single SQLite run stores. The translator's rules are
 * checked on their own in test/store-postgres.test.ts (no server needed, part of `npm test`); these
 * trials take minutes (two demo runs, worker processes), so they run with `npm run test:e2e`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
 * Where two snapshots differ: every string, label, id and count exactly; a number (or a numeric CSV
 * cell) may differ by one step of the 4 decimals scores are stored with. On CI one segment in 2,951
 * once came out 0.0001 apart (p_negative 0.3212 against 0.3213) between the two stores with the same
 * labels. The likely cause, since fixed in models/cache.ts: the analyser's side-by-side slices
 * embedded a text that was in both twice, in two batches (the encoder's floats depend slightly on
 * the batch), and the cache kept whichever finished last. The margin stays until CI has shown
 * exact equality over many runs.
 */
function differences(got: unknown, want: unknown, path = ''): string[] {
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+\.\d+$/.test(v) ? Number(v) : null);
  const [g, w] = [num(got), num(want)];
  if (g !== null && w !== null) return Math.abs(g - w) <= 1.5e-4 ? [] : [`${path}: ${String(got)} vs ${String(want)}`];
  // JSON columns (themes_json, emotions_json): compared by value, with the same margin for numbers.
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
    const grid = (csv: string) => csv.split('\n').map((l) => l.split(','));
    for (const f of Object.keys(liteCsv)) expect(differences(grid(pgCsv[f]!), grid(liteCsv[f]!)), f).toEqual([]);
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
const TSX = pathToFileURL(join(PROJECT_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function vocProcess(args: string[], cwd: string): ChildProcess & { out: () => string } {
  const child = spawn(process.execPath, ['--import', TSX, join(PROJECT_ROOT, 'test/helpers/voc-dev.ts'), ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', DOTENV_CONFIG_QUIET: 'true' },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { out: () => out });
}
const exited = (c: ChildProcess) =>
  new Promise<number | null>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));
async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Two sources of the demo (120 documents, about 150 segments): enough batches to kill one. */
const SLICE = (database: string, root: string, queue: string) => `name: pgqueue
database: ${database}
root: ${root}
outputDir: out
sources:
  - name: onboarding-csat
    kind: survey
    format: surveymonkey-csv
    paths: fixtures/surveys/onboarding-csat-surveymonkey.csv
    mapping:
      id: Respondent ID
      text: ["Tell us about your first box: what stood out, good or bad?"]
      score: { field: "How satisfied were you with your first Kestrel Kitchen box?", scale: csat5 }
      date: Start Date
    stage: onboarding-delivery
  - name: social-dms
    kind: ticket
    format: tickets-csv
    paths: fixtures/tickets/social-dms.csv
    mapping: { id: conversation_id, text: message, date: created_at, channel: platform }
analysis:
  discovery: { enabled: false }
${queue}
exports:
  - { type: heatmap, rows: stage, cols: theme, metric: pain, out: stage-theme.csv }
`;

/** Labels exactly, scores to a rounding step (a worker's encoder batches texts differently). */
function sameAnalysis(a: Record<string, unknown>[], b: Record<string, unknown>[]): string | null {
  if (a.length !== b.length) return `${a.length} vs ${b.length} rows`;
  for (let i = 0; i < a.length; i++) {
    for (const [k, v] of Object.entries(a[i]!)) {
      const w = b[i]![k];
      const ok = typeof v === 'number' && typeof w === 'number' ? Math.abs(v - w) <= 0.002 : v === w;
      if (!ok) return `row ${i} ${k}: ${String(v)} vs ${String(w)}`;
    }
  }
  return null;
}

describe.skipIf(pg.skip || redis.skip)('voc run --queue with the coordinator on PostgreSQL', () => {
  const children: ChildProcess[] = [];
  let ws: Workspace;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    ws?.cleanup();
    if (pg.url) dropDatabases();
  });

  it('stores what a single SQLite run stores, with 2 workers and one killed -9 mid-batch', async () => {
    const server = requirePostgres(pg);
    const queueUrl = requireRedis(redis);
    const url = freshDatabase(server, 'queue');
    ws = makeWorkspace('voc-pgq-');
    const name = `voc-pgq-${process.pid}-${Date.now()}`;
    ws.write('lite.yaml', SLICE(ws.dbPath, PROJECT_ROOT, ''));
    ws.write('pg.yaml', SLICE(url, PROJECT_ROOT, `queue: { url: "${queueUrl}", name: ${name}, batchSize: 16, lockDurationMs: 3000, stalledIntervalMs: 1500, backoffMs: 500 }`));
    const lite = await runVocInProcess(['run', '--config', join(ws.dir, 'lite.yaml'), '--quiet'], ws.dir);
    expect(lite.status, lite.stderr).toBe(0);
    const liteCsv = readFileSync(join(ws.dir, 'out', 'stage-theme.csv'), 'utf8');

    const workers = [0, 1].map(() => vocProcess(['worker', '--config', join(ws.dir, 'pg.yaml')], ws.dir));
    children.push(...workers);
    await until('2 workers ready', () => workers.every((w) => /ready: queue/.test(w.out())), 300_000);
    const coordinator = vocProcess(['run', '--config', join(ws.dir, 'pg.yaml')], ws.dir);
    children.push(coordinator);
    let victim: ChildProcess & { out: () => string } | undefined;
    await until('a worker to start a batch', () => (victim = workers.find((w) => /batch \d+: analysing/.test(w.out()))) !== undefined, 300_000);
    victim!.kill('SIGKILL');
    expect(await exited(coordinator), coordinator.out()).toBe(0);
    expect(coordinator.out()).toMatch(/Distributed: \d+ batches .* [1-9]\d* retried/);

    const rows = (location: string) => {
      const db = openDatabase(location, { readonly: true });
      try {
        return db.prepare(SNAPSHOT.labels!).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    };
    const a = rows(ws.dbPath);
    expect(a.length).toBeGreaterThan(100);
    expect(sameAnalysis(rows(url), a)).toBeNull();
    const pgCsv = readFileSync(join(ws.dir, 'out', 'stage-theme.csv'), 'utf8');
    const grid = (csv: string) => csv.split('\n').map((l) => l.split(','));
    const [pgGrid, liteGrid] = [grid(pgCsv), grid(liteCsv)];
    expect(pgGrid.map((r) => r.length)).toEqual(liteGrid.map((r) => r.length));
    pgGrid.forEach((r, i) =>
      r.forEach((v, j) => {
        const w = liteGrid[i]![j]!;
        if (v !== w) expect(Math.abs(Number(v) - Number(w)), `stage-theme.csv row ${i} col ${j}: ${v} vs ${w}`).toBeLessThanOrEqual(0.01);
      }),
    );
    for (const w of workers) if (w !== victim) w.kill('SIGTERM');
  }, 900_000);
});
