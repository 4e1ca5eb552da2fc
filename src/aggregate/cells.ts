/**
 * Computing the cells of a matrix (rows x columns of two dimensions) from prepared facts:
 * volume, negativity, pain, scores, NPS impact, monthly trend and evidence quotes.
 */
import type { AggregateConfig, MatrixSpec } from '../config/aggregate.js';
import { matrixName } from '../config/aggregate.js';
import type { CellRecord, EmotionQuoteRecord, QuoteRecord } from '../store/aggregate.js';
import { dimensionValues, orderKeys, type FactView, type Member } from './facts.js';
import {
  binomialSe,
  mean,
  meanInterval,
  npsCounts,
  npsFromCounts,
  npsImpact,
  painIndex,
  round,
  roundOrNull,
  wilsonInterval,
  zScore,
  type NpsCounts,
} from './metrics.js';
import { selectEmotionQuotes, selectQuotes } from './quotes.js';
import { emotionSet, emotionStats } from './emotions.js';
import type { ThemeIndex } from './themes.js';

export type Params = Pick<
  AggregateConfig,
  'minVolume' | 'anomalyZ' | 'trailingMonths' | 'quotesPerCell' | 'priorStrength' | 'stageOrder'
>;

/** Totals over all facts in scope: the baselines every cell is compared with. */
export interface Overall {
  segments: number;
  documents: number;
  negative: number;
  negativeRate: number;
  nps: number | null;
  npsCounts: NpsCounts;
  months: string[];
  monthTotals: Record<string, number>;
  latestMonth: string | null;
  /** Emotions every cell reports a share for: the built-in seven, then others seen, by name. */
  emotions: string[];
}

/** Score of each distinct document, once (a document has many segments). */
function documentScores(views: readonly FactView[]): Map<number, { score: number; scale: string }> {
  const out = new Map<number, { score: number; scale: string }>();
  for (const v of views) {
    const f = v.fact;
    if (f.score !== null && f.scoreScale !== null && !out.has(f.documentId)) {
      out.set(f.documentId, { score: f.score, scale: f.scoreScale });
    }
  }
  return out;
}

/**
 * Totals of the facts in scope. `npsScores` are the scores of every NPS respondent in scope (with
 * or without a comment); without them, the scores of the documents among the facts are used.
 */
export function computeOverall(views: readonly FactView[], npsScores?: readonly number[]): Overall {
  const negative = views.filter((v) => v.fact.sentiment === 'negative').length;
  const scores = npsScores ?? [...documentScores(views).values()].filter((s) => s.scale === 'nps').map((s) => s.score);
  const counts = npsCounts(scores);
  const monthTotals = Object.create(null) as Record<string, number>;
  for (const v of views) if (v.month) monthTotals[v.month] = (monthTotals[v.month] ?? 0) + 1;
  const months = Object.keys(monthTotals).sort();
  return {
    segments: views.length,
    documents: new Set(views.map((v) => v.fact.documentId)).size,
    negative,
    negativeRate: views.length ? negative / views.length : 0,
    nps: roundOrNull(npsFromCounts(counts), 2),
    npsCounts: counts,
    months,
    monthTotals,
    latestMonth: months.length ? months[months.length - 1]! : null,
    emotions: emotionSet(views.flatMap((v) => v.fact.emotions)),
  };
}


interface Bucket {
  row: string;
  col: string;
  members: Member[];
}

function themeScoreFor(view: FactView, spec: MatrixSpec, row: string, col: string): number {
  if (spec.rows === 'theme') return view.themes.get(row) ?? 0;
  if (spec.cols === 'theme') return view.themes.get(col) ?? 0;
  let best = 0;
  for (const s of view.themes.values()) best = Math.max(best, s);
  return best;
}

function bucketise(views: readonly FactView[], spec: MatrixSpec, index: ThemeIndex): Map<string, Bucket> {
  const buckets = new Map<string, Bucket>();
  for (const view of views) {
    const rows = dimensionValues(view, spec.rows, index);
    const cols = dimensionValues(view, spec.cols, index);
    for (const row of rows) {
      for (const col of cols) {
        const key = `${row}\u0000${col}`;
        let b = buckets.get(key);
        if (!b) buckets.set(key, (b = { row, col, members: [] }));
        b.members.push({ view, themeScore: themeScoreFor(view, spec, row, col) });
      }
    }
  }
  return buckets;
}

/** The most common scale among the cell's scored documents (ties: alphabetical, so nps before stars5). */
function scoreSummary(members: readonly Member[], overall: Overall): Pick<
  CellRecord,
  'meanScore' | 'scoreScale' | 'nps' | 'npsDocs' | 'npsImpact'
