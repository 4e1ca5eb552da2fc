/**
 * Emotions aggregated like themes, the per-100-documents pain measure and the sentiment interval,
 * on a six-segment fixture whose numbers are derived by hand in the comments.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emotionStats } from '../src/aggregate/emotions.js';
import { aggregatePipeline } from '../src/aggregate/pipeline.js';
import { registerExport } from '../src/cli/export.js';
import { registerHeatmap } from '../src/cli/heatmap.js';
import { registerQuotes } from '../src/cli/quotes.js';
import { Metric, parseAggregateConfig, parseExports } from '../src/config/aggregate.js';
import { heatmapExportText } from '../src/report/exports.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { readCells } from '../src/store/aggregate.js';
import { addRun, TestDb } from './aggregate-db.js';
import { vocInProcess } from './helpers/cli-in-process.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
  vi.restoreAllMocks();
});

const config = PipelineConfig.parse({ name: 't', sources: [{ name: 'survey-a', kind: 'survey', paths: 'a.csv' }] });

/**
 * Six documents of one segment each (default sentiment scores: negative -0.6, neutral 0, positive 0.6).
 * purchase/website: 4 segments, 2 frustrated; billing theme on 3 of them.
 * support/phone: 2 segments, 1 frustrated, 1 confused.
 */
function fixture(): TestDb {
  const d = new TestDb();
  d.addTheme('billing', null, 'Billing').addTheme('delivery', null, 'Delivery');
  d.addDoc({ segments: [{ text: 'Charged twice, I am furious and let down.', sentiment: 'negative', themes: ['billing'], emotions: { 'frustration-anger': 0.8, disappointment: 0.6 } }] });
  d.addDoc({ segments: [{ text: 'Billed again after cancelling, ridiculous.', sentiment: 'negative', themes: ['billing'], emotions: { 'frustration-anger': 0.7 } }] });
  d.addDoc({ segments: [{ text: 'Thank you for the quick refund on my bill.', sentiment: 'positive', themes: ['billing'], emotions: { gratitude: 0.9 } }] });
  d.addDoc({ segments: [{ text: 'The delivery slot was chosen at checkout.', sentiment: 'neutral', themes: ['delivery'] }] });
  d.addDoc({ segments: [{ text: 'Forty minutes on hold, AGAIN, UNBELIEVABLE.', sentiment: 'negative', stage: 'support', touchpoint: 'phone', emotions: { 'frustration-anger': 0.9 } }] });
  d.addDoc({ segments: [{ text: 'Why does the agent need my card number?', sentiment: 'neutral', stage: 'support', touchpoint: 'phone', emotions: { confusion: 0.6 } }] });
  return d;
}

const voc = (...args: string[]): Promise<string> => vocInProcess([registerHeatmap, registerExport, registerQuotes], args);

type EmotionRow = { matrix: string; row_key: string; col_key: string; emotion: string; mentions: number; segments: number; share: number; wilson_low: number; wilson_high: number };

