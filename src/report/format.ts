/**
 * Metric values of a cell and how they are shown (terminal, CSV headers, the HTML report).
 */
import type { Metric } from '../config/aggregate.js';
import type { CellRecord } from '../store/aggregate.js';

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
  }
}

/** Short human formatting: shares as %, sentiment signed, counts as integers. */
export function formatMetric(value: number | null, metric: Metric): string {
  if (value === null) return '';
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
    case 'z_score':
      return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
    case 'nps':
    case 'nps_impact':
      return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
    default:
      return value.toFixed(2);
  }
}

/** Whether a higher value of the metric is worse (drives colour direction). */
export function higherIsWorse(metric: Metric): boolean {
  return !['sentiment', 'nps', 'mean_score'].includes(metric);
}
