/**
 * The page for a filter: overall figures, heatmaps, top pain points, spikes, the journey map and
 * the quotes, recomputed from the cube (recompute.ts) with the same selection rules as
 * src/report/data.ts. Pure (no DOM).
 */
import { mean, round, roundOrNull, wilsonInterval, zScore, binomialSe, npsFromCounts } from '../../aggregate/metrics.js';
import { themeNpsImpact } from '../nps-impact.js';
import { STAGE_EMOTION, type Highlight, type Journey, type JourneyEmotion, type JourneyStage, type ReportCell, type ReportData, type ReportMatrix } from '../model.js';
import { topUpAll } from './quote-filter.js';
import { activeGroups, cellOf, isEmpty, keepQuotes, recomputeMatrix, sumCell, totalsOf, type CellSum, type Filter, type Totals, type TrendParams } from './recompute.js';

const UNASSIGNED = 'unassigned';

function parentsOf(d: ReportData): Set<string> {
  return new Set(d.themes.map((t) => t.parent).filter((p): p is string => p !== null));
}

function labelOf(d: ReportData, theme: string | null): string | null {
  if (theme === null) return null;
  return d.themes.find((t) => t.key === theme)?.label ?? theme;
}

function highlight(d: ReportData, m: ReportMatrix, c: ReportCell, month: string | null): Highlight {
  const parent = m.rowDim === 'theme' ? (d.themes.find((t) => t.key === c.r)?.parent ?? null) : null;
  return {
    ...c, matrix: m.id, rowLabel: m.rows.find((k) => k.key === c.r)?.label ?? c.r, colLabel: m.cols.find((k) => k.key === c.c)?.label ?? c.c,
    parentLabel: labelOf(d, parent), month,
  };
}

const byPain = (a: ReportCell, b: ReportCell): number => b.pain - a.pain || (a.r + a.c < b.r + b.c ? -1 : 1);
/** The cards' order, as the server's (report/data.ts): negative per 100 documents, then pain index. */
const byPer100 = (a: ReportCell, b: ReportCell): number => b.per100 - a.per100 || byPain(a, b);

function rankable(m: ReportMatrix, c: ReportCell): boolean {
  if (c.c === UNASSIGNED || c.r === 'unknown') return false;
  return m.rowDim === 'theme' || c.r !== UNASSIGNED;
}

/** As aggregate/emotions.ts emotionStats, for one stage's counts. */
function emotionsOf(s: CellSum, emotions: readonly string[], latestMonth: string | null, trailingMonths: number): Record<string, JourneyEmotion> {
  const out = Object.create(null) as Record<string, JourneyEmotion>;
  const months = [...s.byMonth.keys()].sort();
  const latest = latestMonth !== null ? s.byMonth.get(latestMonth) : undefined;
  const trailing = months.filter((m) => latestMonth !== null && m < latestMonth).slice(-trailingMonths);
  emotions.forEach((e, i) => {
    const k = s.emo[i]!;
    const w = wilsonInterval(k, s.n);
    let tl: number | null = null;
    let tb: number | null = null;
    let z: number | null = null;
    if (latest && latest[0]! > 0) {
      tl = round(latest[2 + i]! / latest[0]!, 6);
      const shares = trailing.map((m) => {
        const x = s.byMonth.get(m)!;
        return x[2 + i]! / x[0]!;
      });
      tb = roundOrNull(mean(shares), 6);
      z = roundOrNull(zScore(tl, shares, binomialSe(tb ?? 0, latest[0]!)).z, 3);
    }
    out[e] = { share: s.n ? round(k / s.n) : 0, low: round(w.low), high: round(w.high), segments: k, z, latest: tl, baseline: tb };
  });
  return out;
}

