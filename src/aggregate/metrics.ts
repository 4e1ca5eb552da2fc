/**
 * Cell metrics as pure functions of counts and scores. No clocks, no randomness: the same inputs
 * always give the same numbers. Formulas and the reasoning behind them: docs/aggregation.md.
 */

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for k successes in n trials. Unlike the normal approximation it stays
 * inside [0, 1] and is honest for small n (1 of 1 is not "100% negative").
 */
export function wilsonInterval(k: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, (centre - margin) / denom), high: Math.min(1, (centre + margin) / denom) };
}

/**
 * Negative share shrunk toward the global rate p0 with a Beta prior worth `strength` mentions:
 * (k + strength * p0) / (n + strength). A cell with few mentions stays near the average.
 */
export function shrunkRate(k: number, n: number, p0: number, strength: number): number {
  if (n + strength <= 0) return p0;
  return (k + strength * p0) / (n + strength);
}

/**
 * Pain index: shrunk negative share times ln(1 + mentions). The shrinkage stops one furious
 * comment (1 of 1 negative) from scoring as a 100%-negative cell, and the log term rewards volume
 * with diminishing returns so a huge but mildly negative cell does not drown a sharp pain point.
 */
export function painIndex(negative: number, mentions: number, p0: number, strength: number): number {
  return shrunkRate(negative, mentions, p0, strength) * Math.log1p(mentions);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n - 1); null below two values. */
export function sampleSd(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

/**
 * 95% interval of a mean by the normal approximation, mean -/+ z * sd / sqrt(n), clipped to
 * [lo, hi]; the whole range below two values (one comment says nothing about the spread).
 */
export function meanInterval(values: readonly number[], lo = -1, hi = 1, z = Z95): Interval {
  const m = mean(values);
  const sd = sampleSd(values);
  if (m === null || sd === null) return { low: lo, high: hi };
  const half = (z * sd) / Math.sqrt(values.length);
  return { low: Math.max(lo, m - half), high: Math.min(hi, m + half) };
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
  total: number;
}

/** NPS buckets on the 0-10 scale: detractor 0-6, passive 7-8, promoter 9-10. */
export function npsBucket(score: number): 'promoter' | 'passive' | 'detractor' {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

export function npsCounts(scores: readonly number[]): NpsCounts {
  const c: NpsCounts = { promoters: 0, passives: 0, detractors: 0, total: scores.length };
  for (const s of scores) {
    const b = npsBucket(s);
    if (b === 'promoter') c.promoters++;
    else if (b === 'passive') c.passives++;
    else c.detractors++;
  }
  return c;
}

/** NPS = % promoters - % detractors, in [-100, 100]; null without responses. */
export function npsFromCounts(c: NpsCounts): number | null {
  if (c.total === 0) return null;
  return (100 * (c.promoters - c.detractors)) / c.total;
}

export function nps(scores: readonly number[]): number | null {
  return npsFromCounts(npsCounts(scores));
}

/**
 * Impact of a theme (cell) on overall NPS: how many points overall NPS would gain if the
 * detractors who mention it became passives. Converting (rather than removing) keeps the
 * denominator, so the impact is simply 100 * cellDetractors / total and impacts of disjoint
 * groups add up. Null when there are no NPS responses.
 */
export function npsImpact(overall: NpsCounts, cellDetractors: number): number | null {
  const before = npsFromCounts(overall);
  if (before === null) return null;
  const moved = Math.min(cellDetractors, overall.detractors);
  const after = npsFromCounts({
    ...overall,
    detractors: overall.detractors - moved,
    passives: overall.passives + moved,
  });
  return (after as number) - before;
}

export interface ZResult {
  baseline: number | null;
  sd: number | null;
  z: number | null;
}

/**
 * z-score of the latest value against trailing values. The spread used is at least `sdFloor`
 * (callers pass the binomial standard error) so a flat history of zeros does not make any
 * single mention infinitely surprising. Needs two trailing values.
 */
export function zScore(latest: number, trailing: readonly number[], sdFloor: number): ZResult {
  const baseline = mean(trailing);
  const sd = sampleSd(trailing);
  if (baseline === null || sd === null) return { baseline, sd, z: null };
  const spread = Math.max(sd, sdFloor);
  if (spread <= 0) return { baseline, sd, z: null };
  return { baseline, sd, z: (latest - baseline) / spread };
}

/** Binomial standard error of a share p observed over n, with p floored at 0.5/n. */
export function binomialSe(p: number, n: number): number {
  if (n <= 0) return 0;
  const pf = Math.min(Math.max(p, 0.5 / n), 1 - 0.5 / n);
  return Math.sqrt((pf * (1 - pf)) / n);
}

/** Rounds for storage and display so floating noise never shows up as a "change". */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  const r = Math.round(value * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

export function roundOrNull(value: number | null, digits = 4): number | null {
  return value === null ? null : round(value, digits);
}
