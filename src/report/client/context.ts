/**
 * The page's data and state. `full` is the embedded JSON as the server wrote it; `view()` is what
 * the page shows now: the same shape, recomputed from the cube when a filter is set (filter.ts).
 */
import type { ReportData } from '../model.js';
import { trendPhrase } from '../trend.js';
import { byId } from './dom.js';

export const full = JSON.parse(byId('voc-data').textContent ?? '{}') as ReportData;

let current: ReportData = full;

export function view(): ReportData {
  return current;
}

export function setView(v: ReportData): void {
  current = v;
}

export interface TrendLike {
  z: number | null;
  latest: number | null;
  baseline: number | null;
  anomaly: boolean;
}

/** "rising: 3.1x its trailing 3-month mean (z 4.4)", as `voc themes` writes it. */
export function trendText(c: TrendLike): string {
  return trendPhrase({ zScore: c.z, trendLatest: c.latest, trendBaseline: c.baseline, anomaly: c.anomaly }, full.params.trailingMonths);
}

export function emotionLabel(id: string): string {
  return full.journey.emotions.find((x) => x.id === id)?.label ?? id;
}

export const UNASSIGNED = 'unassigned';

/** Unassigned stages, touchpoints and themes, and unknown attribute values: counted, never ranked. */
export function isUnassigned(key: string): boolean {
  return key === UNASSIGNED || key === 'unknown';
}
