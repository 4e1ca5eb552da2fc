/**
 * `voc analyze` end to end on a real SQLite database filled by the real ingest engine: results
 * for every analysable segment, document rows, idempotence (a second run analyses nothing),
 * re-analysis of exactly the updated document, and `voc classify` output shape and order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlWith } from '../src/config/load.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { ingestPipeline } from '../src/ingest/engine.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { startRun } from '../src/store/runs.js';
import { analyzePipeline } from '../src/analyze/pipeline.js';
import { classifyFile } from '../src/pipeline/classify.js';
import { makeWorkspace, PROJECT_ROOT, type Workspace } from './helpers/workspace.js';
import { runVocInProcess } from './helpers/cli-in-process.js';
import { loadCodeframe } from '../src/config/codeframe.js';
import { createEncoder } from '../src/models/encoder.js';
import { saveHead, trainHead } from '../src/models/head.js';

const HEADER = 'ResponseId,SubmittedAt,NPS,Channel,Comment';
const ROWS = [
  'r1,2026-06-01,2,phone,"My first box arrived three days late. The courier left it in the rain."',
  'r2,2026-06-02,1,email,"I was charged twice after I cancelled my subscription!!! Absolutely furious."',
  'r3,2026-06-03,10,app,"Love the recipes, thank you so much. The food is always fresh."',
  'r4,2026-06-04,3,chat,"The chatbot kept going round in circles and nobody answered my emails."',
  'r5,2026-06-05,6,app,"The app crashes every time I edit my weekly menu since the update."',
];

let ws: Workspace;
let config: PipelineConfig;

function yaml(): string {
  return `name: analyze-test
database: ${ws.dbPath}
root: ${ws.dir}
sources:
  - name: pulse
    kind: survey
    format: generic-csv
    paths: "surveys/*.csv"
    mapping: { id: ResponseId, text: [Comment], score: { field: NPS, scale: nps }, date: SubmittedAt, channel: Channel }
analysis:
  discovery: { enabled: false }
`;
}

async function ingest(rows: string[]): Promise<void> {
  ws.write('surveys/pulse.csv', `${HEADER}\n${rows.join('\n')}\n`);
  const db = openDatabase(ws.dbPath);
  try {
    await ingestPipeline(db, config, startRun(db, { command: 'ingest', toolVersion: 'test' }), {});
  } finally {
    db.close();
  }
}

async function analyze(opts = {}) {
  const db = openDatabase(ws.dbPath);
  try {
    return await analyzePipeline(db, config, startRun(db, { command: 'analyze', toolVersion: 'test' }), opts);
  } finally {
    db.close();
  }
}

function withDb<T>(fn: (db: Db) => T): T {
  const db = openDatabase(ws.dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  ws = makeWorkspace('voc-analyze-');
  config = parseYamlWith(yaml(), PipelineConfig, 'test config');
  await ingest(ROWS);
});
afterAll(async () => {
  ws?.cleanup();
});

describe('analyzePipeline', () => {
  it('analyses every analysable segment and document, resuming after a partial (--limit) run', async () => {
    const first = await analyze({ limit: 1 });
    expect(first.documentsAnalysed).toBe(1);
    const s = await analyze();
    const expected = withDb((db) => db.prepare('SELECT COUNT(*) FROM segments WHERE analyse = 1').pluck().get() as number);
    expect(expected).toBeGreaterThanOrEqual(5);
    expect(first.segmentsAnalysed + s.segmentsAnalysed).toBe(expected);
    expect(s.documentsAnalysed).toBe(4);
    expect(s.analysisKey).toMatch(/^[0-9a-f]{16}$/);
    withDb((db) => {
      expect(db.prepare('SELECT COUNT(*) FROM segment_analysis').pluck().get()).toBe(expected);
      expect(db.prepare('SELECT COUNT(*) FROM document_analysis').pluck().get()).toBe(5);
      expect(db.prepare('SELECT COUNT(*) FROM documents WHERE needs_analysis = 1').pluck().get()).toBe(0);
      const doc = (id: string) =>
        db.prepare(`SELECT da.* FROM document_analysis da JOIN documents d ON d.id = da.document_id WHERE d.external_id = ?`).get(id) as Record<string, unknown>;
      expect(doc('r2').sentiment).toBe('negative');
      expect(doc('r3').sentiment).toBe('positive');
      expect(doc('r1').stage).toBe('onboarding-delivery');
      const themes = (id: string) =>
        db
          .prepare(`SELECT t.theme_id FROM segment_themes t JOIN segments s ON s.id = t.segment_id JOIN documents d ON d.id = s.document_id WHERE d.external_id = ?`)
          .pluck()
          .all(id) as string[];
      // The default codeframe is cross-industry: a late box left in the rain is delivery, charged
      // twice after cancelling a billing error, an app crashing reliability.
      expect(themes('r1')).toContain('delivery');
      expect(themes('r2')).toContain('billing-errors');
      expect(themes('r5')).toContain('reliability-outages');
      const emotions = db
        .prepare(`SELECT e.emotion FROM segment_emotions e JOIN segments s ON s.id = e.segment_id JOIN documents d ON d.id = s.document_id WHERE d.external_id = 'r2'`)
        .pluck()
        .all();
      expect(emotions).toContain('frustration-anger');
      // The channel column is stored as the channel; it does not decide the touchpoint (no channel map configured).
      const tp = db
        .prepare(`SELECT d.channel, a.touchpoint_signal FROM segment_analysis a JOIN segments s ON s.id = a.segment_id JOIN documents d ON d.id = s.document_id WHERE d.external_id = 'r4' LIMIT 1`)
        .get() as { channel: string; touchpoint_signal: string };
      expect(tp.channel).toBe('chat');
      expect(tp.touchpoint_signal).not.toBe('metadata');
      expect(db.prepare("SELECT COUNT(*) FROM themes WHERE origin = 'codeframe'").pluck().get()).toBeGreaterThan(15);
    });
  });

  it('is idempotent: a second run analyses nothing and hits the cache for nothing new', async () => {
    const s = await analyze();
    expect(s.segmentsAnalysed).toBe(0);
    expect(s.documentsAnalysed).toBe(0);
    expect(s.cacheMisses).toBe(0);
  });

  it('re-analyses exactly the updated document', async () => {
    const before = withDb((db) => db.prepare('SELECT segment_id, analyzed_at FROM segment_analysis ORDER BY segment_id').all());
    await ingest([...ROWS.slice(0, 2), 'r3,2026-06-03,1,app,"Terrible recipes and awful tiny portions. Very disappointed and angry."', ...ROWS.slice(3)]);
    const s = await analyze();
    expect(s.documentsAnalysed).toBe(1);
    withDb((db) => {
      const r3 = db
        .prepare(`SELECT da.sentiment FROM document_analysis da JOIN documents d ON d.id = da.document_id WHERE d.external_id = 'r3'`)
        .pluck()
        .get();
      expect(r3).toBe('negative');
      const after = db.prepare('SELECT segment_id, analyzed_at FROM segment_analysis ORDER BY segment_id').all() as typeof before;
      const unchanged = after.filter((a) => before.some((b) => JSON.stringify(b) === JSON.stringify(a)));
      expect(unchanged.length).toBe(after.length - s.segmentsAnalysed);
    });
    expect((await analyze()).segmentsAnalysed).toBe(0);
  });

  it('--reanalyze redoes everything with identical results (deterministic)', async () => {
    const snapshot = () =>
      withDb((db) => db.prepare('SELECT segment_id, sentiment, sentiment_score, stage, touchpoint FROM segment_analysis ORDER BY segment_id').all());
    const themes = () => withDb((db) => db.prepare('SELECT * FROM segment_themes ORDER BY segment_id, theme_id').all());
    const [a, t] = [snapshot(), themes()];
    const s = await analyze({ reanalyze: true });
    expect(s.documentsAnalysed).toBe(5);
    expect(snapshot()).toEqual(a);
    expect(themes()).toEqual(t);
  });
});

describe('voc analyze / voc themes suggest (CLI)', () => {
  it('prints the summary, and the suggestions command lists (possibly zero) suggestions', async () => {
    // The config holds absolute paths, so the working folder does not matter here.
    const cfgPath = ws.writeConfig(yaml());
    const first = await runVocInProcess(['analyze', '--config', cfgPath, '--reanalyze'], PROJECT_ROOT);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/segments analysed: +\d+ \(5 documents\)/);
    expect(first.stdout).toMatch(/embedding cache: +\d+ hits, \d+ misses/);
    expect(first.stdout).toMatch(/unassigned rate: +[\d.]+%/);
    expect(first.stdout).toMatch(/segments\/s/);
    const again = await runVocInProcess(['analyze', '--config', cfgPath, '--json'], PROJECT_ROOT);
    expect(JSON.parse(again.stdout)).toMatchObject({ segmentsAnalysed: 0, documentsAnalysed: 0 });
    const bad = await runVocInProcess(['analyze', '--config', cfgPath, '--limit', 'many'], PROJECT_ROOT);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--limit');
    const suggest = await runVocInProcess(['themes', 'suggest', '--config', cfgPath, '--json'], PROJECT_ROOT);
    expect(suggest.status).toBe(0);
    expect(Array.isArray(JSON.parse(suggest.stdout))).toBe(true);
  });
});

describe('trained theme head', () => {
  it('works on the researcher\'s own codes with no codeframe file (any code names)', async () => {
    const codes: Record<string, string[]> = {
      card_arrival: ['my card has not arrived yet', 'still waiting for the new card in the post', 'when will my card be delivered', 'the card never came'],
      'Billing/Fees': ['why was I charged a fee', 'there is an extra charge on my bill', 'the monthly fee went up', 'I was billed twice'],
      'Q3.app': ['the app keeps crashing', 'the app will not open on my phone', 'login in the app fails', 'the app is slow'],
    };
    const encoder = await createEncoder({ backend: 'use' });
    const headPath = join(ws.dir, 'own-codes.head.json');
    try {
      const texts = Object.values(codes).flat();
      const labels = Object.entries(codes).flatMap(([code, xs]) => xs.map(() => code));
      saveHead(await trainHead(texts, labels, { encoder }), headPath);
    } finally {
      await encoder.dispose();
    }
    const input = ws.write('own.csv', 'id,text\n1,My new card still has not arrived\n2,The app crashed again when I opened it\n');
    const output = join(ws.dir, 'own.jsonl');
    await classifyFile({ input, textColumn: 'text', idColumn: 'id', themeHead: headPath, output, format: 'auto', batchSize: 8 });
    const lines = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { themes: Array<{ id: string }> });
    expect(lines[0]!.themes[0]!.id).toBe('card_arrival');
    expect(lines[1]!.themes[0]!.id).toBe('Q3.app');
  }, 120_000);

  it('decides themes when configured (signal head) and re-analyses under a new key', async () => {
    // A head over a dozen of the codeframe's themes: enough for the head to decide every theme,
    // and a quarter of the training time of one over all of them (this test is about the
    // pipeline's use of a head, not its quality: test/models-head.test.ts). The default codeframe
    // (cross-industry) comes with its own shipped head: a configured one replaces it.
    const cf = loadCodeframe('builtin:cross-industry.yaml').themes.filter((t) => t.isLeaf && t.examples.length).slice(0, 12);
    const encoder = await createEncoder({ backend: 'use' });
    const headPath = join(ws.dir, 'themes.head.json');
    try {
      const head = await trainHead(
        cf.flatMap((t) => t.examples),
        cf.flatMap((t) => t.examples.map(() => t.id)),
        { encoder },
      );
      saveHead(head, headPath);
    } finally {
      await encoder.dispose();
    }
    const withHead = parseYamlWith(
      yaml().replace('  discovery: { enabled: false }\n', `  discovery: { enabled: false }\n  heads: { themes: ${headPath} }\n  themes: { headThreshold: 0.05 }\n`),
      PipelineConfig,
      'x',
    );
    const db = openDatabase(ws.dbPath);
    try {
      const rows = () => db.prepare('SELECT segment_id, theme_id, signal FROM segment_themes ORDER BY segment_id, theme_id').all();
      const before = (await analyzePipeline(db, config, null)).analysisKey;
      const shipped = rows();
      const s = await analyzePipeline(db, withHead, null);
      expect(s.analysisKey).not.toBe(before);
      expect(s.documentsAnalysed).toBe(5);
      const signals = db.prepare('SELECT DISTINCT signal FROM segment_themes').pluck().all();
      expect(signals).toEqual(['head']);
      const own = rows();
      expect(own).not.toEqual(shipped);
      // Back to the default config: re-analysed, the shipped head's themes again, none of the configured head's left.
      await analyzePipeline(db, config, null);
      expect(rows()).toEqual(shipped);
    } finally {
      db.close();
    }
  });
});

describe('config checks', () => {
  it('refuses rules and sources naming ids that no codeframe has', async () => {
    const bad = (analysis: string, source = '') =>
      parseYamlWith(yaml().replace('analysis:\n  discovery: { enabled: false }\n', analysis).replace('    kind: survey\n', `    kind: survey\n${source}`), PipelineConfig, 'x');
    const run = async (cfg: PipelineConfig) => {
      const db = openDatabase(ws.dbPath);
      try {
        return await analyzePipeline(db, cfg, null);
      } finally {
        db.close();
      }
    };
    await expect(run(bad('analysis:\n  rules: [{ when: { channel: phone }, stage: onboarding }]\n'))).rejects.toThrow(
      /analysis\.rules\.0\.stage: "onboarding" is not in the stage codeframe/,
    );
    await expect(run(bad('analysis: {}\n', '    touchpoint: webshop\n'))).rejects.toThrow(/sources\.0\.touchpoint: "webshop" is not a touchpoint/);
  });
});

describe('classify', () => {
  it('writes one line per row in input order with the documented shape', async () => {
    const input = ws.write(
      'in.csv',
      'ticket,body\nA-1,"The courier left my box in the rain and everything was soaked"\nA-2,""\nA-3,"Thank you, the refund arrived quickly!"\n',
    );
    const output = join(ws.dir, 'out.jsonl');
    const n = await classifyFile({ input, textColumn: 'body', idColumn: 'ticket', output, format: 'auto', batchSize: 2 });
    expect(n).toBe(3);
    const lines = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.id)).toEqual(['A-1', 'A-2', 'A-3']);
    expect(Object.keys(lines[0]!)).toEqual(['id', 'sentiment', 'emotions', 'themes', 'stage', 'touchpoint']);
    // The best label and whether it was assigned (confident enough) or left unassigned.
    expect(lines[0]).toMatchObject({ stage: { id: 'onboarding-delivery', assigned: true, signal: 'model' }, touchpoint: { assigned: expect.any(Boolean) } });
    // Themes come from the default codeframe, cross-industry, decided by its shipped head. That head
    // leaves this sentence without a theme (its delivery threshold is not reached; docs/audit.md lists
    // it as a known gap), so only the ids are checked here; the first test's r1 and the JSONL
    // test below check that it names themes.
    const crossIndustry = new Set(loadCodeframe('builtin:cross-industry.yaml').themes.map((t) => t.id));
    for (const l of lines) for (const t of l.themes as Array<{ id: string }>) expect(crossIndustry).toContain(t.id);
    expect(lines[1]).toMatchObject({ sentiment: null, themes: [], stage: null });
    expect(lines[2]).toMatchObject({ sentiment: { label: 'positive' } });
    expect((lines[2]!.emotions as Array<{ id: string }>).map((e) => e.id)).toContain('gratitude');
  });

  it('with the cross-industry codeframe, uses its shipped themes head', async () => {
    const input = ws.write('ci.csv', 'id,text\n1,They lost my suitcase and nobody at the desk could tell me where it was\n');
    const cfgPath = ws.write('ci.yaml', `name: ci\nsources: [{ name: s, kind: survey, paths: x.csv }]\nanalysis: { codeframes: { themes: "builtin:cross-industry.yaml" } }\n`);
    const output = join(ws.dir, 'ci.jsonl');
    await classifyFile({ input, textColumn: 'text', idColumn: 'id', config: cfgPath, output, format: 'auto', batchSize: 8 });
    const line = JSON.parse(readFileSync(output, 'utf8').trim()) as { themes: Array<{ id: string }> };
    expect(line.themes.map((t) => t.id)).toContain('baggage');
  }, 120_000);

  it('reads JSONL and numbers rows when there is no id column', async () => {
    const input = ws.write('in.jsonl', '{"text":"I was charged twice"}\n\n{"text":"The app keeps crashing"}\n');
    const output = join(ws.dir, 'out2.jsonl');
    await classifyFile({ input, textColumn: 'text', output, format: 'auto', batchSize: 64 });
    const lines = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; themes: Array<{ id: string }> });
    expect(lines.map((l) => l.id)).toEqual([1, 2]);
    expect(lines[0]!.themes[0]!.id).toBe('billing-errors');
    await expect(classifyFile({ input, textColumn: 'body', output, format: 'auto', batchSize: 64 })).rejects.toThrow(/no column "body"/);
    // The columns are checked before any model loads: a head that does not exist is never reached.
    await expect(classifyFile({ input, textColumn: 'body', themeHead: join(ws.dir, 'missing-head.json'), output, format: 'auto', batchSize: 64 })).rejects.toThrow(/no column "body"/);
    const broken = ws.write('broken.csv', 'id,text\n1,"unclosed\n2,ok\n');
    await expect(classifyFile({ input: broken, textColumn: 'text', output, format: 'auto', batchSize: 64 })).rejects.toThrow(
      /broken\.csv: cannot read as CSV: Quote Not Closed/,
    );
  });
});
