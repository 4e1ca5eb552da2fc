/**
 * What a score is called, by the scale it was stored with at ingest (documents.score_scale). Only a
 * 0-10 likelihood to recommend (`nps`) makes an NPS; a 1-10 or 1-5 review rating is a mean rating.
 */
export interface ScaleName {
  /** The summary people read: "NPS", "mean rating", "mean CSAT", ... */
  name: string;
  /** The range, for "7.9 (1-10)". */
  range: string;
  /** What one scored document is: response, rating, review. */
  unit: string;
}

const NAMES: Readonly<Record<string, ScaleName>> = {
  nps: { name: 'mean likelihood to recommend', range: '0-10', unit: 'responses' },
  csat5: { name: 'mean CSAT', range: '1-5', unit: 'ratings' },
  csat7: { name: 'mean CSAT', range: '1-7', unit: 'ratings' },
  ces7: { name: 'mean effort score (CES)', range: '1-7', unit: 'ratings' },
  stars5: { name: 'mean rating', range: '1-5 stars', unit: 'reviews' },
  rating10: { name: 'mean rating', range: '1-10', unit: 'reviews' },
  rating100: { name: 'mean score', range: '0-100', unit: 'scores' },
  yesno: { name: 'would recommend', range: 'share saying yes', unit: 'answers' },
};

export function scaleName(scale: string): ScaleName {
  return Object.prototype.hasOwnProperty.call(NAMES, scale) ? NAMES[scale]! : { name: 'mean score', range: scale, unit: 'scores' };
}

/** "mean rating 7.9 (1-10)"; a yes/no mean is shown as a percentage. */
export function describeScore(mean: number, scale: string): string {
  const n = scaleName(scale);
  if (scale === 'yesno') return `${n.name}: ${Math.round(mean * 100)}% yes`;
  return `${n.name} ${mean.toFixed(scale === 'rating100' ? 0 : 1)} (${n.range})`;
}
