/**
 * File exports: heatmaps as a wide matrix CSV, a tidy long CSV or JSON; evidence quotes as CSV or
 * JSON. Column definitions: docs/aggregation.md. The configured `exports:` list: exports-config.ts.
 */
import {
  EMOTION_PARTS,
  emotionMetric,
  METRICS,
  parseEmotionMetric,
  type AggregateConfig,
  type Dimension,
  type Metric,
} from '../config/aggregate.js';
import { UserError } from '../util/errors.js';
import type { Db } from '../store/db.js';
import type { MatrixResult } from '../aggregate/cells.js';
import { keyLabel } from '../aggregate/facts.js';
import type { FactFilter } from '../aggregate/facts.js';
import { queryMatrix } from '../aggregate/pipeline.js';
import { findQuotes, type QuoteQuery, type QuoteResult } from '../aggregate/query.js';
import type { ThemeIndex } from '../aggregate/themes.js';
import { toCsv, type CsvValue } from './csv.js';
import { metricValue } from './format.js';

export interface Table {
  header: string[];
  rows: CsvValue[][];
}

/** The matrix as rows x columns of one metric; empty cells are blank. */
export function wideTable(m: MatrixResult, index: ThemeIndex, metric: Metric): Table {
  const byKey = new Map(m.cells.map((c) => [`${c.rowKey}\u0000${c.colKey}`, c]));
  return {
    header: [m.spec.rows, 'label', ...m.colKeys],
    rows: m.rowKeys.map((row) => [
      row,
      keyLabel(m.spec.rows, row, index),
      ...m.colKeys.map((col) => {
        const c = byKey.get(`${row}\u0000${col}`);
        return c ? metricValue(c, metric) : null;
      }),
    ]),
  };
}

/** Every metric of a long export: the built-in ones, then per emotion its share, interval, count and z. */
export function allMetrics(emotions: readonly string[]): Metric[] {
  return [...METRICS, ...emotions.flatMap((e) => [emotionMetric(e), ...EMOTION_PARTS.map((p) => emotionMetric(e, p))])];
}

/** An emotion metric must name an emotion the data can have (the built-in ones, or one seen). */
export function checkMetric(metric: Metric | undefined, emotions: readonly string[]): void {
  const e = metric === undefined ? null : parseEmotionMetric(metric);
  if (e && !emotions.includes(e.emotion)) {
    throw new UserError(`--metric: unknown emotion "${e.emotion}"; known: ${emotions.join(', ')}`);
  }
}

export const LONG_HEADER = ['matrix', 'row_dim', 'row_key', 'row_label', 'col_dim', 'col_key', 'col_label', 'metric', 'value'];

/** Tidy: one row per cell and metric. */
export function longTable(m: MatrixResult, index: ThemeIndex, metrics: readonly Metric[]): Table {
  const rows: CsvValue[][] = [];
  for (const c of m.cells) {
    const head = [m.name, m.spec.rows, c.rowKey, keyLabel(m.spec.rows, c.rowKey, index), m.spec.cols, c.colKey, keyLabel(m.spec.cols, c.colKey, index)];
    for (const metric of metrics) rows.push([...head, metric, metricValue(c, metric)]);
  }
  return { header: LONG_HEADER, rows };
}

export function heatmapJson(m: MatrixResult, index: ThemeIndex, metric: Metric | undefined, filter: FactFilter): unknown {
  const label = (dim: Dimension, key: string): { key: string; label: string } => ({ key, label: keyLabel(dim, key, index) });
  return {
    rows: m.spec.rows,
    cols: m.spec.cols,
    metric: metric ?? null,
    filter,
    rowKeys: m.rowKeys.map((k) => label(m.spec.rows, k)),
    colKeys: m.colKeys.map((k) => label(m.spec.cols, k)),
    cells: m.cells.map((c) => ({
      row: c.rowKey,
      col: c.colKey,
      ...Object.fromEntries(METRICS.map((name) => [name, metricValue(c, name)])),
      score_scale: c.scoreScale,
      nps_docs: c.npsDocs,
      trend_month: c.trendMonth,
      trend_latest: c.trendLatest,
      trend_baseline: c.trendBaseline,
      anomaly: c.anomaly,
      series: c.series,
      emotions: c.emotions,
    })),
  };
}

export interface HeatmapExportOptions extends FactFilter {
  rows: Dimension;
  cols: Dimension;
  metric?: Metric | undefined;
  long: boolean;
  format: 'csv' | 'json';
  bom?: boolean;
}

/** Text of a heatmap export (CSV wide/long or JSON). */
export function heatmapExportText(db: Db, opts: HeatmapExportOptions, params: AggregateConfig): { text: string; rows: number } {
  const filter: FactFilter = { since: opts.since, until: opts.until, where: opts.where ?? {} };
  const m = queryMatrix(db, { rows: opts.rows, cols: opts.cols }, filter, params);
  checkMetric(opts.metric, m.scope.overall.emotions);
  if (opts.format === 'json') {
    return { text: `${JSON.stringify(heatmapJson(m, m.scope.index, opts.metric, filter), null, 2)}\n`, rows: m.cells.length };
  }
  const t = opts.long
    ? longTable(m, m.scope.index, opts.metric ? [opts.metric] : allMetrics(m.scope.overall.emotions))
    : wideTable(m, m.scope.index, opts.metric ?? 'pain');
  return { text: toCsv(t.header, t.rows, opts.bom), rows: t.rows.length };
}

export const QUOTE_HEADER = [
  'document_id', 'external_id', 'source', 'kind', 'locator', 'created_at', 'segment_id', 'char_start', 'char_end',
  'stage', 'touchpoint', 'themes', 'sentiment', 'sentiment_score', 'score', 'score_scale', 'emotions', 'text',
];

export function quoteRow(q: QuoteResult): CsvValue[] {
  return [
    q.documentId, q.externalId, q.source, q.kind, q.locator, q.createdAt, q.segmentId, q.charStart, q.charEnd, q.stage,
    q.touchpoint, q.themes.join(';'), q.sentiment, q.sentimentScore, q.score, q.scoreScale, q.emotions.join(';'), q.text,
  ];
}

export function quotesExportText(db: Db, q: QuoteQuery, format: 'csv' | 'json', bom = false): { text: string; rows: number } {
  const quotes = findQuotes(db, q);
  const text = format === 'json' ? `${JSON.stringify(quotes, null, 2)}\n` : toCsv(QUOTE_HEADER, quotes.map(quoteRow), bom);
  return { text, rows: quotes.length };
}
