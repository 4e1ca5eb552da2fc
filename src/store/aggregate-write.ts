/**
 * The aggregation stage's writer: one aggregate (run row, cells, emotion shares, quotes) in a single
 * transaction, pruning all but the newest `keep` aggregates. INSERT column lists come from the zod
 * schemas in aggregate-schemas.ts, so the stored shape is written once.
 */
import type { z } from 'zod';
import type { Db } from './db.js';
import {
  CellKey,
  CellMeasures,
  EmotionQuoteRecord,
  EmotionStat,
  QuoteRecord,
  columnOf,
  fieldsOf,
  type AggregateRunRecord,
  type CellRecord,
} from './aggregate-schemas.js';

type Scalar = string | number | null;

/** The INSERT of `fields` (after aggregate_id) into `table`, with a function giving a row's values. */
function inserter<T>(
  db: Db,
  table: string,
  fields: readonly string[],
  columns: readonly string[],
  value: (row: T, field: string) => Scalar,
): (aggregateId: number, row: T) => void {
  const stmt = db.prepare(
    `INSERT INTO ${table} (aggregate_id, ${columns.join(', ')}) VALUES (?${', ?'.repeat(columns.length)})`,
  );
  return (aggregateId, row) => {
    stmt.run(aggregateId, ...fields.map((f) => value(row, f)));
  };
}

function scalar(v: unknown): Scalar {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string' || v === null) return v;
  throw new TypeError(`not a scalar column value: ${JSON.stringify(v)}`);
}

const plain = (schema: z.ZodObject): { fields: string[]; columns: string[] } => {
  const fields = fieldsOf(schema);
  return { fields, columns: fields.map(columnOf) };
};

/** Emotion-share columns: the stat's low/high are the table's wilson_low/wilson_high. */
const EMOTION_COLUMN: Readonly<Record<string, string>> = { low: 'wilson_low', high: 'wilson_high' };

export interface EmotionRowIn {
  cell: CellRecord;
  emotion: string;
  stat: EmotionStat;
}

/**
 * Writes one aggregate (run row, cells, quotes) in a single transaction and prunes all but the
 * newest `keep` aggregates with theirs (cells and quotes cascade); returns its id.
 */
export function insertAggregate(
  db: Db,
  run: AggregateRunRecord,
  cells: readonly CellRecord[],
  quotes: readonly QuoteRecord[],
  keep = 3,
  emotionQuotes: readonly EmotionQuoteRecord[] = [],
): number {
  const prune = db.prepare(`DELETE FROM aggregate_runs WHERE id NOT IN (SELECT id FROM aggregate_runs ORDER BY id DESC LIMIT ?)`);
  const insRun = db.prepare(
    `INSERT INTO aggregate_runs (run_id, created_at, analysis_key, config_hash, params_json, segment_count,
       document_count, latest_month, overall_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const cellFields = [...fieldsOf(CellKey), ...fieldsOf(CellMeasures)];
  const insCell = inserter<CellRecord>(
    db,
    'cells',
    [...cellFields, 'series'],
    [...cellFields.map(columnOf), 'series_json'],
    (c, f) => (f === 'series' ? JSON.stringify(c.series) : scalar(c[f as keyof CellRecord])),
  );
  const keyFields = fieldsOf(CellKey);
  const statFields = fieldsOf(EmotionStat);
  const insEmotion = inserter<EmotionRowIn>(
    db,
    'cell_emotions',
    [...keyFields, 'emotion', ...statFields],
    [...keyFields.map(columnOf), 'emotion', ...statFields.map((f) => EMOTION_COLUMN[f] ?? columnOf(f))],
    (r, f) =>
      f === 'emotion'
        ? r.emotion
        : keyFields.includes(f)
          ? scalar(r.cell[f as keyof CellRecord])
          : scalar(r.stat[f as keyof EmotionStat]),
  );
  const q = plain(QuoteRecord);
  const insQuote = inserter<QuoteRecord>(db, 'cell_quotes', q.fields, q.columns, (r, f) => scalar(r[f as keyof QuoteRecord]));
  const eq = plain(EmotionQuoteRecord);
  const insEmotionQuote = inserter<EmotionQuoteRecord>(db, 'cell_emotion_quotes', eq.fields, eq.columns, (r, f) =>
    scalar(r[f as keyof EmotionQuoteRecord]),
  );
  return db.transaction(() => {
    const id = Number(
      insRun.run(
        run.runId,
        run.createdAt,
        run.analysisKey,
        run.configHash,
        JSON.stringify(run.params),
        run.segmentCount,
        run.documentCount,
        run.latestMonth,
        JSON.stringify(run.overall),
      ).lastInsertRowid,
    );
    for (const c of cells) {
      insCell(id, c);
      for (const [emotion, stat] of Object.entries(c.emotions)) insEmotion(id, { cell: c, emotion, stat });
    }
    for (const x of quotes) insQuote(id, x);
    for (const x of emotionQuotes) insEmotionQuote(id, x);
    prune.run(Math.max(1, keep));
    return id;
  })();
}

export function cellKey(matrix: string, row: string, col: string): string {
  return `${matrix}\u0000${row}\u0000${col}`;
}

/** pain_index per `matrix|row|col` of the latest aggregate, for trend_prev of the next one. */
export function previousPain(db: Db): Map<string, number> {
  const out = new Map<string, number>();
  const rows = db
    .prepare(
      `SELECT matrix, row_key, col_key, pain_index FROM cells
        WHERE aggregate_id = (SELECT max(id) FROM aggregate_runs)`,
    )
    .iterate() as IterableIterator<{ matrix: string; row_key: string; col_key: string; pain_index: number }>;
  for (const r of rows) out.set(cellKey(r.matrix, r.row_key, r.col_key), r.pain_index);
  return out;
}