describe('emotion shares per stage, touchpoint and stage x theme', () => {
  it('stores hand-checked shares with Wilson intervals, in v_cell_emotions', () => {
    t = fixture();
    aggregatePipeline(t.db, config, addRun(t.db));
    const rows = t.db.prepare(`SELECT * FROM v_cell_emotions ORDER BY matrix, row_key, col_key, emotion`).all() as EmotionRow[];
    const get = (matrix: string, row: string, col: string, emotion: string): EmotionRow =>
      rows.find((r) => r.matrix === matrix && r.row_key === row && r.col_key === col && r.emotion === emotion)!;

    // Per stage: purchase has 4 segments, 2 frustrated: 2/4 = 0.5. Wilson(2, 4), z = 1.96:
    // centre 0.5 + z²/8 = 0.98019, margin z·sqrt(0.25/4 + z²/64) = 0.68605, denominator 1 + z²/4 = 1.96037
    // -> (0.98019 ∓ 0.68605) / 1.96037 = 0.1500 .. 0.8500.
    const purchase = get('stage_all', 'purchase', 'all', 'frustration-anger');
    expect([purchase.mentions, purchase.segments, purchase.share]).toEqual([4, 2, 0.5]);
    expect(purchase.wilson_low).toBeCloseTo(0.15, 4);
    expect(purchase.wilson_high).toBeCloseTo(0.85, 4);
    // Nobody in purchase is worried: 0 of 4, upper bound z² / (4 + z²) = 0.4899.
    const worry = get('stage_all', 'purchase', 'all', 'worry');
    expect([worry.segments, worry.share, worry.wilson_low]).toEqual([0, 0, 0]);
    expect(worry.wilson_high).toBeCloseTo(0.4899, 4);
    // Support: 1 of 2 frustrated, 1 of 2 confused: Wilson(1, 2) = 0.0945 .. 0.9055.
    const support = get('stage_all', 'support', 'all', 'confusion');
    expect([support.segments, support.share]).toEqual([1, 0.5]);
    expect(support.wilson_low).toBeCloseTo(0.0945, 4);
    expect(support.wilson_high).toBeCloseTo(0.9055, 4);

    // Per touchpoint: website is the purchase segments, phone the support ones.
    expect(get('touchpoint_all', 'website', 'all', 'frustration-anger').share).toBe(0.5);
    expect(get('touchpoint_all', 'phone', 'all', 'frustration-anger').share).toBe(0.5);

    // Stage x theme: purchase/billing has 3 segments: frustrated 2/3 (Wilson 0.2077 .. 0.9385),
    // disappointed 1/3, grateful 1/3 (Wilson(1, 3) = 0.0615 .. 0.7923); purchase/delivery none.
    const billing = get('stage_theme', 'purchase', 'billing', 'frustration-anger');
    expect([billing.mentions, billing.segments, billing.share]).toEqual([3, 2, 0.6667]);
    expect(billing.wilson_low).toBeCloseTo(0.2077, 4);
    expect(billing.wilson_high).toBeCloseTo(0.9385, 4);
    const grateful = get('stage_theme', 'purchase', 'billing', 'gratitude');
    expect([grateful.segments, grateful.share]).toEqual([1, 0.3333]);
    expect(grateful.wilson_low).toBeCloseTo(0.0615, 4);
    expect(get('stage_theme', 'purchase', 'billing', 'disappointment').segments).toBe(1);
    expect(get('stage_theme', 'purchase', 'delivery', 'frustration-anger').segments).toBe(0);
    // Unthemed support segments: 1 of 2 frustrated.
    expect(get('stage_theme', 'support', 'unassigned', 'frustration-anger').share).toBe(0.5);
    // Every cell reports all seven built-in emotions.
    expect(rows.filter((r) => r.matrix === 'stage_all' && r.row_key === 'purchase')).toHaveLength(7);
  });

  it('stores negative mentions per 100 documents and the sentiment interval in v_cell_metrics', () => {
    t = fixture();
    aggregatePipeline(t.db, config, addRun(t.db));
    const row = t.db
      .prepare(`SELECT * FROM v_cell_metrics WHERE matrix = 'stage_all' AND row_key = 'purchase'`)
      .get() as Record<string, number>;
    // 2 of the 6 documents have a negative purchase mention: 33.33 per 100; Wilson(2, 6) x 100 = 9.68 .. 70.00.
    expect(row.neg_docs).toBe(2);
    expect(row.neg_per_100).toBeCloseTo(33.33, 2);
    expect(row.neg_per_100_low).toBeCloseTo(9.68, 2);
    expect(row.neg_per_100_high).toBeCloseTo(70.0, 2);
    // Sentiment -0.6, -0.6, 0.6, 0: mean -0.15, sd sqrt(0.99 / 3) = 0.5745, half-width 1.96 · 0.5745 / 2 = 0.5630.
    expect(row.mean_sentiment).toBeCloseTo(-0.15, 4);
    expect(row.sentiment_low).toBeCloseTo(-0.713, 3);
    expect(row.sentiment_high).toBeCloseTo(0.413, 3);
    // Read back as records, the same numbers.
    const cell = readCells(t.db, 1).find((c) => c.matrix === 'stage_theme' && c.rowKey === 'purchase' && c.colKey === 'billing')!;
    expect(cell.emotions['frustration-anger']).toMatchObject({ segments: 2, share: 0.6667 });
    expect(cell.negPer100).toBeCloseTo(33.33, 2);
  });

  it('prunes emotion rows and emotion quotes with their aggregate', () => {
    t = fixture();
    const keepOne = PipelineConfig.parse({ name: 't', sources: [{ name: 'survey-a', kind: 'survey', paths: 'a.csv' }], aggregate: { keepRuns: 1 } });
    for (let i = 0; i < 3; i++) aggregatePipeline(t.db, keepOne, addRun(t.db));
    const ids = (table: string): number[] =>
      (t!.db.prepare(`SELECT DISTINCT aggregate_id AS id FROM ${table} ORDER BY 1`).all() as { id: number }[]).map((r) => r.id);
    expect(ids('cell_emotions')).toEqual([3]);
    expect(ids('cell_emotion_quotes')).toEqual([3]);
    // Emotion quotes exist for the journey matrices only, strongest first.
    const q = t.db.prepare(`SELECT matrix, row_key, text FROM cell_emotion_quotes WHERE emotion = 'frustration-anger' ORDER BY matrix, row_key, rank`).all();
    expect(q).toEqual([
      { matrix: 'stage_all', row_key: 'purchase', text: 'Charged twice, I am furious and let down.' },
      { matrix: 'stage_all', row_key: 'purchase', text: 'Billed again after cancelling, ridiculous.' },
      { matrix: 'stage_all', row_key: 'support', text: 'Forty minutes on hold, AGAIN, UNBELIEVABLE.' },
      { matrix: 'touchpoint_all', row_key: 'phone', text: 'Forty minutes on hold, AGAIN, UNBELIEVABLE.' },
      { matrix: 'touchpoint_all', row_key: 'website', text: 'Charged twice, I am furious and let down.' },
      { matrix: 'touchpoint_all', row_key: 'website', text: 'Billed again after cancelling, ridiculous.' },
    ]);
  });

  it('gives a monthly trend of an emotion share', () => {
    // Trailing months 1 of 4 frustrated each (0.25), latest 3 of 4 (0.75). The trailing sd is 0, so the
    // spread is the binomial se of 0.25 over 4: sqrt(0.25 · 0.75 / 4) = 0.2165; z = 0.5 / 0.2165 = 2.309.
    const members = ['2026-06', '2026-07', '2026-08', '2026-09'].flatMap((month, i) =>
      [0, 1, 2, 3].map((j) => ({ month, emotions: j < (i === 3 ? 3 : 1) ? ['worry'] : [] })),
    );
    const s = emotionStats(members, ['worry', 'gratitude'], { trailingMonths: 3, latestMonth: '2026-09' });
    expect(s.worry).toMatchObject({ segments: 6, share: 0.375, trendLatest: 0.75, trendBaseline: 0.25 });
    expect(s.worry!.zScore).toBeCloseTo(2.309, 3);
    expect(s.gratitude).toMatchObject({ segments: 0, share: 0, trendLatest: 0, trendBaseline: 0 });
  });
});

