/**
 * The filtered page: every number of ReportData recomputed from the cube's counts with the
 * formulas of src/aggregate (metrics.ts is imported, not copied): Wilson intervals, negative
 * mentions per 100 documents, pain index, NPS and its impacts, and the monthly trend of
 * aggregate/cells.ts trendOf. Pure (no DOM), so a node test can call it too.
 */
import {
  binomialSe, mean, npsFromCounts, npsImpact, painIndex, round, roundOrNull, wilsonInterval, Z95, zScore, type NpsCounts,
} from '../../aggregate/metrics.js';
import type { ReportCell, ReportCube, ReportData, ReportKey, ReportMatrix, ReportQuote } from '../model.js';

/** One value per dimension ('' = all), and an inclusive month range (YYYY-MM, '' = open). */
export interface Filter {
  where: Record<string, string>;
  since: string;
  until: string;
}

export function isEmpty(f: Filter): boolean {
  return !f.since && !f.until && Object.values(f.where).every((v) => !v);
}

/** Which groups the filter keeps. */
export function activeGroups(cube: ReportCube, f: Filter): boolean[] {
  const month = cube.dims.indexOf('month');
  return cube.groups.map((g) => cube.dims.every((d, i) => {
    const v = cube.values[i]![g[i]!]!;
    const want = f.where[d];
    if (want && v !== want) return false;
    if (i === month && (f.since || f.until)) {
      if (v === 'unknown') return false;
      if (f.since && v < f.since) return false;
      if (f.until && v > f.until) return false;
    }
    return true;
  }));
}

export interface Totals {
  segments: number;
  negative: number;
  documents: number;
  nps: NpsCounts;
  months: string[];
  monthTotals: Record<string, number>;
}

export function totalsOf(cube: ReportCube, on: boolean[]): Totals {
  const t: Totals = { segments: 0, negative: 0, documents: 0, nps: { promoters: 0, passives: 0, detractors: 0, total: 0 }, months: [], monthTotals: Object.create(null) as Record<string, number> };
  const mi = cube.dims.indexOf('month');
  cube.totals.forEach((x, g) => {
    if (!on[g]) return;
    t.segments += x[0]!;
    t.negative += x[1]!;
    t.documents += x[2]!;
    t.nps.promoters += x[3]!;
    t.nps.passives += x[4]!;
    t.nps.detractors += x[5]!;
    const m = cube.values[mi]![cube.groups[g]![mi]!]!;
    if (m !== 'unknown' && x[0]! > 0) t.monthTotals[m] = (t.monthTotals[m] ?? 0) + x[0]!;
  });
  t.nps.total = t.nps.promoters + t.nps.passives + t.nps.detractors;
  t.months = Object.keys(t.monthTotals).sort();
  return t;
}

/** A cell's counts summed over the kept groups, with its monthly counts. */
export interface CellSum {
  n: number;
  k: number;
  d: number;
  kd: number;
  ss: number;
  sq: number;
  nps: NpsCounts;
  emo: number[];
  /** month -> [mentions, negative, ...segments per emotion] */
  byMonth: Map<string, number[]>;
}

export function sumCell(cube: ReportCube, rows: readonly number[][], on: boolean[]): CellSum | null {
  const mi = cube.dims.indexOf('month');
  const s: CellSum = { n: 0, k: 0, d: 0, kd: 0, ss: 0, sq: 0, nps: { promoters: 0, passives: 0, detractors: 0, total: 0 }, emo: cube.emotions.map(() => 0), byMonth: new Map() };
  for (const r of rows) {
    const g = r[0]!;
    if (!on[g]) continue;
    s.n += r[1]!;
    s.k += r[2]!;
    s.d += r[3]!;
    s.kd += r[4]!;
    s.ss += r[5]!;
    s.sq += r[6]!;
    // Trailing zeros are trimmed from the rows: a missing count is 0.
    s.nps.promoters += r[7] ?? 0;
    s.nps.passives += r[8] ?? 0;
    s.nps.detractors += r[9] ?? 0;
    const emo = cube.emotions.map((_, i) => r[10 + i] ?? 0);
    emo.forEach((x, i) => (s.emo[i]! += x));
    const m = cube.values[mi]![cube.groups[g]![mi]!]!;
    if (m === 'unknown') continue;
    const acc = s.byMonth.get(m) ?? [0, 0, ...cube.emotions.map(() => 0)];
    acc[0]! += r[1]!;
    acc[1]! += r[2]!;
    emo.forEach((x, i) => (acc[2 + i]! += x));
    s.byMonth.set(m, acc);
  }
  s.nps.total = s.nps.promoters + s.nps.passives + s.nps.detractors;
  return s.n > 0 ? s : null;
}

export interface TrendParams {
  trailingMonths: number;
  anomalyZ: number;
  minVolume: number;
  priorStrength: number;
}

