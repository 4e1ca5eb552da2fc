/**
 * Filtered matrix queries from the per-segment key table (migration 009, src/aggregate/grouped.ts)
 * must equal the streaming path (the reference) field by field, for many matrices and filters, and
 * must never answer from stale keys. The incremental refresh must give the rows a full rebuild
 * gives. A generated corpus: a three-level theme hierarchy plus a tag outside it, unknown and
 * missing stages, several kinds, sources, channels, attributes, NPS and star scores, emotions,
 * dates over six months with missing and non-ISO ones, and a segment that is not analysed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { groupedMatrix, refreshKeys, closureOf } from '../src/aggregate/grouped.js';
import { aggregatePipeline, queryMatrix, streamedMatrix } from '../src/aggregate/pipeline.js';
import type { FactFilter } from '../src/aggregate/facts.js';
import { buildThemeIndex } from '../src/aggregate/themes.js';
import { parseAggregateConfig, type MatrixSpec } from '../src/config/aggregate.js';
import { loadThemes } from '../src/store/aggregate.js';
import { openDatabase } from '../src/store/db.js';
import { MIGRATIONS } from '../src/store/migrations/index.js';
import { segmentKeysCurrent } from '../src/store/segment-keys.js';
import { addRun, TestDb, type Sentiment } from './aggregate-db.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const params = parseAggregateConfig({ stageOrder: ['support', 'purchase', 'onboarding'] });

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
    const kind = (['survey', 'interview', 'ticket'] as const)[rnd(3)];
    const scale = kind === 'survey' ? 'nps' : kind === 'ticket' && rnd(2) === 0 ? 'stars5' : null;
    db.addDoc({
      kind,
      source: kind === 'survey' ? (rnd(2) ? 'survey-a' : 'survey-b') : `${kind}s`,
      createdAt: dates(d),
      score: scale === 'nps' ? (rnd(5) === 0 ? null : rnd(11)) : scale === 'stars5' ? 1 + rnd(5) : null,
      scale,
      channel: ['web', 'email', null][rnd(3)]!,
      attributes: rnd(4) === 0 ? {} : { plan: ['basic', 'pro'][rnd(2)]!, seats: rnd(3) },
      segments: Array.from({ length: 1 + rnd(5) }, (_, i) => ({
        text: `Sentence ${d}-${i} about thing ${rnd(50)}.`,
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
];

const FILTERS: FactFilter[] = [
  {},
  { where: { kind: 'survey' } },
  { where: { source: 'survey-b' } },
  { since: '2026-03', until: '2026-05-14' },
  { since: '2026-04-12' },
  { where: { plan: 'pro' } },
  { where: { 'attr:seats': '2', kind: 'ticket' } },
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

function expectSame(spec: MatrixSpec, filter: FactFilter): number {
  const fast = groupedMatrix(t!.db, spec, filter, params);
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

function keyRows(): unknown[] {
  return t!.db.prepare(`SELECT * FROM segment_keys ORDER BY document_id, idx`).all();
}

function rebuildFromScratch(): void {
  t!.db.prepare(`DELETE FROM segment_keys`).run();
  t!.db.prepare(`INSERT OR IGNORE INTO segment_keys_dirty (segment_id) SELECT segment_id FROM segment_analysis`).run();
  refreshKeys(t!.db);
}

describe('matrices from the per-segment key table', () => {
  it('equal the streaming path field by field for every matrix and filter', () => {
    t = corpus();
    aggregatePipeline(t.db, { aggregate: params }, addRun(t.db));
    let cells = 0;
    for (const spec of SPECS) for (const filter of FILTERS) cells += expectSame(spec, filter);
    expect(cells).toBeGreaterThan(500);
    // the corpus exercises what the fold must get right
    const all = groupedMatrix(t.db, { rows: 'stage', cols: 'theme' }, {}, params)!;
    expect(all.scope.overall.emotions).toContain('sarcasm');
    expect(all.cells.some((c) => c.emotions['frustration-anger']!.segments > 0 && c.emotions['frustration-anger']!.zScore !== null)).toBe(true);
    expect(all.cells.some((c) => c.npsImpact !== null && c.npsImpact > 0)).toBe(true);
    expect(all.cells.some((c) => c.scoreScale === 'stars5')).toBe(true);
    expect(all.cells.some((c) => c.documents < c.mentions && c.negDocs < c.negative)).toBe(true);
    expect(all.colKeys).toEqual(expect.arrayContaining(['billing', 'billing.refund', 'billing.refund.late', 'ghost', 'unassigned']));
    // the non-analysed segment is not in the table
    expect(t.db.prepare(`SELECT count(*) FROM segment_keys`).pluck().get()).toBe(all.scope.overall.segments);
    // attribute dimensions are not in the table: the caller streams
    expect(groupedMatrix(t.db, { rows: 'attr:plan', cols: 'stage' }, {}, params)).toBeNull();
    expect(queryMatrix(t.db, { rows: 'attr:plan', cols: 'stage' }, { where: { kind: 'survey' } }, params)).toEqual(
      streamedMatrix(t.db, { rows: 'attr:plan', cols: 'stage' }, { where: { kind: 'survey' } }, params),
    );
  });

  it('are never used stale; the incremental refresh gives the rows of a full rebuild', () => {
    t = corpus();
    const first = refreshKeys(t.db);
    expect(first.hierarchyChanged).toBe(true);
    const total = first.refreshed;
    expect(refreshKeys(t.db).refreshed).toBe(0);
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
      // stale keys are never used: the query streams and still answers right
      expect(segmentKeysCurrent(db, closureOf(buildThemeIndex(loadThemes(db)))), write.toString()).toBe(false);
      expect(groupedMatrix(db, spec, filter, params)).toBeNull();
      expect(queryMatrix(db, spec, filter, params)).toEqual(streamedMatrix(db, spec, filter, params));
      const r = refreshKeys(db);
      expect(r.refreshed).toBeGreaterThan(0);
      expect(r.refreshed).toBeLessThan(total / 4);
      for (const s of SPECS.slice(0, 4)) expectSame(s, filter);
    }
    const incremental = keyRows();
    rebuildFromScratch();
    expect(keyRows()).toEqual(incremental);
  });

  it('rebuild the rollup when the theme hierarchy changes', () => {
    t = corpus();
    refreshKeys(t.db);
    t.db.prepare(`UPDATE themes SET parent_id = 'billing' WHERE theme_id = 'speed'`).run();
    t.addTheme('ghost', 'speed', 'Ghost');
    expect(groupedMatrix(t.db, { rows: 'stage', cols: 'theme' }, {}, params)).toBeNull();
    const r = refreshKeys(t.db);
    expect(r.hierarchyChanged).toBe(true);
    for (const spec of SPECS) expectSame(spec, { where: { kind: 'ticket' } });
    const parents = groupedMatrix(t.db, { rows: 'all', cols: 'parent_theme' }, {}, params)!;
    expect(parents.colKeys).toEqual(['billing', 'unassigned']);
    const incremental = keyRows();
    rebuildFromScratch();
    expect(keyRows()).toEqual(incremental);
  });

  it('are built by the first aggregate after an upgrade from schema 8', () => {
    t = corpus();
    const spec = { rows: 'stage', cols: 'theme' } as const;
    const filter = { where: { kind: 'survey' } };
    const before = streamedMatrix(t.db, spec, filter, params);
    // the database as schema 8 left it: no key tables, no key triggers
    for (const name of t.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'segment_keys_%'`).pluck().all()) {
      t.db.exec(`DROP TRIGGER ${String(name)}`);
    }
    t.db.exec(`DROP TABLE segment_keys; DROP TABLE segment_keys_dirty; DROP TABLE segment_key_closure; DROP TABLE segment_keys_state`);
    t.db.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    t.db.close();
    const db = openDatabase(t.path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const analysed = db.prepare(`SELECT count(*) FROM segment_analysis`).pluck().get();
      expect(db.prepare(`SELECT count(*) FROM segment_keys_dirty`).pluck().get()).toBe(analysed);
      expect(groupedMatrix(db, spec, filter, params)).toBeNull();
      expect(queryMatrix(db, spec, filter, params)).toEqual(before);
      aggregatePipeline(db, { aggregate: params }, addRun(db));
      expect(groupedMatrix(db, spec, filter, params)).toEqual(before);
    } finally {
      db.close();
    }
  });
});
