/**
 * Aggregation and filtered matrix queries from the columnar fact blocks (migration 010,
 * src/store/fact-blocks.ts, src/aggregate/sources.ts) must equal the streaming path (the
 * reference) field by field, quotes included, for many matrices and filters, and must never answer
 * from stale blocks. The incremental refresh must give the blocks a full rebuild gives. A generated
 * corpus: a three-level theme hierarchy plus a tag outside it, unknown and missing stages, several
 * kinds, sources, channels, attributes, NPS and star scores, emotions, dates over six months with
 * missing and non-ISO ones, and a segment that is not analysed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { aggregatePipeline, queryMatrix, storedMatrices, streamedMatrix } from '../src/aggregate/pipeline.js';
import { computeMatrices } from '../src/aggregate/matrices.js';
import type { FactFilter } from '../src/aggregate/facts.js';
import { parseAggregateConfig, type MatrixSpec } from '../src/config/aggregate.js';
import { openDatabase } from '../src/store/db.js';
import { MIGRATIONS } from '../src/store/migrations/index.js';
import { factBlocksCurrent, refreshFactBlocks } from '../src/store/fact-blocks.js';
import { addRun, TestDb, type Sentiment } from './aggregate-db.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const params = parseAggregateConfig({ stageOrder: ['support', 'purchase', 'onboarding'] });

/** A copy of document 1 (no segments) with id `id`: later documents get ids after it. */
function jumpDocumentIds(t: TestDb, id: number): void {
  const cols = (t.db.prepare(`SELECT name FROM pragma_table_info('documents')`).pluck().all() as string[]).filter((c) => c !== 'id');
  const values = cols.map((c) => (c === 'identity' || c === 'content_hash' ? `${c} || '-gap'` : c));
  t.db.prepare(`INSERT INTO documents (id, ${cols.join(', ')}) SELECT ?, ${values.join(', ')} FROM documents WHERE id = 1`).run(id);
}

function corpus(): TestDb {
  const db = new TestDb()
    .addTheme('billing', null, 'Billing')
    .addTheme('billing.refund', 'billing', 'Refunds')
    .addTheme('billing.refund.late', 'billing.refund', 'Late refunds')
    .addTheme('speed', null, 'Speed');
  let seed = 11;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const sentiments: Sentiment[] = ['negative', 'neutral', 'positive'];
  const stages = ['purchase', 'onboarding', 'support', null, 'unknown'];
  const themes = [['billing.refund.late'], ['speed'], ['billing', 'speed'], [], ['ghost'], ['billing.refund', 'billing.refund.late']];
  const emotions: Record<string, number>[] = [{ 'frustration-anger': 0.8 }, { 'satisfaction-joy': 0.7 }, {}, { 'frustration-anger': 0.4, worry: 0.6 }, { sarcasm: 0.5 }];
  const dates = (d: number): string | null =>
    d % 23 === 0 ? null : d % 29 === 0 ? 'last week' : `2026-${String(1 + rnd(6)).padStart(2, '0')}-1${rnd(9)}T10:00:00Z`;
  for (let d = 0; d < 160; d++) {
    // Documents after the 90th get ids from 3001 on (a third block), so rows cross blocks.
    if (d === 90) jumpDocumentIds(db, 3000);
    const kind = (['survey', 'interview', 'ticket'] as const)[rnd(3)];
    const scale = kind === 'survey' ? 'nps' : kind === 'ticket' && rnd(2) === 0 ? 'stars5' : null;
    db.addDoc({
      kind,
      source: kind === 'survey' ? (rnd(2) ? 'survey-a' : 'survey-b') : `${kind}s`,
      createdAt: dates(d),
      score: scale === 'nps' ? (rnd(5) === 0 ? null : rnd(11)) : scale === 'stars5' ? 1 + rnd(5) : null,
      scale,
      channel: ['web', 'email', null][rnd(3)]!,
      // no attributes, or some; a missing, empty, null and nested value; documents after the 90th lack `plan` or `region`
      attributes:
        d % 4 === 0
          ? {}
          : d > 120
            ? { seats: d % 3, tier: d % 5 ? '' : null }
            : { plan: ['basic', 'pro'][(d >> 1) % 2]!, seats: d % 3, ...(d < 90 ? { region: d % 5 < 2 ? ['eu', 'west'] : { zone: 'us' } } : {}) },
      segments: Array.from({ length: 1 + rnd(5) }, (_, i) => ({
        // short texts, padded with characters only JavaScript's trim knows, and a padded long one
        text: i === 2 ? ['ok.', '  Fine\u00a0 ', '\u3000'.repeat(30) + 'Yes', ' \u2028'.repeat(20) + 'A sentence long enough to quote.'][rnd(4)]! : `Sentence ${d}-${i} about thing ${rnd(50)}.`,
        sentiment: sentiments[rnd(3)]!,
        score: (rnd(200) - 100) / 100,
        stage: stages[rnd(5)]!,
        touchpoint: ['website', 'app', null][rnd(3)]!,
        themes: themes[rnd(6)]!,
        emotions: emotions[rnd(5)]!,
        analyse: !(d === 5 && i === 0),
      })),
    });
  }
  return db;
}

