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
