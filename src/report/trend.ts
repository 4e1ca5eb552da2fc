/**
 * Trends in words, shared by the CLI (voc themes) and the report's browser code, so both say the
 * same thing. Pure: no imports, so the DOM build can bundle it.
 */

export interface TrendFacts {
  zScore: number | null;
  trendLatest: number | null;
  trendBaseline: number | null;
  anomaly: boolean;
}

/**
 * A trend in words, as the report writes it: "rising: 3.1x its trailing 3-month mean (z 4.4)",
 * "spike: ...", "falling: ...", "steady (z 0.3)"; '' when the cell has no trend.
 */
export function trendPhrase(t: { zScore: number | null; trendLatest: number | null; trendBaseline: number | null; anomaly: boolean }, trailingMonths: number): string {
  const { zScore: z, trendLatest: latest, trendBaseline: baseline } = t;
  if (z === null || latest === null || baseline === null) return '';
  const mean = `its trailing ${trailingMonths}-month mean`;
  const ratio = baseline > 0 ? `${(latest / baseline).toFixed(1)}x ${mean}` : `new (none in the trailing ${trailingMonths} months)`;
  const zs = ` (z ${z.toFixed(1)})`;
  if (t.anomaly) return `spike: ${ratio}${zs}`;
  if (z >= 1 && latest > baseline) return `rising: ${ratio}${zs}`;
  if (z <= -1 && latest < baseline) return `falling: ${ratio}${zs}`;
  return `steady${zs}`;
}
