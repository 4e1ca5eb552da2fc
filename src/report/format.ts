/**
 * Metric values of a cell and how they are shown (terminal, CSV headers, the HTML report).
 */
import { parseEmotionMetric, type Metric } from '../config/aggregate.js';
import { emotionIsNegative } from '../aggregate/emotions.js';
import type { CellRecord } from '../store/aggregate.js';

export { trendPhrase } from './trend.js';

export function metricValue(c: CellRecord, metric: Metric): number | null {
  switch (metric) {
    case 'pain':
      return c.painIndex;
    case 'negative_share':
      return c.negativeShare;
    case 'mentions':
      return c.mentions;
    case 'documents':
      return c.documents;
    case 'negative':
      return c.negative;
    case 'sentiment':
      return c.meanSentiment;
    case 'nps':
      return c.nps;
    case 'nps_impact':
      return c.npsImpact;
    case 'mean_score':
      return c.meanScore;
    case 'wilson_low':
      return c.wilsonLow;
    case 'wilson_high':
      return c.wilsonHigh;
    case 'z_score':
      return c.zScore;
    case 'neg_per_100':
      return c.negPer100;
    case 'neg_per_100_low':
      return c.negPer100Low;
    case 'neg_per_100_high':
      return c.negPer100High;
    case 'sentiment_low':
      return c.sentimentLow;
    case 'sentiment_high':
      return c.sentimentHigh;
    default: {
      const e = parseEmotionMetric(metric);
      if (!e) return null;
      const s = c.emotions[e.emotion];
      // A cell always has a share for every emotion of its aggregate; an unknown emotion has none.
      if (!s) return null;
      if (e.part === 'low') return s.low;
      if (e.part === 'high') return s.high;
      if (e.part === 'segments') return s.segments;
      if (e.part === 'z') return s.zScore;
      return s.share;
    }
  }
}

/** Short human formatting: shares as %, sentiment signed, counts as integers. */
export function formatMetric(value: number | null, metric: Metric): string {
  if (value === null) return '';
  const e = parseEmotionMetric(metric);
  if (e) {
    if (e.part === 'segments') return String(value);
    if (e.part === 'z') return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
    return `${Math.round(value * 100)}%`;
  }
  switch (metric) {
    case 'negative_share':
    case 'wilson_low':
    case 'wilson_high':
      return `${Math.round(value * 100)}%`;
    case 'mentions':
    case 'documents':
    case 'negative':
      return String(value);
    case 'sentiment':
    case 'sentiment_low':
    case 'sentiment_high':
    case 'z_score':
      return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
    case 'nps':
    case 'nps_impact':
      return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
    case 'neg_per_100':
    case 'neg_per_100_low':
    case 'neg_per_100_high':
      return value.toFixed(1);
    default:
      return value.toFixed(2);
  }
}

/** Whether a higher value of the metric is worse (drives colour direction). */
export function higherIsWorse(metric: Metric): boolean {
  const e = parseEmotionMetric(metric);
  if (e) return e.part === 'segments' || emotionIsNegative(e.emotion);
  return !['sentiment', 'sentiment_low', 'sentiment_high', 'nps', 'mean_score'].includes(metric);
}

/** Whether values of the metric are shares in [0, 1] (coloured on an absolute scale). */
export function isShare(metric: Metric): boolean {
  const e = parseEmotionMetric(metric);
  if (e) return e.part !== 'segments' && e.part !== 'z';
  return metric === 'negative_share' || metric === 'wilson_low' || metric === 'wilson_high';
}