/** As aggregate/cells.ts trendOf: the cell's negatives over all segments of each month. */
function trendOf(s: CellSum, t: Totals, p: TrendParams): Pick<ReportCell, 'latest' | 'baseline' | 'z' | 'anomaly' | 'series'> {
  const series = t.months.map((m) => {
    const total = t.monthTotals[m] ?? 0;
    const neg = s.byMonth.get(m)?.[1] ?? 0;
    return { neg, share: total ? round(neg / total, 6) : 0 };
  });
  const last = series[series.length - 1];
  const lastMonth = t.months[t.months.length - 1];
  if (!last || !lastMonth) return { latest: null, baseline: null, z: null, anomaly: false, series: [] };
  const trailing = series.slice(Math.max(0, series.length - 1 - p.trailingMonths), series.length - 1).map((x) => x.share);
  const baseline = mean(trailing) ?? 0;
  const z = zScore(last.share, trailing, binomialSe(baseline, t.monthTotals[lastMonth] ?? 0));
  return {
    latest: last.share,
    baseline: roundOrNull(z.baseline, 6),
    z: roundOrNull(z.z, 3),
    anomaly: z.z !== null && z.z >= p.anomalyZ && last.neg >= p.minVolume,
    series: series.map((x) => x.neg),
  };
}

/** 95% interval of the mean sentiment from its sum and sum of squares (aggregate/metrics.ts meanInterval). */
function sentimentInterval(s: CellSum): { low: number; high: number } {
  if (s.n < 2) return { low: -1, high: 1 };
  const m = s.ss / s.n;
  const sd = Math.sqrt(Math.max(0, (s.sq - s.n * m * m) / (s.n - 1)));
  const half = (Z95 * sd) / Math.sqrt(s.n);
  return { low: Math.max(-1, m - half), high: Math.min(1, m + half) };
}

export function cellOf(r: string, c: string, s: CellSum, t: Totals, cube: ReportCube, p: TrendParams): ReportCell {
  const w = wilsonInterval(s.k, s.n);
  const per100 = wilsonInterval(s.kd, t.documents);
  const si = sentimentInterval(s);
  const negativeRate = t.segments ? t.negative / t.segments : 0;
  return {
    r, c, mentions: s.n, docs: s.d, negative: s.k, negShare: round(s.k / s.n), wLow: round(w.low), wHigh: round(w.high),
    sentiment: round(s.ss / s.n), sLow: round(si.low), sHigh: round(si.high),
    pain: round(painIndex(s.k, s.n, negativeRate, p.priorStrength)),
    nps: roundOrNull(npsFromCounts(s.nps), 2),
    npsImpact: s.nps.total ? roundOrNull(npsImpact(t.nps, s.nps.detractors), 2) : null,
    // The cell's mean score and the previous run's pain are not in the cube: not shown when filtered.
    meanScore: null, scoreScale: null, prevPain: null,
    per100: t.documents ? round((100 * s.kd) / t.documents, 2) : 0,
    p100Low: round(100 * per100.low, 2),
    p100High: round(100 * per100.high, 2),
    emo: cube.emotions
      .map((id, i) => {
        const k = s.emo[i]!;
        const e = wilsonInterval(k, s.n);
        return { id, share: round(k / s.n), low: round(e.low), high: round(e.high), n: k };
      })
      .filter((e) => e.n > 0)
      .sort((a, b) => b.share - a.share || (a.id < b.id ? -1 : 1)),
    ...trendOf(s, t, p),
  };
}

/** Keys in the order of the full page, then any the full page lacks, by name. */
export function keep(keys: readonly ReportKey[], present: Set<string>): ReportKey[] {
  const known = new Set(keys.map((k) => k.key));
  return [...keys.filter((k) => present.has(k.key)), ...[...present].filter((k) => !known.has(k)).sort().map((k) => ({ key: k, label: k, depth: 0 }))];
}

export function recomputeMatrix(m: ReportMatrix, cube: ReportCube, on: boolean[], t: Totals, p: TrendParams): ReportMatrix {
  const cells: ReportCell[] = [];
  for (const [key, rows] of Object.entries(cube.cells[m.id] ?? {})) {
    const s = sumCell(cube, rows, on);
    if (!s) continue;
    const cut = key.lastIndexOf('|');
    const r = key.slice(0, cut);
    const c = key.slice(cut + 1);
    cells.push(cellOf(r, c, s, t, cube, p));
  }
  const rows = keep(m.rows, new Set(cells.map((c) => c.r)));
  const cols = keep(m.cols, new Set(cells.map((c) => c.c)));
  const ri = new Map(rows.map((k, i) => [k.key, i]));
  const ci = new Map(cols.map((k, i) => [k.key, i]));
  cells.sort((a, b) => ri.get(a.r)! - ri.get(b.r)! || ci.get(a.c)! - ci.get(b.c)!);
  return { ...m, rows, cols, cells };
}

export function keepQuotes(q: Record<string, ReportQuote[]>, on: boolean[]): Record<string, ReportQuote[]> {
  const out = Object.create(null) as Record<string, ReportQuote[]>;
  for (const [k, list] of Object.entries(q)) {
    const kept = list.filter((x) => x.g >= 0 && on[x.g]);
    if (kept.length) out[k] = kept;
  }
  return out;
}

export type { ReportData };
