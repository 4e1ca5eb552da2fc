/**
 * The aggregation stage: read analysed segments, compute every configured matrix and store it as
 * a new aggregate. Also the on-the-fly queries (heatmap with filters) that use the same code.
 */
import type { PipelineConfig } from '../config/pipeline.js';
import {
  matricesOf,
  matrixName,
  type AggregateConfig,
  type MatrixSpec,
} from '../config/aggregate.js';
import type { Db } from '../store/db.js';
import { cellKey, insertAggregate, previousPain, runConfigHash, type CellRecord } from '../store/aggregate.js';
import { UserError } from '../util/errors.js';
import type { MatrixResult, Overall } from './cells.js';
import type { FactFilter } from './facts.js';
import { computeMatrices, type Scope } from './matrices.js';
import type { ThemeIndex } from './themes.js';
import { refreshFactBlocks } from '../store/fact-blocks.js';
import { generationBefore, isUnfiltered, recordSnapshot, storedMatrix } from './stored.js';

export type { Scope } from './matrices.js';
export type { MatrixResult } from './cells.js';

export interface AggregateSummary {
  aggregateId: number;
  runId: number;
  segments: number;
  documents: number;
  matrices: { name: string; rows: number; cols: number; cells: number }[];
  cells: number;
  quotes: number;
  latestMonth: string | null;
  overallNps: number | null;
  negativeRate: number;
  /**
   * The top 5 stage x theme pain points in the report's order (src/report/data.ts): leaf themes
   * with a negative mention, by negative mentions per 100 documents, then the pain index.
   */
  topPain: { stage: string; theme: string; negPer100: number; painIndex: number; mentions: number; negativeShare: number }[];
  anomalies: { matrix: string; row: string; col: string; zScore: number; month: string }[];
  /**
   * The analysis versions (analysis keys) behind the facts. More than one means a re-analysis with
   * other models or config was cut short: the aggregate mixes old and new results.
   */
  analysisKeys: string[];
}

/** A warning when the facts come from more than one analysis version (an unfinished re-analysis). */
export function mixedVersionsWarning(s: Pick<AggregateSummary, 'analysisKeys'>): string | null {
  if (s.analysisKeys.length <= 1) return null;
  return `Warning: these numbers mix ${s.analysisKeys.length} analysis versions (${s.analysisKeys.join(', ')}): a re-analysis with other models or config is unfinished. Run \`voc analyze\` to finish it, then aggregate again.`;
}

/**
 * Always stored besides the configured matrices: one row per stage and per touchpoint (column
 * `all`), for the journey map and per-stage / per-touchpoint emotion shares in SQL.
 */
export const JOURNEY_MATRICES: readonly MatrixSpec[] = [
  { rows: 'stage', cols: 'all' },
  { rows: 'touchpoint', cols: 'all' },
];

/** The configured matrices plus the journey ones, each once. */
export function storedMatrices(params: AggregateConfig): MatrixSpec[] {
  const out = matricesOf(params);
  const names = new Set(out.map(matrixName));
  for (const m of JOURNEY_MATRICES) if (!names.has(matrixName(m))) out.push(m);
  return out;
}

/**
 * One matrix for `voc heatmap`, without quotes: from the stored aggregate when the query is
 * unfiltered and the aggregate current (stored.ts), else from the fact blocks when they are
 * current and hold the dimensions and filters (sources.ts), else by streaming.
 */
export function queryMatrix(db: Db, spec: MatrixSpec, filter: FactFilter, params: AggregateConfig): MatrixResult & { scope: Scope } {
  if (isUnfiltered(filter)) {
    const stored = storedMatrix(db, spec, params, storedMatrices(params));
    if (stored) return stored;
  }
  const { results, scope } = computeMatrices(db, filter, params, [spec], { quotes: false });
  return { ...results[0]!, scope };
}

/** One matrix computed on the fly by streaming the facts, never from the blocks (the reference path). */
export function streamedMatrix(db: Db, spec: MatrixSpec, filter: FactFilter, params: AggregateConfig): MatrixResult & { scope: Scope } {
  const { results, scope } = computeMatrices(db, filter, params, [spec], { quotes: false, stream: true });
  return { ...results[0]!, scope };
}

