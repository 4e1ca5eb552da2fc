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

/** Per-cell emotion counters, filled one segment at a time: bounded by months x emotions. */
export class EmotionCounts {
  n = 0;
  readonly counts = new Map<string, number>();
  readonly perMonth = new Map<string, { total: number; hits: Map<string, number> }>();

  private lastMonthKey: string | null = null;
  private lastMonth: { total: number; hits: Map<string, number> } | undefined;

  add(emotions: readonly string[], monthKey: string | null): void {
    this.n++;
    let month: { total: number; hits: Map<string, number> } | undefined;
    if (monthKey !== null) {
      // Rows come grouped by document, so the month is usually the previous row's.
      if (monthKey === this.lastMonthKey) month = this.lastMonth;
      else {
        month = this.perMonth.get(monthKey);
        if (!month) this.perMonth.set(monthKey, (month = { total: 0, hits: new Map() }));
        this.lastMonthKey = monthKey;
        this.lastMonth = month;
      }
      month!.total++;
    }
    for (let i = 0; i < emotions.length; i++) {
      const e = emotions[i]!;
      if (i > 0 && emotions.indexOf(e) < i) continue; // each emotion once per segment
      this.counts.set(e, (this.counts.get(e) ?? 0) + 1);
      if (month) month.hits.set(e, (month.hits.get(e) ?? 0) + 1);
    }
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
  const { n, counts, perMonth } = acc;
  const months = [...perMonth.keys()].sort();
  const latest = params.latestMonth !== null ? perMonth.get(params.latestMonth) : undefined;
  const trailing = months.filter((m) => params.latestMonth !== null && m < params.latestMonth).slice(-params.trailingMonths);
  const out = Object.create(null) as Record<string, EmotionStat>;
  for (const e of emotions) {
    const k = counts.get(e) ?? 0;
    const w = wilsonInterval(k, n);
    let trendLatest: number | null = null;
    let trendBaseline: number | null = null;
    let z: number | null = null;
    if (latest && latest.total > 0) {
      trendLatest = round((latest.hits.get(e) ?? 0) / latest.total, 6);
      const shares = trailing.map((m) => {
        const x = perMonth.get(m)!;
        return (x.hits.get(e) ?? 0) / x.total;
      });
      trendBaseline = roundOrNull(mean(shares), 6);
      const r = zScore(trendLatest, shares, binomialSe(trendBaseline ?? 0, latest.total));
      z = roundOrNull(r.z, 3);
    }
    out[e] = { segments: k, share: n ? round(k / n) : 0, low: round(w.low), high: round(w.high), trendLatest, trendBaseline, zScore: z };
  }
  return out;
}