function journeyOf(full: ReportData, on: boolean[], t: Totals, p: TrendParams, themeCells: ReportMatrix | undefined): Journey {
  const cube = full.cube;
  const order = full.journey.stages.map((s) => s.key);
  const rows = cube.cells.stage_all ?? {};
  const keys = Object.keys(rows).map((k) => k.slice(0, k.lastIndexOf('|')));
  const sorted = [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k)).sort()];
  const unassignedLast = [...sorted.filter((k) => k !== UNASSIGNED), ...sorted.filter((k) => k === UNASSIGNED)];
  const parents = parentsOf(full);
  const latestMonth = t.months[t.months.length - 1] ?? null;
  const stages: JourneyStage[] = [];
  for (const key of unassignedLast) {
    const s = sumCell(cube, rows[`${key}|all`] ?? [], on);
    if (!s) continue;
    const c = cellOf(key, 'all', s, t, cube, p);
    const em = emotionsOf(s, cube.emotions, latestMonth, p.trailingMonths);
    const dominant = Object.entries(em)
      .filter(([, x]) => x.segments > 0)
      .sort((a, b) => b[1].share - a[1].share || cube.emotions.indexOf(a[0]) - cube.emotions.indexOf(b[0]))
      .slice(0, 3)
      .map(([id]) => id);
    const pains = (themeCells?.cells ?? [])
      .filter((x) => x.c === key && x.r !== UNASSIGNED && !parents.has(x.r) && x.negative > 0)
      .sort((a, b) => b.per100 - a.per100 || b.pain - a.pain || (a.r < b.r ? -1 : 1))
      .slice(0, 3)
      .map((x) => {
        const parent = full.themes.find((th) => th.key === x.r)?.parent ?? null;
        return { theme: x.r, label: labelOf(full, x.r) ?? x.r, parentLabel: labelOf(full, parent), negPer100: x.per100, p100Low: x.p100Low, p100High: x.p100High, negative: x.negative, mentions: x.mentions };
      });
    stages.push({
      key, label: full.journey.stages.find((x) => x.key === key)?.label ?? key, unassigned: key === UNASSIGNED,
      mentions: c.mentions, docs: c.docs, negative: c.negative, negShare: c.negShare, sentiment: c.sentiment, sLow: c.sLow, sHigh: c.sHigh,
      negPer100: c.per100, p100Low: c.p100Low, p100High: c.p100High, emotions: em, dominant, pains,
    });
  }
  const assigned = stages.filter((s) => !s.unassigned);
  const meanPer100 = assigned.length ? assigned.reduce((n, s) => n + s.negPer100, 0) / assigned.length : 0;
  return {
    stages, emotions: full.journey.emotions, meanPer100: Math.round(meanPer100 * 100) / 100,
    quotes: topUpAll(keepQuotes(full.journey.quotes, on), cube, on, 'stage_all', (k) => k.slice(0, k.lastIndexOf('|'))),
    emotionQuotes: topUpAll(keepQuotes(full.journey.emotionQuotes, on), cube, on, STAGE_EMOTION, (k) => k),
  };
}

/** The page data for a filter; the embedded data itself when nothing is filtered. */
export function filteredView(full: ReportData, f: Filter): ReportData {
  if (isEmpty(f)) return full;
  const cube = full.cube;
  const on = activeGroups(cube, f);
  const t = totalsOf(cube, on);
  const p: TrendParams = full.params;
  const matrices = full.matrices.map((m) => recomputeMatrix(m, cube, on, t, p)).filter((m) => m.cells.length > 0);
  const latestMonth = t.months[t.months.length - 1] ?? null;
  const stageTheme = matrices.find((m) => m.id === 'stage_theme');
  const parents = parentsOf(full);
  const top = stageTheme
    ? stageTheme.cells.filter((c) => c.r !== UNASSIGNED && c.c !== UNASSIGNED && !parents.has(c.r) && c.negative > 0).sort(byPer100).slice(0, 12).map((c) => highlight(full, stageTheme, c, latestMonth))
    : [];
  const alerts = matrices
    .flatMap((m) => m.cells.filter((c) => c.anomaly && rankable(m, c)).map((c) => highlight(full, m, c, latestMonth)))
    .sort((a, b) => (b.z ?? 0) - (a.z ?? 0) || byPain(a, b));
  return {
    ...full,
    overall: {
      segments: t.segments, documents: t.documents, negativeRate: t.segments ? t.negative / t.segments : 0,
      nps: roundOrNull(npsFromCounts(t.nps), 2), npsResponses: t.nps.total, latestMonth, months: t.months,
    },
    // Mean ratings per scale are not in the cube: shown for the whole data only.
    scores: [],
    matrices,
    quotes: full.matrices.reduce((q, m) => topUpAll(q, cube, on, m.id, (k) => `${m.id}|${k}`), keepQuotes(full.quotes, on)),
    top,
    alerts,
    journey: journeyOf(full, on, t, p, stageTheme),
  };
}

export interface ThemeImpact {
  theme: string;
  label: string;
  parentLabel: string | null;
  /** NPS respondents who mention the theme. */
  respondents: number;
  nps: number | null;
  /** Overall NPS minus the NPS without them (Thematic/Kapiche). */
  impact: number;
  /** Points gained if its detractors became passives (aggregate/metrics.ts npsImpact). */
  detractorImpact: number | null;
}

/** Theme impact on NPS for the filter, worst first; empty without 0-10 likelihood-to-recommend responses. */
export function themeImpacts(full: ReportData, f: Filter): ThemeImpact[] {
  const cube = full.cube;
  const on = activeGroups(cube, f);
  const t = totalsOf(cube, on);
  if (t.nps.total === 0) return [];
  const out: ThemeImpact[] = [];
  for (const [key, rows] of Object.entries(cube.cells.theme_all ?? {})) {
    const theme = key.slice(0, key.lastIndexOf('|'));
    if (theme === UNASSIGNED) continue;
    const s = sumCell(cube, rows, on);
    if (!s || s.nps.total === 0) continue;
    const impact = themeNpsImpact(t.nps, s.nps);
    if (impact === null) continue;
    const c = cellOf(theme, 'all', s, t, cube, full.params);
    const parent = full.themes.find((x) => x.key === theme)?.parent ?? null;
    out.push({
      theme, label: labelOf(full, theme) ?? theme, parentLabel: labelOf(full, parent), respondents: s.nps.total,
      nps: c.nps, impact: round(impact, 2), detractorImpact: c.npsImpact,
    });
  }
  return out.sort((a, b) => a.impact - b.impact || (a.theme < b.theme ? -1 : 1));
}