describe('voc heatmap / export with emotion metrics', () => {
  it('prints emotion shares per stage and exports them long', async () => {
    t = fixture();
    const db = t.path;
    const csv = parse(await voc('heatmap', '--db', db, '--rows', 'stage', '--cols', 'all', '--metric', 'emotion:frustration', '--format', 'csv')) as string[][];
    expect(csv).toEqual([
      ['stage', 'label', 'all'],
      ['purchase', 'Purchase', '0.5'],
      ['support', 'Support', '0.5'],
    ]);
    const conf = parse(await voc('heatmap', '--db', db, '--rows', 'stage', '--cols', 'theme', '--metric', 'emotion:gratitude:low', '--format', 'csv')) as string[][];
    expect(conf[1]).toEqual(['purchase', 'Purchase', '0.0615', '0', '']);
    const table = await voc('heatmap', '--db', db, '--rows', 'touchpoint', '--cols', 'all', '--metric', 'emotion:confusion', '--no-color');
    expect(table).toMatch(/Phone\s+50%/);
    expect(table).toMatch(/Website\s+0%/);
    const json = JSON.parse(await voc('heatmap', '--db', db, '--rows', 'stage', '--cols', 'all', '--format', 'json')) as { cells: { row: string; neg_per_100: number; emotions: Record<string, { share: number }> }[] };
    expect(json.cells[0]!.emotions['frustration-anger']!.share).toBe(0.5);
    expect(json.cells[0]!.neg_per_100).toBeCloseTo(33.33, 2);
    const long = parse(heatmapExportText(t.db, { rows: 'stage', cols: 'theme', long: true, format: 'csv' }, parseAggregateConfig({})).text, { columns: true }) as Record<string, string>[];
    const value = (metric: string): string | undefined => long.find((r) => r.row_key === 'purchase' && r.col_key === 'billing' && r.metric === metric)?.value;
    expect(value('emotion:frustration-anger')).toBe('0.6667');
    expect(value('emotion:frustration-anger:segments')).toBe('2');
    expect(Number(value('emotion:frustration-anger:low'))).toBeCloseTo(0.2077, 4);
    expect(Number(value('neg_per_100'))).toBeCloseTo(33.33, 2);
    await expect(voc('heatmap', '--db', db, '--metric', 'emotion:rage')).rejects.toThrow(/unknown emotion "rage"; known: frustration-anger/);
  });

  it('finds the quotes showing an emotion, strongest first', async () => {
    t = fixture();
    const quotes = JSON.parse(await voc('quotes', '--db', t.path, '--emotion', 'frustration', '--sentiment', 'any', '--format', 'json')) as { text: string; emotions: string[] }[];
    // Scores 0.9 (support), 0.8 and 0.7 (billing).
    expect(quotes.map((q) => q.text)).toEqual([
      'Forty minutes on hold, AGAIN, UNBELIEVABLE.',
      'Charged twice, I am furious and let down.',
      'Billed again after cancelling, ridiculous.',
    ]);
    expect(quotes[1]!.emotions).toEqual(['frustration-anger', 'disappointment']);
    const text = await voc('quotes', '--db', t.path, '--emotion', 'confusion', '--sentiment', 'any');
    expect(text).toContain('"Why does the agent need my card number?"');
    expect(text).toContain('neutral 0.00 · confusion');
    const csv = parse(await voc('quotes', '--db', t.path, '--emotion', 'gratitude', '--sentiment', 'any', '--format', 'csv'), { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => [r.emotions, r.text])).toEqual([['gratitude', 'Thank you for the quick refund on my bill.']]);
    await expect(voc('quotes', '--db', t.path, '--emotion', 'rage')).rejects.toThrow(/Unknown emotion "rage"/);
  });

  it('accepts short emotion names and refuses malformed ones', () => {
    expect(Metric.parse('emotion:frustration')).toBe('emotion:frustration-anger');
    expect(Metric.parse('emotion:joy:high')).toBe('emotion:satisfaction-joy:high');
    expect(Metric.parse('neg_per_100')).toBe('neg_per_100');
    expect(Metric.safeParse('emotion:').success).toBe(false);
    expect(Metric.safeParse('emotion:worry:median').success).toBe(false);
    // The exports: list takes them too.
    expect(parseExports([{ type: 'heatmap', rows: 'stage', cols: 'all', metric: 'emotion:joy', out: 'joy.csv' }])[0]).toMatchObject({ metric: 'emotion:satisfaction-joy' });
    expect(() => parseExports([{ type: 'heatmap', metric: 'emotion', out: 'x.csv' }])).toThrow(/emotion:<name>/);
  });
});

