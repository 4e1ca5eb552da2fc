import { afterEach, describe, expect, it } from 'vitest';
import { aggregatePipeline } from '../src/aggregate/pipeline.js';
import { formatSummary } from '../src/cli/aggregate.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { addRun, TestDb } from './aggregate-db.js';

function config(aggregate: Record<string, unknown> = {}): PipelineConfig {
  return PipelineConfig.parse({ name: 't', sources: [{ name: 'survey-a', kind: 'survey', paths: 'a.csv' }], aggregate });
}

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

type CellRow = Record<string, unknown> & { row_key: string; col_key: string };

function cells(db: TestDb['db'], aggregateId: number, matrix: string): CellRow[] {
  return db
    .prepare(`SELECT * FROM cells WHERE aggregate_id = ? AND matrix = ? ORDER BY row_key, col_key`)
    .all(aggregateId, matrix) as CellRow[];
}

/** Hand-made data: 10 NPS documents, billing (two children) and delivery themes. */
function smallDb(): TestDb {
  const db = new TestDb();
  db.addTheme('billing', null, 'Billing')
    .addTheme('double-charge', 'billing', 'Double charge')
    .addTheme('charged-after-cancel', 'billing', 'Charged after cancelling')
    .addTheme('delivery', null, 'Delivery');
  // Two detractors mention billing in purchase; one of them with both billing children in ONE segment.
  db.addDoc({ score: 0, segments: [{ text: 'I was charged twice and again after I cancelled, outrageous.', sentiment: 'negative', score: -0.9, themes: ['double-charge', 'charged-after-cancel'] }] });
  db.addDoc({ score: 3, segments: [{ text: 'Double charge on my card this month, please fix it.', sentiment: 'negative', score: -0.5, themes: ['double-charge'] }] });
  db.addDoc({ score: 10, segments: [{ text: 'Billing is clear and the invoice arrived on time.', sentiment: 'positive', score: 0.7, themes: ['billing'] }] });
  db.addDoc({ score: 6, segments: [{ text: 'My first box arrived two days late and warm.', sentiment: 'negative', score: -0.7, stage: 'onboarding', touchpoint: 'delivery', themes: ['delivery'] }] });
  for (const s of [9, 10, 7, 8, 5, 9]) {
    db.addDoc({ score: s, segments: [{ text: 'Just a general remark about the service overall.', sentiment: 'neutral', stage: 'usage', touchpoint: 'app' }] });
  }
  return db;
}

