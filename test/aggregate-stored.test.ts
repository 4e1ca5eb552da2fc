/**
 * Unfiltered queries answered from the stored aggregate (src/aggregate/stored.ts) must equal the
 * streaming path field by field, and must not be used once anything they were computed from
 * changed. A generated corpus: several stages, touchpoints, themes with a parent, emotions, months,
 * NPS scores and kinds; several matrices, including ones in the non-default journey order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { aggregatePipeline, queryMatrix, streamedMatrix } from '../src/aggregate/pipeline.js';
import { rankThemes } from '../src/aggregate/query.js';
import { storedMatrix } from '../src/aggregate/stored.js';
import { storedMatrices } from '../src/aggregate/pipeline.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { currentSnapshot } from '../src/store/aggregate.js';
import { addRun, TestDb, type Sentiment } from './aggregate-db.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const config = PipelineConfig.parse({
  name: 't',
  sources: [{ name: 'survey-a', kind: 'survey', paths: 'a.csv' }],
  aggregate: {
    quotesPerCell: 2,
    stageOrder: ['support', 'purchase', 'onboarding'],
    matrices: [
      { rows: 'stage', cols: 'theme' },
      { rows: 'theme', cols: 'touchpoint' },
      { rows: 'month', cols: 'stage' },
      { rows: 'all', cols: 'theme' },
      { rows: 'kind', cols: 'sentiment' },
    ],
  },
});
const params = config.aggregate;

/** A deterministic pseudo-random corpus (linear congruential generator). */
function corpus(): TestDb {
  const db = new TestDb().addTheme('billing', null, 'Billing').addTheme('billing.refund', 'billing', 'Refunds').addTheme('speed', null, 'Speed');
  let seed = 7;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const sentiments: Sentiment[] = ['negative', 'neutral', 'positive'];
  const stages = ['purchase', 'onboarding', 'support', null];
  const themes = [['billing.refund'], ['speed'], ['billing', 'speed'], []];
  const emotions: Record<string, number>[] = [{ frustration: 0.8 }, { joy: 0.7 }, {}, { frustration: 0.4, sadness: 0.6 }];
  for (let d = 0; d < 120; d++) {
    db.addDoc({
      kind: (['survey', 'interview', 'ticket'] as const)[rnd(3)],
      createdAt: `2026-${String(1 + rnd(6)).padStart(2, '0')}-1${rnd(9)}T10:00:00Z`,
      score: rnd(4) === 0 ? null : rnd(11),
      segments: Array.from({ length: 1 + rnd(4) }, (_, i) => ({
        text: `Sentence ${d}-${i} about thing ${rnd(50)}.`,
        sentiment: sentiments[rnd(3)]!,
        score: (rnd(200) - 100) / 100,
        stage: stages[rnd(4)]!,
        touchpoint: ['website', 'app', null][rnd(3)]!,
        themes: themes[rnd(4)]!,
        emotions: emotions[rnd(4)]!,
      })),
    });
  }
  return db;
}

describe('unfiltered queries from the stored aggregate', () => {
  it('equal the streaming path field by field for every stored matrix, and themes rankings', () => {
    t = corpus();
    aggregatePipeline(t.db, config, addRun(t.db));
    expect(currentSnapshot(t.db, params)).not.toBeNull();
    for (const spec of storedMatrices(params)) {
      const stored = storedMatrix(t.db, spec, params, storedMatrices(params));
      expect(stored, spec.rows + '_' + spec.cols).not.toBeNull();
      const live = streamedMatrix(t.db, spec, {}, params);
      expect(stored!.rowKeys).toEqual(live.rowKeys);
      expect(stored!.colKeys).toEqual(live.colKeys);
      expect(stored!.cells.length).toBeGreaterThan(0);
      expect(stored!.cells).toEqual(live.cells);
      expect(stored!.scope.overall).toEqual(live.scope.overall);
      expect(stored!.scope.analysisKeys).toEqual(live.scope.analysisKeys);
      expect(queryMatrix(t.db, spec, {}, params)).toEqual(stored);
    }
    for (const stage of [undefined, 'purchase']) {
      const fast = rankThemes(t.db, { stage, sort: 'pain', limit: 10 }, params);
      // a filter that selects everything takes the filtered path (the key table, see aggregate-keys.test.ts)
      const slow = rankThemes(t.db, { stage, sort: 'pain', limit: 10, since: '2000-01-01' }, params);
      expect(fast.length).toBeGreaterThan(0);
      expect(fast).toEqual(slow);
    }
  });

  it('is not used after new data, other params, or for a matrix it does not store', () => {
    t = corpus();
    aggregatePipeline(t.db, config, addRun(t.db));
    const spec = { rows: 'stage', cols: 'theme' } as const;
    expect(storedMatrix(t.db, { rows: 'touchpoint', cols: 'kind' }, params, storedMatrices(params))).toBeNull();
    expect(currentSnapshot(t.db, { ...params, priorStrength: 99 })).toBeNull();
    t.addDoc({ segments: [{ text: 'A new complaint.', sentiment: 'negative', stage: 'purchase', themes: ['speed'] }] });
    expect(currentSnapshot(t.db, params)).toBeNull();
    const after = queryMatrix(t.db, spec, {}, params);
    expect(after.scope.overall.segments).toBe(streamedMatrix(t.db, spec, {}, params).scope.overall.segments);
    expect(after).toEqual(streamedMatrix(t.db, spec, {}, params));
    // an analysis update in place (same row count) also invalidates it
    aggregatePipeline(t.db, config, addRun(t.db));
    expect(currentSnapshot(t.db, params)).not.toBeNull();
    t.db.prepare(`UPDATE segment_analysis SET sentiment = 'positive' WHERE segment_id = (SELECT min(segment_id) FROM segment_analysis)`).run();
    expect(currentSnapshot(t.db, params)).toBeNull();
  });
});
