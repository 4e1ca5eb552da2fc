/** The terminal heatmap fits 120 columns: short column codes with a legend, blocks when needed, --wide for full names. */
import { afterEach, describe, expect, it } from 'vitest';
import { queryMatrix } from '../src/aggregate/pipeline.js';
import { parseAggregateConfig } from '../src/config/aggregate.js';
import { renderHeatmapTable, visibleWidth } from '../src/report/terminal.js';
import type { TestDb } from './aggregate-db.js';
import { sampleDb } from './report-sample.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const params = parseAggregateConfig({});

describe('terminal heatmap', () => {
  it('fits 120 columns with coded column names and a legend; --wide keeps full names', () => {
    t = sampleDb(120, false);
    const m = queryMatrix(t.db, { rows: 'stage', cols: 'theme' }, {}, params);
    expect(m.colKeys.length).toBeGreaterThan(15);
    const table = renderHeatmapTable(m, m.scope.index, 'pain', true, { width: 120 });
    const lines = table.split('\n');
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(120);
    expect(lines[0]).toMatch(/^stage\s+C1\s+C2\s/);
    expect(table).toContain('theme (--wide for full names):');
    const codes = m.colKeys.map((k, j) => `C${j + 1} ${k}`);
    for (const c of codes) expect(table).toContain(c);
    expect(table).toContain('late-box (Late or missed box)');
    // Every value is still there: the pain of each cell, once.
    const late = m.cells.find((c) => c.rowKey === 'onboarding' && c.colKey === 'late-box')!;
    expect(table).toContain(late.painIndex.toFixed(2));

    const wide = renderHeatmapTable(m, m.scope.index, 'pain', false, { width: 120, wide: true });
    expect(wide.split('\n')[0]).toMatch(/^stage\s+app\s+app-crash\s+billing\s+charged-after-cancel/);
    expect(visibleWidth(wide.split('\n')[0]!)).toBeGreaterThan(120);
    expect(wide).not.toContain('C1');
  });

  it('splits into blocks when even the codes do not fit, and leaves a narrow table alone', () => {
    t = sampleDb(120, false);
    const m = queryMatrix(t.db, { rows: 'stage', cols: 'theme' }, {}, params);
    const narrow = renderHeatmapTable(m, m.scope.index, 'pain', false, { width: 60 });
    for (const line of narrow.split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(60);
    const headers = narrow.split('\n').filter((l) => l.startsWith('stage '));
    expect(headers.length).toBeGreaterThan(1);
    expect(headers.join(' ').match(/C\d+/g)).toHaveLength(m.colKeys.length);
    const small = queryMatrix(t.db, { rows: 'stage', cols: 'all' }, {}, params);
    const plain = renderHeatmapTable(small, small.scope.index, 'neg_per_100', false, { width: 120 });
    expect(plain.split('\n')[0]).toMatch(/^stage\s+all$/);
    expect(plain).not.toContain('--wide');
  });
});

describe('trend in words', () => {
  it('says rising, spike, falling, new or steady, with the ratio to the trailing mean and the z-score', async () => {
    const { trendPhrase } = await import('../src/report/format.js');
    expect(trendPhrase({ zScore: 4.42, trendLatest: 0.31, trendBaseline: 0.1, anomaly: true }, 3)).toBe('spike: 3.1x its trailing 3-month mean (z 4.4)');
    expect(trendPhrase({ zScore: 1.5, trendLatest: 0.21, trendBaseline: 0.1, anomaly: false }, 3)).toBe('rising: 2.1x its trailing 3-month mean (z 1.5)');
    expect(trendPhrase({ zScore: -2, trendLatest: 0.05, trendBaseline: 0.1, anomaly: false }, 6)).toBe('falling: 0.5x its trailing 6-month mean (z -2.0)');
    expect(trendPhrase({ zScore: 3, trendLatest: 0.2, trendBaseline: 0, anomaly: false }, 3)).toBe('rising: new (none in the trailing 3 months) (z 3.0)');
    expect(trendPhrase({ zScore: 0.3, trendLatest: 0.1, trendBaseline: 0.1, anomaly: false }, 3)).toBe('steady (z 0.3)');
    expect(trendPhrase({ zScore: null, trendLatest: null, trendBaseline: null, anomaly: false }, 3)).toBe('');
  });
});