const SPECS: MatrixSpec[] = [
  { rows: 'stage', cols: 'theme' },
  { rows: 'theme', cols: 'touchpoint' },
  { rows: 'month', cols: 'stage' },
  { rows: 'all', cols: 'theme' },
  { rows: 'kind', cols: 'sentiment' },
  { rows: 'parent_theme', cols: 'source' },
  { rows: 'channel', cols: 'month' },
  { rows: 'theme', cols: 'parent_theme' },
  { rows: 'stage', cols: 'all' },
  { rows: 'attr:plan', cols: 'stage' },
  { rows: 'attr:region', cols: 'theme' },
  { rows: 'kind', cols: 'attr:tier' },
];

const FILTERS: FactFilter[] = [
  {},
  { where: { kind: 'survey' } },
  { where: { source: 'survey-b' } },
  { since: '2026-03', until: '2026-05-14' },
  { since: '2026-04-12' },
  { where: { plan: 'pro' } },
  { where: { 'attr:seats': '2', kind: 'ticket' } },
  { where: { plan: 'unknown' } },
  { where: { 'attr:region': '["eu","west"]' } },
  { where: { 'attr:tier': 'unknown', theme: 'billing' } },
  { where: { 'attr:nowhere': 'x' } },
  { where: { 'attr:nowhere': 'unknown' } },
  { where: { stage: 'support' } },
  { where: { stage: 'unassigned' } },
  { where: { theme: 'billing' } },
  { where: { theme: 'billing.refund.late' } },
  { where: { theme: 'unassigned' } },
  { where: { theme: 'ghost' } },
  { where: { sentiment: 'negative', month: '2026-04' } },
  { where: { month: 'unknown' } },
  { where: { channel: 'unknown', touchpoint: 'unassigned' } },
  { where: { kind: 'nothing-like-this' } },
];

function fromBlocks(spec: MatrixSpec, filter: FactFilter) {
  const r = computeMatrices(t!.db, filter, params, [spec], { quotes: false });
  return r.source === 'blocks' ? { ...r.results[0]!, scope: r.scope } : null;
}

function expectSame(spec: MatrixSpec, filter: FactFilter): number {
  const fast = fromBlocks(spec, filter);
  const label = `${spec.rows} x ${spec.cols} ${JSON.stringify(filter)}`;
  expect(fast, label).not.toBeNull();
  const slow = streamedMatrix(t!.db, spec, filter, params);
  expect(fast!.rowKeys, label).toEqual(slow.rowKeys);
  expect(fast!.colKeys, label).toEqual(slow.colKeys);
  expect(fast!.scope.overall, label).toEqual(slow.scope.overall);
  expect(fast!.scope.analysisKeys, label).toEqual(slow.scope.analysisKeys);
  fast!.cells.forEach((c, i) => expect(c, `${label} cell ${c.rowKey}/${c.colKey}`).toEqual(slow.cells[i]));
  expect(fast, label).toEqual(slow);
  return fast!.cells.length;
}

function blockRows(): unknown[] {
  return t!.db.prepare(`SELECT * FROM fact_blocks ORDER BY block`).all();
}

function rebuildFromScratch(): void {
  t!.db.prepare(`UPDATE fact_blocks_state SET format = 0`).run();
  expect(refreshFactBlocks(t!.db).rebuiltAll).toBe(true);
}

const isAttr = (f: FactFilter): boolean => Object.keys(f.where ?? {}).some((k) => k === 'plan' || k.startsWith('attr:'));
const ATTR_FILTERS = FILTERS.filter(isAttr);

