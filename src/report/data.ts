/**
 * The data behind the HTML report, read from the latest stored aggregate: heatmap cells, quotes,
 * the codeframe, sources and run metadata. Its shapes are in model.ts (shared with the browser
 * code); short property names keep the embedded JSON small.
 */
import { z } from 'zod';
import { parseAggregateConfig, type AggregateConfig, type Dimension } from '../config/aggregate.js';
import type { Db } from '../store/db.js';
import {
  analysisVersions,
  latestAggregate,
  loadThemes,
  readCells,
  readEmotionQuotes,
  readQuotes,
  scoreSummaries,
  sourceSummaries,
  type CellRecord,
  type StoredEmotionQuote,
  type StoredQuote,
} from '../store/aggregate.js';
import { describeScore, scaleName } from '../aggregate/scales.js';
import { emotionIsNegative, emotionLabel, emotionSet } from '../aggregate/emotions.js';
import { keyLabel, orderKeys } from '../aggregate/facts.js';
import { buildThemeIndex, humanise, themeLabel, UNASSIGNED, type ThemeIndex } from '../aggregate/themes.js';
import { UserError } from '../util/errors.js';
import { buildCube } from './cube.js';
import { coveredBy } from './cube-quotes.js';
import type { Highlight, Journey, JourneyEmotion, JourneyStage, ReportCell, ReportData, ReportKey, ReportMatrix, ReportQuote } from './model.js';

export type { Highlight, Journey, JourneyEmotion, JourneyStage, ReportCell, ReportData, ReportKey, ReportMatrix, ReportQuote } from './model.js';

const Overall = z.object({
  negativeRate: z.number(),
  nps: z.number().nullable(),
  npsCounts: z.object({ total: z.number() }),
  monthTotals: z.record(z.string(), z.number()),
});

function toReportCell(c: CellRecord, transpose: boolean): ReportCell {
  return {
    r: transpose ? c.colKey : c.rowKey,
    c: transpose ? c.rowKey : c.colKey,
    mentions: c.mentions,
    docs: c.documents,
    negative: c.negative,
    negShare: c.negativeShare,
    wLow: c.wilsonLow,
    wHigh: c.wilsonHigh,
    sentiment: c.meanSentiment,
    pain: c.painIndex,
    nps: c.nps,
    npsImpact: c.npsImpact,
    meanScore: c.meanScore,
    scoreScale: c.scoreScale,
    prevPain: c.trendPrev,
    z: c.zScore,
    anomaly: c.anomaly,
    latest: c.trendLatest,
    baseline: c.trendBaseline,
    series: c.series.map((s) => s.negative),
    per100: c.negPer100,
    p100Low: c.negPer100Low,
    p100High: c.negPer100High,
    sLow: c.sentimentLow,
    sHigh: c.sentimentHigh,
    emo: Object.entries(c.emotions)
      .filter(([, e]) => e.segments > 0)
      .sort((a, b) => b[1].share - a[1].share || (a[0] < b[0] ? -1 : 1))
      .map(([id, e]) => ({ id, share: e.share, low: e.low, high: e.high, n: e.segments })),
  };
}

interface MatrixDef {
  stored: string;
  title: string;
  rowDim: Dimension;
  colDim: Dimension;
  transpose: boolean;
}

/** Stored matrices shown as heatmaps, and how: stage x theme is shown theme rows x stage columns. */
const SHOWN: MatrixDef[] = [
  { stored: 'stage_theme', title: 'Themes across the journey', rowDim: 'theme', colDim: 'stage', transpose: true },
  { stored: 'stage_touchpoint', title: 'Touchpoints across the journey', rowDim: 'touchpoint', colDim: 'stage', transpose: true },
];

function buildMatrix(def: MatrixDef, cells: CellRecord[], index: ThemeIndex, params: AggregateConfig): ReportMatrix {
  const mine = cells.filter((c) => c.matrix === def.stored).map((c) => toReportCell(c, def.transpose));
  const ctx = { index, stageOrder: params.stageOrder };
  const key = (dim: Dimension) => (k: string): ReportKey => ({ key: k, label: keyLabel(dim, k, index), depth: dim === 'theme' ? (index.depthOf.get(k) ?? 0) : 0 });
  return {
    id: def.stored,
    title: def.title,
    rowDim: def.rowDim,
    colDim: def.colDim,
    rows: orderKeys(def.rowDim, mine.map((c) => c.r), ctx).map(key(def.rowDim)),
    cols: orderKeys(def.colDim, mine.map((c) => c.c), ctx).map(key(def.colDim)),
    cells: mine,
  };
}


