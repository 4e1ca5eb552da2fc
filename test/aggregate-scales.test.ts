/** Scores named by their scale: NPS only for 0-10 likelihood to recommend, mean rating for reviews. */
import { afterEach, describe, expect, it } from 'vitest';
import { aggregatePipeline } from '../src/aggregate/pipeline.js';
import { describeScore, scaleName } from '../src/aggregate/scales.js';
import { scaleNote, wrap } from '../src/cli/heatmap.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { buildReportData } from '../src/report/data.js';
import { addRun, TestDb } from './aggregate-db.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

describe('report rankings leave unassigned stages and touchpoints out', () => {
  it('a spike of comments with no stage is no alert, a spike of a real stage is', () => {
    t = new TestDb();
    t.addTheme('app', null, 'App');
    for (const [i, month] of ['2026-06', '2026-07', '2026-08', '2026-09'].entries()) {
      for (let k = 0; k < 10; k++) t.addDoc({ createdAt: `${month}-10T10:00:00Z`, segments: [{ text: `All fine with the service this month, number ${k}.`, stage: 'usage', touchpoint: 'app' }] });
      const spikes = i === 3 ? 8 : 0;
      for (let k = 0; k < spikes; k++) {
        t.addDoc({ createdAt: `${month}-12T10:00:00Z`, segments: [{ text: `I am so fed up with all of this, comment ${k}.`, sentiment: 'negative', stage: null, touchpoint: null }] });
        t.addDoc({ createdAt: `${month}-12T10:00:00Z`, segments: [{ text: `The app crashed again when I opened it, ${k}.`, sentiment: 'negative', stage: 'usage', touchpoint: 'app', themes: ['app'] }] });
      }
    }
    const config = PipelineConfig.parse({ name: 't', sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }] });
    aggregatePipeline(t.db, config, addRun(t.db));
    const stored = t.db.prepare(`SELECT matrix, row_key, col_key FROM cells WHERE anomaly = 1 AND (row_key = 'unassigned' OR col_key = 'unassigned')`).all();
    expect(stored.length).toBeGreaterThan(0); // the spike is in the data...
    const data = buildReportData(t.db, 'Spikes');
    expect(data.alerts.length).toBeGreaterThan(0); // ...the app spike is reported...
    expect(data.alerts.some((a) => a.r === 'app' && a.c === 'usage')).toBe(true);
    // ...but nothing without a stage or touchpoint.
    expect(data.alerts.filter((a) => a.c === 'unassigned' || (a.matrix !== 'stage_theme' && a.r === 'unassigned'))).toEqual([]);
    expect(data.top.every((h) => h.c !== 'unassigned' && h.r !== 'unassigned')).toBe(true);
  });
});

describe('score names', () => {
  it('names each ingest scale', () => {
    expect(describeScore(7.94, 'rating10')).toBe('mean rating 7.9 (1-10)');
    expect(describeScore(4.25, 'stars5')).toBe('mean rating 4.3 (1-5 stars)');
    expect(describeScore(3.5, 'csat5')).toBe('mean CSAT 3.5 (1-5)');
    expect(describeScore(0.75, 'yesno')).toBe('would recommend: 75% yes');
    expect(describeScore(81.2, 'rating100')).toBe('mean score 81 (0-100)');
    expect(scaleName('nps').name).toBe('mean likelihood to recommend');
  });

  it('a report over 1-10 review ratings shows a mean rating and no NPS', () => {
    t = new TestDb();
    for (const [score, sentiment] of [[9, 'positive'], [2, 'negative'], [7, 'neutral']] as const) {
      t.addDoc({ score, scale: 'rating10', segments: [{ text: `A review that scored ${score} out of ten overall.`, sentiment }] });
    }
    const config = PipelineConfig.parse({ name: 't', sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }] });
    aggregatePipeline(t.db, config, addRun(t.db));
    const data = buildReportData(t.db, 'Reviews');
    expect(data.overall.nps).toBeNull();
    expect(data.overall.npsResponses).toBe(0);
    // (9 + 2 + 7) / 3 = 6
    expect(data.scores).toEqual([{ scale: 'rating10', text: 'mean rating 6.0 (1-10)', documents: 3, unit: 'reviews' }]);
    expect(data.scaleLabels).toEqual({ rating10: 'Mean rating (1-10)' });
  });

  it('voc heatmap says what mean_score is and why there is no NPS', () => {
    expect(scaleNote('mean_score', ['rating10', null, 'rating10'], 0)).toBe('mean_score is the mean rating (rating10: 1-10)');
    expect(scaleNote('mean_score', ['csat5', 'nps'], 4)).toMatch(/^mean_score is the mean CSAT \(csat5: 1-5\), mean likelihood to recommend \(nps: 0-10\); .*do not compare$/);
    expect(scaleNote('nps', ['stars5'], 0)).toBe('No NPS: it needs 0-10 likelihood-to-recommend scores (scale nps). These documents have mean rating (stars5: 1-5 stars): try --metric mean_score.');
    expect(scaleNote('nps', ['nps'], 10)).toBeNull();
    expect(scaleNote('pain', ['nps'], 10)).toBeNull();
    const long = scaleNote('mean_score', ['csat5', 'nps', 'stars5', 'rating10'], 4)!;
    expect(long.length).toBeGreaterThan(120);
    for (const line of wrap(long, 120).split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    expect(wrap(long, 120).replace(/\n/g, ' ')).toBe(long);
  });
});