describe('aggregation and queries from the fact blocks', () => {
  it('equal the streaming path field by field for every matrix and filter', () => {
    t = corpus();
    aggregatePipeline(t.db, { aggregate: params }, addRun(t.db));
    let cells = 0;
    for (const spec of SPECS) for (const filter of FILTERS) cells += expectSame(spec, filter);
    expect(cells).toBeGreaterThan(500);
    // the corpus exercises what the fold must get right
    const all = fromBlocks({ rows: 'stage', cols: 'theme' }, {})!;
    expect(all.scope.overall.emotions).toContain('sarcasm');
    expect(all.cells.some((c) => c.emotions['frustration-anger']!.segments > 0 && c.emotions['frustration-anger']!.zScore !== null)).toBe(true);
    expect(all.cells.some((c) => c.npsImpact !== null && c.npsImpact > 0)).toBe(true);
    expect(all.cells.some((c) => c.scoreScale === 'stars5')).toBe(true);
    expect(all.cells.some((c) => c.documents < c.mentions && c.negDocs < c.negative)).toBe(true);
    expect(all.colKeys).toEqual(expect.arrayContaining(['billing', 'billing.refund', 'billing.refund.late', 'ghost', 'unassigned']));
    // the corpus spans two blocks (document ids 1-90 and 3000-3070)
    expect(t.db.prepare(`SELECT block FROM fact_blocks ORDER BY block`).pluck().all()).toEqual([0, 2]);
    // the non-analysed segment is not in the blocks
    expect(t.db.prepare(`SELECT sum(segments) FROM fact_blocks`).pluck().get()).toBe(all.scope.overall.segments);
    // attribute dimensions and filters come from the blocks' attribute columns
    expect(ATTR_FILTERS).toHaveLength(7);
    const plans = fromBlocks({ rows: 'attr:plan', cols: 'all' }, {})!;
    expect(plans.rowKeys).toEqual(['basic', 'pro', 'unknown']);
    const regions = fromBlocks({ rows: 'attr:region', cols: 'all' }, {})!;
    expect(regions.rowKeys).toEqual(expect.arrayContaining(['["eu","west"]', '{"zone":"us"}', 'unknown']));
    expect(fromBlocks({ rows: 'stage', cols: 'theme' }, { where: { 'attr:nowhere': 'x' } })!.cells).toEqual([]);
    expect(fromBlocks({ rows: 'all', cols: 'all' }, { where: { 'attr:nowhere': 'unknown' } })!.cells[0]!.mentions).toBe(all.scope.overall.segments);
    // empty, null and missing values are all `unknown`
    expect(fromBlocks({ rows: 'all', cols: 'all' }, { where: { 'attr:tier': 'unknown' } })!.cells[0]!.mentions).toBe(all.scope.overall.segments);
    const noPlan = fromBlocks({ rows: 'all', cols: 'all' }, { where: { plan: 'unknown' } })!.cells[0]!.mentions;
    expect(noPlan).toBeGreaterThan(0);
    expect(noPlan).toBeLessThan(all.scope.overall.segments);
  });

  it('give the aggregate the streaming path gives, quotes included', () => {
    t = corpus();
    refreshFactBlocks(t.db);
    // with configured attributes: their attr:<name> x stage matrices are stored too
    const withAttributes = { ...params, attributes: ['plan', 'region'] };
    const specs = [...storedMatrices(withAttributes), ...SPECS.filter((s) => s.rows !== 'stage' || s.cols !== 'theme')];
    expect(specs.map((s) => s.rows)).toContain('attr:region');
    const withQuotes = { ...params, quotesPerCell: 2 };
    const fast = computeMatrices(t.db, {}, withQuotes, specs, { quotes: true });
    const slow = computeMatrices(t.db, {}, withQuotes, specs, { quotes: true, stream: true });
    expect(fast.source).toBe('blocks');
    expect(slow.source).toBe('stream');
    expect(fast.scope).toEqual(slow.scope);
    fast.results.forEach((r, i) => {
      expect(r.cells, r.name).toEqual(slow.results[i]!.cells);
      expect(r.quotes, r.name).toEqual(slow.results[i]!.quotes);
      expect(r.emotionQuotes, r.name).toEqual(slow.results[i]!.emotionQuotes);
    });
    expect(fast.results.flatMap((r) => r.quotes).length).toBeGreaterThan(200);
    // short segments are quoted only when nothing else is left: both paths must agree on which are short
    const short = t.db.prepare(`SELECT count(*) FROM segments WHERE length(trim(text)) < 25 OR text LIKE '%Yes'`).pluck().get() as number;
    expect(short).toBeGreaterThan(20);
    expect(fast.results.flatMap((r) => r.emotionQuotes).length).toBeGreaterThan(10);
  });

  it('are never used stale; the incremental refresh gives the blocks of a full rebuild', () => {
    t = corpus();
    const first = refreshFactBlocks(t.db);
    expect(first.rebuiltAll).toBe(true);
    expect(refreshFactBlocks(t.db).blocks).toBe(0);
    const spec = { rows: 'stage', cols: 'theme' } as const;
    const filter = { where: { kind: 'survey' } };
    const db = t.db;
    const writes: (() => void)[] = [
      () => db.prepare(`UPDATE segment_analysis SET sentiment = 'negative', stage = 'support' WHERE segment_id = (SELECT min(segment_id) + 3 FROM segment_analysis)`).run(),
      () => db.prepare(`DELETE FROM segment_themes WHERE segment_id = (SELECT min(segment_id) FROM segment_themes)`).run(),
      () => db.prepare(`INSERT OR IGNORE INTO segment_themes (segment_id, theme_id, score, signal) SELECT max(segment_id), 'speed', 0.5, 'head' FROM segment_analysis`).run(),
      () => db.prepare(`INSERT INTO segment_emotions (segment_id, emotion, score) SELECT min(segment_id) + 7, 'confusion', 0.9 FROM segment_analysis WHERE NOT EXISTS (SELECT 1 FROM segment_emotions WHERE emotion = 'confusion')`).run(),
      () => db.prepare(`UPDATE documents SET kind = 'survey', created_at = '2026-02-02', score = 3, score_scale = 'nps' WHERE id = 4`).run(),
      () => db.prepare(`DELETE FROM documents WHERE id = 9`).run(),
      () => db.prepare(`UPDATE segments SET analyse = 0 WHERE id = (SELECT max(id) FROM segments)`).run(),
      () => t!.addDoc({ kind: 'survey', score: 2, segments: [{ text: 'Refund never came.', sentiment: 'negative', themes: ['billing.refund'], emotions: { worry: 0.8 } }] }),
    ];
    for (const write of writes) {
      write();
      // stale blocks are never used: the query streams and still answers right
      expect(factBlocksCurrent(db), write.toString()).toBe(false);
      expect(fromBlocks(spec, filter)).toBeNull();
      expect(queryMatrix(db, spec, filter, params)).toEqual(streamedMatrix(db, spec, filter, params));
      const r = refreshFactBlocks(db);
      expect(r.blocks).toBeGreaterThan(0);
      expect(factBlocksCurrent(db)).toBe(true);
      for (const s of SPECS.slice(0, 4)) expectSame(s, filter);
      expectSame(spec, {});
    }
    const incremental = blockRows();
    rebuildFromScratch();
    expect(blockRows()).toEqual(incremental);
  });

  it('need no rebuild when the theme hierarchy changes', () => {
    t = corpus();
    refreshFactBlocks(t.db);
    t.db.prepare(`UPDATE themes SET parent_id = 'billing' WHERE theme_id = 'speed'`).run();
    t.addTheme('ghost', 'speed', 'Ghost');
    expect(factBlocksCurrent(t.db)).toBe(true);
    for (const spec of SPECS) expectSame(spec, { where: { kind: 'ticket' } });
    expectSame({ rows: 'stage', cols: 'theme' }, { where: { theme: 'speed' } });
    const parents = fromBlocks({ rows: 'all', cols: 'parent_theme' }, {})!;
    expect(parents.colKeys).toEqual(['billing', 'unassigned']);
  });

  it('are built by the first aggregate after an upgrade from schema 9', () => {
    t = corpus();
    const spec = { rows: 'stage', cols: 'theme' } as const;
    const filter = { where: { kind: 'survey' } };
    const before = streamedMatrix(t.db, spec, filter, params);
    // the database as schema 9 left it: the key table instead of the blocks
    t.db.exec(`DROP TABLE fact_blocks; DROP TABLE fact_blocks_state; DELETE FROM segment_keys_dirty;
      CREATE TABLE segment_keys (document_id INTEGER NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (document_id, idx)) WITHOUT ROWID;
      CREATE TABLE segment_key_closure (theme_id TEXT); CREATE TABLE segment_keys_state (id INTEGER PRIMARY KEY, closure_hash TEXT)`);
    t.db.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    t.db.close();
    const db = openDatabase(t.path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const analysed = db.prepare(`SELECT count(*) FROM segment_analysis`).pluck().get();
      expect(db.prepare(`SELECT count(*) FROM segment_keys_dirty`).pluck().get()).toBe(analysed);
      expect(factBlocksCurrent(db)).toBe(false);
      expect(queryMatrix(db, spec, filter, params)).toEqual(before);
      aggregatePipeline(db, { aggregate: params }, addRun(db));
      expect(factBlocksCurrent(db)).toBe(true);
      expect(queryMatrix(db, spec, filter, params)).toEqual(before);
    } finally {
      db.close();
    }
  });
});