/** The fixed heatmaps plus one per configured attribute (attr:<name> x stage, shown as stored). */
function shownMatrices(cells: CellRecord[]): MatrixDef[] {
  const names = [...new Set(cells.map((c) => c.matrix))];
  const attrs = names
    .filter((n) => /^attr:.+_stage$/.test(n))
    .sort()
    .map((n): MatrixDef => {
      const dim = n.slice(0, -'_stage'.length) as Dimension;
      return { stored: n, title: `${humanise(dim.slice(5))} across the journey`, rowDim: dim, colDim: 'stage', transpose: false };
    });
  return [...SHOWN, ...attrs].filter((d) => names.includes(d.stored));
}

function groupQuotes(quotes: StoredQuote[], shown: MatrixDef[]): Record<string, ReportQuote[]> {
  const out: Record<string, ReportQuote[]> = {};
  for (const def of shown) {
    for (const q of quotes.filter((x) => x.matrix === def.stored)) {
      const [r, c] = def.transpose ? [q.col_key, q.row_key] : [q.row_key, q.col_key];
      (out[`${def.stored}|${r}|${c}`] ??= []).push(quoteOf(q, q.kind));
    }
  }
  return out;
}

/** Per theme over all stages: each segment has one stage, so summing stage cells counts it once. */
function themeTotals(cells: CellRecord[], index: ThemeIndex): ReportData['themes'] {
  const totals = new Map<string, { mentions: number; negative: number; pain: number }>();
  for (const c of cells.filter((x) => x.matrix === 'stage_theme')) {
    const t = totals.get(c.colKey) ?? { mentions: 0, negative: 0, pain: 0 };
    t.mentions += c.mentions;
    t.negative += c.negative;
    t.pain = Math.max(t.pain, c.painIndex);
    totals.set(c.colKey, t);
  }
  const ids = [...index.order, ...[...totals.keys()].filter((k) => !index.parentOf.has(k)).sort()];
  return ids.map((id) => {
    const t = totals.get(id) ?? { mentions: 0, negative: 0, pain: 0 };
    return {
      key: id, label: themeLabel(id, index), depth: index.depthOf.get(id) ?? 0, parent: index.parentOf.get(id) ?? null,
      mentions: t.mentions, negShare: t.mentions ? t.negative / t.mentions : 0, pain: t.pain,
    };
  });
}