describe('a database aggregated before schema 5', () => {
  it('upgrades in place: old cells read back without emotions, the report asks for a new aggregate', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const Database = (await import('better-sqlite3')).default;
    const { MIGRATIONS } = await import('../src/store/migrations/index.js');
    const { openDatabase } = await import('../src/store/db.js');
    const { buildReportData } = await import('../src/report/data.js');
    const dir = mkdtempSync(join(tmpdir(), 'voc-old-'));
    try {
      const path = join(dir, 'voc.sqlite');
      const old = new Database(path);
      for (const m of MIGRATIONS.slice(0, 4)) old.exec(m.sql);
      old.pragma('user_version = 4');
      old.prepare(`INSERT INTO aggregate_runs (id, created_at, params_json, segment_count, document_count, overall_json)
        VALUES (1, '2026-11-01T00:00:00Z', '{}', 3, 3, '{"negativeRate":0.3,"nps":null,"npsCounts":{"total":0},"monthTotals":{}}')`).run();
      old.prepare(`INSERT INTO cells (aggregate_id, matrix, row_key, col_key, mentions, documents, negative, negative_share,
        wilson_low, wilson_high, mean_sentiment, pain_index) VALUES (1, 'stage_theme', 'usage', 'app', 3, 3, 1, 0.3333, 0.06, 0.79, -0.1, 0.5)`).run();
      old.close();
      const db = openDatabase(path);
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
        const [cell] = readCells(db, 1);
        expect(cell).toMatchObject({ mentions: 3, negDocs: 0, sentimentLow: -1, sentimentHigh: 1, emotions: {} });
        const data = buildReportData(db, 'Old');
        expect(data.journey.stages).toEqual([]);
        expect(data.matrices[0]!.cells[0]!.emo).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
