import { describe, expect, it } from 'vitest';
import {
  binomialSe,
  nps,
  npsCounts,
  npsImpact,
  painIndex,
  sampleSd,
  shrunkRate,
  wilsonInterval,
  zScore,
} from '../src/aggregate/metrics.js';
import { ancestors, buildThemeIndex, rollupThemes } from '../src/aggregate/themes.js';

describe('wilsonInterval', () => {
  it('matches hand-computed 95% intervals', () => {
    // 5 of 10: centre (0.5 + 1.96^2/20) / (1 + 1.96^2/10) = 0.5; half-width 0.2634.
    const a = wilsonInterval(5, 10);
    expect(a.low).toBeCloseTo(0.2366, 4);
    expect(a.high).toBeCloseTo(0.7634, 4);
    // 0 of 10: upper bound z^2/(n + z^2) = 3.8415 / 13.8415 = 0.2775.
    const b = wilsonInterval(0, 10);
    expect(b.low).toBe(0);
    expect(b.high).toBeCloseTo(0.2775, 4);
    // 1 of 1 is far from certain: lower bound 1/(1 + z^2) = 0.2065.
    expect(wilsonInterval(1, 1).low).toBeCloseTo(0.2065, 4);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('pain index', () => {
  it('shrinks toward the global rate', () => {
    // (1 + 10 * 0.2) / (1 + 10) = 3/11
    expect(shrunkRate(1, 1, 0.2, 10)).toBeCloseTo(3 / 11, 10);
    expect(painIndex(1, 1, 0.2, 10)).toBeCloseTo((3 / 11) * Math.log(2), 10);
  });

  it('ranks 100 mildly negative mentions above one furious one', () => {
    const hundred = painIndex(100, 100, 0.3, 10); // (100+3)/110 * ln(101) = 4.32
    const one = painIndex(1, 1, 0.3, 10); // 4/11 * ln 2 = 0.25
    expect(hundred).toBeCloseTo((103 / 110) * Math.log(101), 10);
    expect(hundred).toBeGreaterThan(one * 10);
    // ...and 40 of 100 negative still outranks 3 of 3.
    expect(painIndex(40, 100, 0.3, 10)).toBeGreaterThan(painIndex(3, 3, 0.3, 10));
  });
});

describe('NPS', () => {
  const scores = [10, 9, 8, 7, 6, 3, 0, 10, 9, 5];
  it('is % promoters minus % detractors', () => {
    expect(npsCounts(scores)).toEqual({ promoters: 4, passives: 2, detractors: 4, total: 10 });
    expect(nps(scores)).toBe(0);
    expect(nps([])).toBeNull();
  });

  it('impact: detractors of the theme converted to passives', () => {
    // 2 of the 4 detractors mention the theme: NPS becomes (4 - 2) / 10 = +20, so +20 points.
    expect(npsImpact(npsCounts(scores), 2)).toBeCloseTo(20, 10);
    expect(npsImpact(npsCounts([]), 2)).toBeNull();
    // Never moves more detractors than exist.
    expect(npsImpact(npsCounts(scores), 9)).toBeCloseTo(40, 10);
  });
});

describe('zScore', () => {
  it('uses the trailing mean and sample sd, floored', () => {
    expect(sampleSd([0.1, 0.2, 0.3])).toBeCloseTo(0.1, 10);
    expect(zScore(0.5, [0.1, 0.2, 0.3], 0.01).z).toBeCloseTo(3, 10);
    // A flat history uses the floor instead of dividing by zero.
    expect(zScore(0.1, [0, 0, 0], 0.05).z).toBeCloseTo(2, 10);
    expect(zScore(0.1, [0.2], 0.05).z).toBeNull();
    // Binomial SE with p floored at 0.5/n: sqrt(0.005 * 0.995 / 100)
    expect(binomialSe(0, 100)).toBeCloseTo(Math.sqrt((0.005 * 0.995) / 100), 10);
  });
});

describe('theme rollup', () => {
  const index = buildThemeIndex([
    { theme_id: 'billing', parent_id: null, label: 'Billing' },
    { theme_id: 'double-charge', parent_id: 'billing', label: 'Double charge' },
    { theme_id: 'charged-after-cancel', parent_id: 'billing', label: 'Charged after cancelling' },
    { theme_id: 'delivery', parent_id: null, label: 'Delivery' },
  ]);

  it('orders parents before their children', () => {
    expect(index.order).toEqual(['billing', 'charged-after-cancel', 'double-charge', 'delivery']);
    expect(ancestors('double-charge', index)).toEqual(['billing']);
  });

  it('counts a parent once with the best child score', () => {
    const r = rollupThemes(
      [
        { themeId: 'double-charge', score: 0.7 },
        { themeId: 'charged-after-cancel', score: 0.9 },
      ],
      index,
    );
    expect([...r.entries()].sort()).toEqual([
      ['billing', 0.9],
      ['charged-after-cancel', 0.9],
      ['double-charge', 0.7],
    ]);
  });
});