function modelSummary(json: string): string {
  try {
    const v = JSON.parse(json) as unknown;
    if (v && typeof v === 'object') {
      return Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}: ${typeof x === 'string' || typeof x === 'number' ? String(x) : JSON.stringify(x)}`)
        .join('; ')
        .slice(0, 600);
    }
  } catch {
    // fall through: show the raw text
  }
  return json.slice(0, 600);
}

function highlight(m: ReportMatrix, c: ReportCell, index: ThemeIndex, month: string | null): Highlight {
  const row = m.rows.find((k) => k.key === c.r);
  const col = m.cols.find((k) => k.key === c.c);
  const parent = m.rowDim === 'theme' ? (index.parentOf.get(c.r) ?? null) : null;
  return {
    ...c, matrix: m.id, rowLabel: row?.label ?? c.r, colLabel: col?.label ?? c.c,
    parentLabel: parent === null ? null : themeLabel(parent, index), month,
  };
}

const byPain = (a: ReportCell, b: ReportCell): number => b.pain - a.pain || (a.r + a.c < b.r + b.c ? -1 : 1);

/**
 * The cards' order: negative mentions per 100 documents (a document counts once per cell), then
 * the pain index. The pain index counts comments, so sources whose documents are long (complaint
 * narratives, about eight comments each) outweigh one-line complaints; on the four-source audit the
 * per-document order named three of the hand audit's pain points where the pain index named two
 * (docs/audit.md). The client's filtered view uses the same order (client/view.ts).
 */
const byPer100 = (a: ReportCell, b: ReportCell): number => b.per100 - a.per100 || byPain(a, b);

/** Leaf themes only, so "Delivery" does not crowd out the specific "Late first box" under it. */
function topPainPoints(matrices: ReportMatrix[], index: ThemeIndex, month: string | null, n: number): Highlight[] {
  const m = matrices.find((x) => x.id === 'stage_theme');
  if (!m) return [];
  const parents = new Set([...index.parentOf.values()].filter((p): p is string => p !== null));
  return m.cells
    .filter((c) => c.r !== UNASSIGNED && c.c !== UNASSIGNED && !parents.has(c.r) && c.negative > 0)
    .sort(byPer100)
    .slice(0, n)
    .map((c) => highlight(m, c, index, month));
}

/**
 * Unassigned stages and touchpoints (and unknown attribute values) are counts to show, not pain to
 * rank or alert on. Comments with no theme yet (the unassigned theme) still raise an alert: that
 * spike says the codeframe misses something.
 */
function rankable(m: ReportMatrix, c: ReportCell): boolean {
  if (c.c === UNASSIGNED || c.r === 'unknown') return false;
  return m.rowDim === 'theme' || c.r !== UNASSIGNED;
}

function alertsOf(matrices: ReportMatrix[], index: ThemeIndex, month: string | null): Highlight[] {
  return matrices
    .flatMap((m) => m.cells.filter((c) => c.anomaly && rankable(m, c)).map((c) => highlight(m, c, index, month)))
    .sort((a, b) => (b.z ?? 0) - (a.z ?? 0) || byPain(a, b));
}

function quoteOf(q: StoredQuote | StoredEmotionQuote, kind: ReportQuote['kind']): ReportQuote {
  return {
    kind, text: q.text, documentId: q.document_id, externalId: q.external_id, source: q.source_name,
    locator: q.locator, createdAt: q.created_at, charStart: q.char_start, charEnd: q.char_end, sentiment: q.sentiment_score, g: -1,
  };
}

/** Gives each quote its document's cube group (the filter keys). */
function stampGroups(groups: Record<string, ReportQuote[]>, docGroup: ReadonlyMap<number, number>): void {
  for (const list of Object.values(groups)) for (const q of list) q.g = docGroup.get(q.documentId) ?? -1;
}

/** The journey map: stages in codeframe order (unassigned last, apart), their numbers, emotions and worst themes. */
function buildJourney(
  cells: CellRecord[],
  quotes: StoredQuote[],
  emotionQuotes: StoredEmotionQuote[],
  index: ThemeIndex,
  params: AggregateConfig,
): Journey {
  const stageCells = cells.filter((c) => c.matrix === 'stage_all');
  const keys = orderKeys('stage', stageCells.map((c) => c.rowKey), { index, stageOrder: params.stageOrder });
  const emotions = emotionSet(stageCells.flatMap((c) => Object.keys(c.emotions)));
  const parents = new Set([...index.parentOf.values()].filter((p): p is string => p !== null));
  const stages = keys.map((key): JourneyStage => {
    const c = stageCells.find((x) => x.rowKey === key)!;
    const em = Object.create(null) as Record<string, JourneyEmotion>;
    for (const e of emotions) {
      const s = c.emotions[e];
      if (s) em[e] = { share: s.share, low: s.low, high: s.high, segments: s.segments, z: s.zScore, latest: s.trendLatest, baseline: s.trendBaseline };
    }
    const dominant = Object.entries(em)
      .filter(([, s]) => s.segments > 0)
      .sort((a, b) => b[1].share - a[1].share || emotions.indexOf(a[0]) - emotions.indexOf(b[0]))
      .slice(0, 3)
      .map(([id]) => id);
    const pains = cells
      .filter((x) => x.matrix === 'stage_theme' && x.rowKey === key && x.colKey !== UNASSIGNED && !parents.has(x.colKey) && x.negative > 0)
      .sort((a, b) => b.negPer100 - a.negPer100 || b.painIndex - a.painIndex || (a.colKey < b.colKey ? -1 : 1))
      .slice(0, 3)
      .map((x) => {
        const parent = index.parentOf.get(x.colKey) ?? null;
        return {
          theme: x.colKey, label: themeLabel(x.colKey, index), parentLabel: parent === null ? null : themeLabel(parent, index),
          negPer100: x.negPer100, p100Low: x.negPer100Low, p100High: x.negPer100High, negative: x.negative, mentions: x.mentions,
        };
      });
    return {
      key, label: keyLabel('stage', key, index), unassigned: key === UNASSIGNED, mentions: c.mentions, docs: c.documents,
      negative: c.negative, negShare: c.negativeShare, sentiment: c.meanSentiment, sLow: c.sentimentLow, sHigh: c.sentimentHigh,
      negPer100: c.negPer100, p100Low: c.negPer100Low, p100High: c.negPer100High, emotions: em, dominant, pains,
    };
  });
  const assigned = stages.filter((s) => !s.unassigned);
  const meanPer100 = assigned.length ? assigned.reduce((n, s) => n + s.negPer100, 0) / assigned.length : 0;
  const stageQuotes = Object.create(null) as Record<string, ReportQuote[]>;
  for (const q of quotes.filter((x) => x.matrix === 'stage_all')) (stageQuotes[q.row_key] ??= []).push(quoteOf(q, q.kind));
  const byEmotion = Object.create(null) as Record<string, ReportQuote[]>;
  for (const q of emotionQuotes.filter((x) => x.matrix === 'stage_all')) {
    (byEmotion[`${q.row_key}|${q.emotion}`] ??= []).push(quoteOf(q, q.sentiment_score < 0 ? 'negative' : 'typical'));
  }
  return {
    stages,
    emotions: emotions.map((id) => ({ id, label: emotionLabel(id), negative: emotionIsNegative(id) })),
    meanPer100: Math.round(meanPer100 * 100) / 100,
    quotes: stageQuotes,
    emotionQuotes: byEmotion,
  };
}

function scoresOf(db: Db): Pick<ReportData, 'scores' | 'scaleLabels'> {
  const list = scoreSummaries(db);
  const scaleLabels = Object.create(null) as Record<string, string>;
  for (const s of list) {
    const n = scaleName(s.scale);
    scaleLabels[s.scale] = `${n.name[0]!.toUpperCase()}${n.name.slice(1)} (${n.range})`;
  }
  return {
    // NPS itself is in overall; its mean likelihood is not shown as a second number.
    scores: list.filter((s) => s.scale !== 'nps').map((s) => ({ scale: s.scale, text: describeScore(s.mean, s.scale), documents: s.documents, unit: scaleName(s.scale).unit })),
    scaleLabels,
  };
}

export function buildReportData(db: Db, title: string, params?: AggregateConfig): ReportData {
  const agg = latestAggregate(db);
  if (!agg) throw new UserError('No aggregate in this database yet: run `voc aggregate` (or `voc run`) first.');
  const used = params ?? parseAggregateConfig(JSON.parse(agg.params_json));
  const index = buildThemeIndex(loadThemes(db));
  const cells = readCells(db, agg.id);
  const overall = Overall.parse(JSON.parse(agg.overall_json));
  const keys = (agg.analysis_key ?? '').split(',').filter(Boolean);
  const shown = shownMatrices(cells);
  const matrices = shown.map((d) => buildMatrix(d, cells, index, used));
  const quotes = readQuotes(db, agg.id);
  const emotionQuotes = readEmotionQuotes(db, agg.id);
  const wanted = new Set([...quotes, ...emotionQuotes].map((q) => q.document_id));
  const { cube, docGroup, pool } = buildCube(db, used, matrices.map((m) => m.id), wanted);
  const grouped = groupQuotes(quotes, shown);
  const journey = buildJourney(cells, quotes, emotionQuotes, index, used);
  for (const g of [grouped, journey.quotes, journey.emotionQuotes]) stampGroups(g, docGroup);
  Object.assign(cube, pool.build(db, coveredBy(grouped, journey.quotes, journey.emotionQuotes)));
  return {
    title,
    generatedAt: agg.created_at,
    aggregateId: agg.id,
    configHash: agg.config_hash,
    overall: {
      segments: agg.segment_count, documents: agg.document_count, negativeRate: overall.negativeRate, nps: overall.nps,
      npsResponses: overall.npsCounts.total, latestMonth: agg.latest_month, months: Object.keys(overall.monthTotals).sort(),
    },
    params: used,
    ...scoresOf(db),
    sources: sourceSummaries(db),
    models: analysisVersions(db, keys).map((v) => ({ key: v.analysis_key, createdAt: v.created_at, summary: modelSummary(v.models_json) })),
    themes: themeTotals(cells, index).filter((t) => t.mentions > 0 || t.key !== UNASSIGNED),
    matrices,
    quotes: grouped,
    top: topPainPoints(matrices, index, agg.latest_month, 12),
    alerts: alertsOf(matrices, index, agg.latest_month),
    journey,
    cube,
  };
}
