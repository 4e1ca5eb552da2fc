/**
 * Emotions aggregated like themes: per cell, the share of its segments that show each emotion (an
 * emotion is "shown" when the analysis stored it for the segment, i.e. its score reached
 * `analysis.emotions.threshold`), with a 95% Wilson interval and a monthly trend of that share.
 * Formulas: docs/aggregation.md. Pure functions; no clock, no randomness.
 */
import type { EmotionStat } from '../store/aggregate.js';
import { binomialSe, mean, round, roundOrNull, wilsonInterval, zScore } from './metrics.js';

export { DEFAULT_EMOTIONS, canonicalEmotion, emotionIsNegative, emotionLabel, emotionSet } from '../config/emotions.js';
export type { EmotionStat } from '../store/aggregate.js';

export interface EmotionMember {
  emotions: readonly string[];
  month: string | null;
}

export interface EmotionTrendParams {
  trailingMonths: number;
  latestMonth: string | null;
}

/**
 * The months and emotions seen in this process, as small integers: per-cell counters are then
 * arrays indexed by code instead of maps keyed by text (a membership touches a few array slots
 * instead of hashing into several small maps). Both are bounded by the data's months and emotions.
 */
export class Codes {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];

  of(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.index.set(value, code);
      this.values.push(value);
    }
    return code;
  }

  get(value: string): number | undefined {
    return this.index.get(value);
  }
}

export const MONTH_CODES = new Codes();
export const EMOTION_CODES = new Codes();

/** The codes of a segment's emotions. */
export function emotionCodes(emotions: readonly string[]): number[] {
  return emotions.map((e) => EMOTION_CODES.of(e));
}

/** Adds one at `at`, growing the array with zeros (kept dense, so it stays an array of small integers). */
export function bump(counts: number[], at: number): void {
  while (counts.length <= at) counts.push(0);
  counts[at]!++;
}

/** Per-cell emotion counters, filled one segment at a time: bounded by months x emotions. */
export class EmotionCounts {
  n = 0;
  /** Segments showing each emotion, by emotion code. */
  private readonly counts: number[] = [];
  /** Segments per month code, and per month code the segments showing each emotion. */
  private readonly monthTotal: number[] = [];
  private readonly monthHits: (number[] | undefined)[] = [];

  add(emotions: readonly string[], monthKey: string | null): void {
    this.addCodes(emotionCodes(emotions), monthKey === null ? -1 : MONTH_CODES.of(monthKey));
  }

  /** One segment by codes: its emotions' codes and its month's (-1 for none). */
  addCodes(emotions: readonly number[], month: number): void {
    this.n++;
    let hits: number[] | undefined;
    if (month >= 0) {
      bump(this.monthTotal, month);
      while (this.monthHits.length <= month) this.monthHits.push(undefined);
      if (emotions.length) hits = this.monthHits[month] ??= [];
    }
    for (let i = 0; i < emotions.length; i++) {
      const e = emotions[i]!;
      if (i > 0 && emotions.indexOf(e) < i) continue; // each emotion once per segment
      bump(this.counts, e);
      if (hits) bump(hits, e);
    }
  }

  /** Segments showing `emotion`. */
  count(emotion: string): number {
    const e = EMOTION_CODES.get(emotion);
    return e === undefined ? 0 : (this.counts[e] ?? 0);
  }

  /** The months with segments, sorted. */
  months(): string[] {
    const out: string[] = [];
    this.monthTotal.forEach((total, code) => {
      if (total > 0) out.push(MONTH_CODES.values[code]!);
    });
    return out.sort();
  }

  /** Segments in `month` (0 when none). */
  total(month: string): number {
    const m = MONTH_CODES.get(month);
    return m === undefined ? 0 : (this.monthTotal[m] ?? 0);
  }

  /** Segments in `month` showing `emotion`. */
  hits(month: string, emotion: string): number {
    const m = MONTH_CODES.get(month);
    const e = EMOTION_CODES.get(emotion);
    if (m === undefined || e === undefined) return 0;
    return this.monthHits[m]?.[e] ?? 0;
  }
}

/**
 * Per emotion in `emotions`: how many of `members` show it, its share with a Wilson interval, and
 * the latest month's share against the trailing months (z with the spread floored at the binomial
 * standard error of the baseline for the latest month's volume, as for negative shares).
 */
export function emotionStats(
  members: readonly EmotionMember[],
  emotions: readonly string[],
  params: EmotionTrendParams,
): Record<string, EmotionStat> {
  const acc = new EmotionCounts();
  for (const m of members) acc.add(m.emotions, m.month);
  return emotionStatsOf(acc, emotions, params);
}

/** emotionStats from counters already filled. */
export function emotionStatsOf(
  acc: EmotionCounts,
  emotions: readonly string[],
  params: EmotionTrendParams,
): Record<string, EmotionStat> {
  const n = acc.n;
  const months = acc.months();
  const latestTotal = params.latestMonth !== null ? acc.total(params.latestMonth) : 0;
  const trailing = months.filter((m) => params.latestMonth !== null && m < params.latestMonth).slice(-params.trailingMonths);
  const out = Object.create(null) as Record<string, EmotionStat>;
  for (const e of emotions) {
    const k = acc.count(e);
    const w = wilsonInterval(k, n);
    let trendLatest: number | null = null;
    let trendBaseline: number | null = null;
    let z: number | null = null;
    if (latestTotal > 0) {
      trendLatest = round(acc.hits(params.latestMonth!, e) / latestTotal, 6);
      const shares = trailing.map((m) => acc.hits(m, e) / acc.total(m));
      trendBaseline = roundOrNull(mean(shares), 6);
      const r = zScore(trendLatest, shares, binomialSe(trendBaseline ?? 0, latestTotal));
      z = roundOrNull(r.z, 3);
    }
    out[e] = { segments: k, share: n ? round(k / n) : 0, low: round(w.low), high: round(w.high), trendLatest, trendBaseline, zScore: z };
  }
  return out;
}