> {
  const docs = documentScores(members.map((m) => m.view));
  const byScale = new Map<string, number[]>();
  for (const { score, scale } of docs.values()) {
    const list = byScale.get(scale);
    if (list) list.push(score);
    else byScale.set(scale, [score]);
  }
  const scales = [...byScale.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const top = scales[0];
  const npsScores = byScale.get('nps') ?? [];
  const counts = npsCounts(npsScores);
  return {
    meanScore: top ? roundOrNull(mean(top[1]), 4) : null,
    scoreScale: top ? top[0] : null,
    nps: roundOrNull(npsFromCounts(counts), 2),
    npsDocs: counts.total,
    npsImpact: counts.total ? roundOrNull(npsImpact(overall.npsCounts, counts.detractors), 2) : null,
  };
}

type Trend = Pick<CellRecord, 'trendMonth' | 'trendLatest' | 'trendBaseline' | 'zScore' | 'anomaly' | 'series'>;

/**
 * Monthly series of the cell and the latest month against the trailing months. The share is the
 * cell's negative mentions over ALL analysed segments that month, so a month with more feedback
 * overall does not look like a spike.
 */
export function trendOf(members: readonly Member[], overall: Overall, params: Params): Trend {
  const mentions = Object.create(null) as Record<string, number>;
  const negative = Object.create(null) as Record<string, number>;
  for (const m of members) {
    const month = m.view.month;
    if (!month) continue;
    mentions[month] = (mentions[month] ?? 0) + 1;
    if (m.view.fact.sentiment === 'negative') negative[month] = (negative[month] ?? 0) + 1;
  }
  const series = overall.months.map((month) => {
    const total = overall.monthTotals[month] ?? 0;
    const neg = negative[month] ?? 0;
    return { month, mentions: mentions[month] ?? 0, negative: neg, share: total ? round(neg / total, 6) : 0 };
  });
  const latest = series[series.length - 1];
  if (!latest) return { trendMonth: null, trendLatest: null, trendBaseline: null, zScore: null, anomaly: false, series };
  const trailing = series.slice(Math.max(0, series.length - 1 - params.trailingMonths), series.length - 1);
  const latestTotal = overall.monthTotals[latest.month] ?? 0;
  const baseline = mean(trailing.map((s) => s.share)) ?? 0;
  const z = zScore(latest.share, trailing.map((s) => s.share), binomialSe(baseline, latestTotal));
  return {
    trendMonth: latest.month,
    trendLatest: latest.share,
    trendBaseline: roundOrNull(z.baseline, 6),
    zScore: roundOrNull(z.z, 3),
    anomaly: z.z !== null && z.z >= params.anomalyZ && latest.negative >= params.minVolume,
    series,
  };
}

export interface MatrixResult {
  spec: MatrixSpec;
  name: string;
  rowKeys: string[];
  colKeys: string[];
  cells: CellRecord[];
  quotes: QuoteRecord[];
  /** Quotes per emotion, for the journey matrices only (one column, `all`). */
  emotionQuotes: EmotionQuoteRecord[];
}

function cellOf(name: string, b: Bucket, overall: Overall, params: Params): CellRecord {
  const n = b.members.length;
  const neg = b.members.filter((m) => m.view.fact.sentiment === 'negative').length;
  const w = wilsonInterval(neg, n);
  const negDocs = new Set(b.members.filter((m) => m.view.fact.sentiment === 'negative').map((m) => m.view.fact.documentId)).size;
  const per100 = wilsonInterval(negDocs, overall.documents);
  const sentiments = b.members.map((m) => m.view.fact.sentimentScore);
  const si = meanInterval(sentiments);
  const emotions = emotionStats(
    b.members.map((m) => ({ emotions: m.view.fact.emotions, month: m.view.month })),
    overall.emotions,
    { trailingMonths: params.trailingMonths, latestMonth: overall.latestMonth },
  );
  return {
    matrix: name,
    rowKey: b.row,
    colKey: b.col,
    mentions: n,
    documents: new Set(b.members.map((m) => m.view.fact.documentId)).size,
    negative: neg,
    negativeShare: round(neg / n),
    wilsonLow: round(w.low),
    wilsonHigh: round(w.high),
    meanSentiment: round(mean(sentiments) ?? 0),
    sentimentLow: round(si.low),
    sentimentHigh: round(si.high),
    negDocs,
    negPer100: overall.documents ? round((100 * negDocs) / overall.documents, 2) : 0,
    negPer100Low: round(100 * per100.low, 2),
    negPer100High: round(100 * per100.high, 2),
    emotions,
    painIndex: round(painIndex(neg, n, overall.negativeRate, params.priorStrength)),
    ...scoreSummary(b.members, overall),
    trendPrev: null,
    ...trendOf(b.members, overall, params),
  };
}

/** All non-empty cells of one matrix, in display order, with their quotes. */
export function computeMatrix(
  views: readonly FactView[],
  spec: MatrixSpec,
  index: ThemeIndex,
  overall: Overall,
  params: Params,
): MatrixResult {
  const name = matrixName(spec);
  const buckets = bucketise(views, spec, index);
  const ctx = { index, stageOrder: params.stageOrder };
  const rowKeys = orderKeys(spec.rows, [...buckets.values()].map((b) => b.row), ctx);
  const colKeys = orderKeys(spec.cols, [...buckets.values()].map((b) => b.col), ctx);
  const cells: CellRecord[] = [];
  const quotes: QuoteRecord[] = [];
  const emotionQuotes: EmotionQuoteRecord[] = [];
  const journey = spec.cols === 'all' && (spec.rows === 'stage' || spec.rows === 'touchpoint');
  for (const row of rowKeys) {
    for (const col of colKeys) {
      const b = buckets.get(`${row}\u0000${col}`);
      if (!b) continue;
      const cell = cellOf(name, b, overall, params);
      cells.push(cell);
      quotes.push(...selectQuotes(b.members, cell, params.quotesPerCell));
      if (journey) emotionQuotes.push(...selectEmotionQuotes(b.members, cell, overall.emotions, params.quotesPerCell));
    }
  }
  return { spec, name, rowKeys, colKeys, cells, quotes, emotionQuotes };
}