function withPrevious(cells: CellRecord[], prev: Map<string, number>): CellRecord[] {
  return cells.map((c) => ({ ...c, trendPrev: prev.get(cellKey(c.matrix, c.rowKey, c.colKey)) ?? null }));
}

/**
 * Aggregates everything analysed so far into a new aggregate linked to `runId` (a runs row the
 * caller created). `now` is only recorded as the aggregate's creation time; no metric uses it.
 */
export function aggregatePipeline(
  db: Db,
  config: Pick<PipelineConfig, 'aggregate'>,
  runId: number,
  now: Date = new Date(),
): AggregateSummary {
  const params = config.aggregate;
  // The fact blocks serve this aggregate and the filtered queries that follow; refreshing them
  // rewrites only the blocks of segments changed since, and writes no table migration 008 watches.
  refreshFactBlocks(db);
  const gen = generationBefore(db);
  const { results, scope } = computeMatrices(db, {}, params, storedMatrices(params), { quotes: true });
  if (scope.overall.segments === 0) {
    throw new UserError('Nothing to aggregate: no analysed segments in the database. Run `voc analyze` first.');
  }
  const prev = previousPain(db);
  const cells = results.flatMap((r) => withPrevious(r.cells, prev));
  const quotes = results.flatMap((r) => r.quotes);
  const keys = scope.analysisKeys;
  const aggregateId = insertAggregate(
    db,
    {
      runId,
      createdAt: now.toISOString(),
      analysisKey: keys.join(','),
      configHash: runConfigHash(db, runId),
      params,
      segmentCount: scope.overall.segments,
      documentCount: scope.overall.documents,
      latestMonth: scope.overall.latestMonth,
      overall: {
        negativeRate: scope.overall.negativeRate,
        nps: scope.overall.nps,
        npsCounts: scope.overall.npsCounts,
        monthTotals: scope.overall.monthTotals,
        emotions: scope.overall.emotions,
      },
    },
    cells,
    quotes,
    params.keepRuns,
    results.flatMap((r) => r.emotionQuotes),
  );
  recordSnapshot(db, aggregateId, gen, scope);
  return { ...summarise(aggregateId, runId, scope.overall, scope.index, results, cells, quotes.length), analysisKeys: keys };
}

function summarise(
  aggregateId: number,
  runId: number,
  overall: Overall,
  index: ThemeIndex,
  results: MatrixResult[],
  cells: CellRecord[],
  quoteCount: number,
): Omit<AggregateSummary, 'analysisKeys'> {
  // Unassigned is a count to show, not a pain point to rank; a parent theme would repeat its children.
  const parents = new Set([...index.parentOf.values()].filter((p): p is string => p !== null));
  const stageTheme = cells.filter(
    (c) => c.matrix === 'stage_theme' && c.colKey !== 'unassigned' && c.rowKey !== 'unassigned' && !parents.has(c.colKey) && c.negPer100 > 0,
  );
  const topPain = [...stageTheme]
    .sort((a, b) => b.negPer100 - a.negPer100 || b.painIndex - a.painIndex || (a.rowKey + a.colKey < b.rowKey + b.colKey ? -1 : 1))
    .slice(0, 5)
    .map((c) => ({ stage: c.rowKey, theme: c.colKey, negPer100: c.negPer100, painIndex: c.painIndex, mentions: c.mentions, negativeShare: c.negativeShare }));
  const anomalies = cells
    .filter((c) => c.anomaly)
    .map((c) => ({ matrix: c.matrix, row: c.rowKey, col: c.colKey, zScore: c.zScore ?? 0, month: c.trendMonth ?? '' }))
    .sort((a, b) => b.zScore - a.zScore);
  return {
    aggregateId,
    runId,
    segments: overall.segments,
    documents: overall.documents,
    matrices: results.map((r) => ({ name: r.name, rows: r.rowKeys.length, cols: r.colKeys.length, cells: r.cells.length })),
    cells: cells.length,
    quotes: quoteCount,
    latestMonth: overall.latestMonth,
    overallNps: overall.nps,
    negativeRate: overall.negativeRate,
    topPain,
    anomalies,
  };
}