describe('aggregatePipeline', () => {
  it('computes hand-checked cells for stage x theme', () => {
    t = smallDb();
    const s = aggregatePipeline(t.db, config(), addRun(t.db), new Date('2026-11-02T00:00:00Z'));
    expect(s.segments).toBe(10);
    expect(s.documents).toBe(10);
    // NPS: promoters 10,9,10,9 = 4; detractors 0,3,6,5 = 4 -> 0.
    expect(s.overallNps).toBe(0);
    const byKey = new Map(cells(t.db, s.aggregateId, 'stage_theme').map((c) => [`${c.row_key}/${c.col_key}`, c]));
    const billing = byKey.get('purchase/billing')!;
    // Rollup: the segment tagged with two billing children counts once for billing.
    expect(billing.mentions).toBe(3);
    expect(billing.negative).toBe(2);
    expect(billing.negative_share).toBeCloseTo(0.6667, 4);
    // Wilson 2/3: (0.6667 + 0.6402) / 2.2805 -/+ 1.96 * sqrt(0.2222/3 + 3.8415/36) / 2.2805
    expect(billing.wilson_low).toBeCloseTo(0.2077, 3);
    expect(billing.wilson_high).toBeCloseTo(0.9385, 3);
    expect(billing.mean_sentiment).toBeCloseTo((-0.9 - 0.5 + 0.7) / 3, 4);
    // p0 = 3 negative of 10 segments; pain = (2 + 10 * 0.3) / (3 + 10) * ln(4)
    expect(billing.pain_index).toBeCloseTo((5 / 13) * Math.log(4), 4);
    // Detractors mentioning billing: scores 0 and 3 -> as passives NPS becomes (4 - 2) / 10 = +20.
    expect(billing.nps_impact).toBeCloseTo(20, 6);
    // Cell NPS: 1 promoter, 2 detractors of 3 = -33.33.
    expect(billing.nps).toBeCloseTo(-33.33, 2);
    expect(billing.score_scale).toBe('nps');
    expect(byKey.get('purchase/double-charge')!.mentions).toBe(2);
    expect(byKey.get('usage/unassigned')!.mentions).toBe(6);
    expect(byKey.get('onboarding/delivery')!.nps_impact).toBeCloseTo(10, 6);
  });

  it('counts NPS respondents without a comment in overall NPS and impact', () => {
    t = smallDb();
    t.addDoc({ score: 10, segments: [] });
    t.addDoc({ score: 9, segments: [] });
    const s = aggregatePipeline(t.db, config(), addRun(t.db));
    // 6 promoters, 4 detractors of 12 responses.
    expect(s.overallNps).toBeCloseTo(16.67, 2);
    const billing = cells(t.db, s.aggregateId, 'stage_theme').find((c) => c.row_key === 'purchase' && c.col_key === 'billing')!;
    expect(billing.nps_impact).toBeCloseTo((100 * 2) / 12, 2);
    expect(s.documents).toBe(10); // documents with analysed segments
  });

  it('keeps quotes with offsets into the document text, negative ones most negative first', () => {
    t = smallDb();
    const s = aggregatePipeline(t.db, config(), addRun(t.db));
    const quotes = t.db
      .prepare(
        `SELECT q.*, d.text AS doc_text FROM cell_quotes q JOIN documents d ON d.id = q.document_id
          WHERE aggregate_id = ? AND matrix = 'stage_theme' AND row_key = 'purchase' AND col_key = 'billing'
          ORDER BY kind, rank`,
      )
      .all(s.aggregateId) as { kind: string; text: string; doc_text: string; char_start: number; char_end: number; sentiment_score: number }[];
    const negative = quotes.filter((q) => q.kind === 'negative');
    expect(negative.map((q) => q.sentiment_score)).toEqual([-0.9, -0.5]);
    for (const q of quotes) expect(q.doc_text.slice(q.char_start, q.char_end)).toBe(q.text);
    // Typical: closest to the mean sentiment (-0.233) first, i.e. the -0.5 one.
    expect(quotes.find((q) => q.kind === 'typical')!.sentiment_score).toBe(-0.5);
  });

  it('shows unassigned stages as their own row, counted, and never ranks them as a pain point', () => {
    t = smallDb();
    for (let i = 0; i < 4; i++) {
      t.addDoc({ score: 0, segments: [{ text: 'Terrible, just terrible.', sentiment: 'negative', score: -0.9, stage: null, touchpoint: null, themes: ['billing'] }] });
    }
    const s = aggregatePipeline(t.db, config(), addRun(t.db));
    const rows = cells(t.db, s.aggregateId, 'stage_theme').filter((c) => c.row_key === 'unassigned');
    expect(rows.map((c) => [c.col_key, c.mentions])).toEqual([['billing', 4]]);
    expect(s.topPain.some((p) => p.stage === 'unassigned')).toBe(false);
    expect(cells(t.db, s.aggregateId, 'stage_touchpoint').some((c) => c.row_key === 'unassigned' && c.col_key === 'unassigned')).toBe(true);
  });

  it('ranks the summary\'s top pain as the report\'s cards: leaf themes by negative mentions per 100 documents, then pain index', () => {
    t = smallDb();
    // One long complaint: delivery at onboarding gets 9 negative mentions from 2 documents (the highest pain index) ...
    t.addDoc({ segments: Array.from({ length: 8 }, (_, i) => ({ text: `Late box number ${i}, warm again.`, sentiment: 'negative' as const, score: -0.8, stage: 'onboarding', touchpoint: 'delivery', themes: ['delivery'] })) });
    // ... while a third document says double charge: 3 documents in 12 with one negative mention each.
    t.addDoc({ segments: [{ text: 'Charged twice for the same box.', sentiment: 'negative', score: -0.6, themes: ['double-charge'] }] });
    const s = aggregatePipeline(t.db, config(), addRun(t.db));
    expect(s.topPain.map((p) => [p.stage, p.theme, p.negPer100])).toEqual([
      ['purchase', 'double-charge', 25],
      ['onboarding', 'delivery', 16.67],
      ['purchase', 'charged-after-cancel', 8.33],
    ]);
    const byPain = [...s.topPain].sort((a, b) => b.painIndex - a.painIndex);
    expect(byPain[0]!.theme, 'the pain index alone would rank delivery first').toBe('delivery');
  });

  it('keeps the newest aggregate.keepRuns aggregates and prunes older ones with their cells and quotes', () => {
    t = smallDb();
    const ids = [1, 2, 3, 4].map((d) => aggregatePipeline(t!.db, config({ keepRuns: 2 }), addRun(t!.db), new Date(`2026-11-0${d}T00:00:00Z`)).aggregateId);
    const kept = (t.db.prepare('SELECT id FROM aggregate_runs ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    expect(kept).toEqual(ids.slice(2));
    const orphans = t.db.prepare('SELECT COUNT(*) AS n FROM cells WHERE aggregate_id NOT IN (SELECT id FROM aggregate_runs)').get() as { n: number };
    expect(orphans.n).toBe(0);
    expect((t.db.prepare('SELECT COUNT(DISTINCT aggregate_id) AS n FROM cell_quotes').get() as { n: number }).n).toBe(2);
  });

  it('is deterministic: aggregating twice gives identical cells and quotes', () => {
    t = smallDb();
    const a = aggregatePipeline(t.db, config(), addRun(t.db), new Date('2026-11-02T00:00:00Z'));
    const b = aggregatePipeline(t.db, config(), addRun(t.db), new Date('2026-11-03T00:00:00Z'));
    const strip = (id: number): unknown[] =>
      (t!.db.prepare(`SELECT * FROM cells WHERE aggregate_id = ? ORDER BY matrix, row_key, col_key`).all(id) as Record<string, unknown>[]).map(
        ({ aggregate_id: _a, trend_prev: _p, ...rest }) => rest,
      );
    expect(strip(b.aggregateId)).toEqual(strip(a.aggregateId));
    const q = (id: number): unknown[] =>
      t!.db.prepare(`SELECT matrix, row_key, col_key, kind, rank, segment_id FROM cell_quotes WHERE aggregate_id = ? ORDER BY 1,2,3,4,5`).all(id);
    expect(q(b.aggregateId)).toEqual(q(a.aggregateId));
    // The second aggregate remembers the first one's pain index.
    const prev = t.db
      .prepare(`SELECT b.trend_prev AS prev, a.pain_index AS pain FROM cells a JOIN cells b USING (matrix, row_key, col_key) WHERE a.aggregate_id = ? AND b.aggregate_id = ?`)
      .all(a.aggregateId, b.aggregateId) as { prev: number; pain: number }[];
    expect(prev.length).toBeGreaterThan(0);
    for (const p of prev) expect(p.prev).toBe(p.pain);
    // The views show the latest aggregate only.
    const latest = t.db.prepare(`SELECT DISTINCT aggregate_id FROM v_cell_metrics`).all();
    expect(latest).toEqual([{ aggregate_id: b.aggregateId }]);
    expect((t.db.prepare(`SELECT count(*) AS n FROM v_segment_facts`).get() as { n: number }).n).toBe(10);
  });

  it('flags a monthly spike as an anomaly only with enough volume', () => {
    t = new TestDb();
    t.addTheme('app-crash', null, 'App crashes');
    const months = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09'];
    for (const m of months) {
      // 20 calm segments a month, plus 1 crash complaint in May-Aug and 8 in September.
      for (let i = 0; i < 20; i++) t.addDoc({ createdAt: `${m}-10T00:00:00Z`, segments: [{ text: `Recipes are great this week ${i}.`, sentiment: 'positive', stage: 'usage', touchpoint: 'app' }] });
      const crashes = m === '2026-09' ? 8 : 1;
      for (let i = 0; i < crashes; i++) {
        t.addDoc({ createdAt: `${m}-12T00:00:00Z`, segments: [{ text: `The app crashed again when I edited my menu (${i}).`, sentiment: 'negative', stage: 'usage', touchpoint: 'app', themes: ['app-crash'] }] });
      }
    }
    const s = aggregatePipeline(t.db, config({ trailingMonths: 3 }), addRun(t.db));
    const cell = cells(t.db, s.aggregateId, 'stage_theme').find((c) => c.col_key === 'app-crash')!;
    expect(cell.trend_month).toBe('2026-09');
    expect(cell.trend_latest).toBeCloseTo(8 / 28, 5);
    expect(cell.trend_baseline).toBeCloseTo(1 / 21, 5);
    expect(cell.anomaly).toBe(1);
    expect(s.anomalies.some((a) => a.col === 'app-crash')).toBe(true);
    const series = JSON.parse(cell.series_json as string) as { month: string; negative: number }[];
    expect(series.map((p) => p.negative)).toEqual([1, 1, 1, 1, 8]);
    // Same spike with minVolume above the 8 complaints: no anomaly.
    const s2 = aggregatePipeline(t.db, config({ trailingMonths: 3, minVolume: 9 }), addRun(t.db));
    expect(cells(t.db, s2.aggregateId, 'stage_theme').find((c) => c.col_key === 'app-crash')!.anomaly).toBe(0);
  });

  it('says so when the facts mix analysis versions (a re-analysis that was cut short)', () => {
    t = smallDb();
    const one = aggregatePipeline(t.db, config(), addRun(t.db));
    expect(one.analysisKeys).toEqual(['test-key']);
    expect(formatSummary(one)).not.toMatch(/Warning/);
    // Half-way through a re-analysis with new models: one segment already has the new key.
    t.db.prepare(`INSERT INTO analysis_versions (analysis_key, models_json, created_at) VALUES ('new-key', '{}', '2026-11-02T00:00:00Z')`).run();
    t.db.prepare(`UPDATE segment_analysis SET analysis_key = 'new-key' WHERE segment_id = (SELECT MIN(segment_id) FROM segment_analysis)`).run();
    const mixed = aggregatePipeline(t.db, config(), addRun(t.db));
    expect(mixed.analysisKeys).toEqual(['new-key', 'test-key']);
    expect(formatSummary(mixed)).toMatch(/Warning: these numbers mix 2 analysis versions \(new-key, test-key\).*Run `voc analyze` to finish it/);
  });

  it('refuses to aggregate an empty database', () => {
    t = new TestDb();
    expect(() => aggregatePipeline(t!.db, config(), addRun(t!.db))).toThrow(/Nothing to aggregate/);
  });
});
