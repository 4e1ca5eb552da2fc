/**
 * The report's read side of a stored aggregate: the latest aggregate, its cells (with emotion
 * shares), quotes and emotion quotes, plus run and source metadata. Stored rows are parsed back
 * through the schemas of aggregate-schemas.ts, so a schema drift fails loudly here instead of
 * producing wrong numbers. Everything read here is bounded by the size of the aggregate (cells and
 * quotes), not by the number of segments.
 */
import { z } from 'zod';
import type { Db } from './db.js';
import {
  CellKey,
  CellMeasures,
  CellRecord,
  EmotionQuoteRecord,
  EmotionStat,
  QuoteRecord,
  SeriesPoint,
  columnOf,
  fieldsOf,
} from './aggregate-schemas.js';
import { cellKey } from './aggregate-write.js';

const AggregateRunRow = z.object({
  id: z.number().int(),
  run_id: z.number().int().nullable(),
  created_at: z.string(),
  analysis_key: z.string().nullable(),
  config_hash: z.string().nullable(),
  params_json: z.string(),
  segment_count: z.number().int(),
  document_count: z.number().int(),
  latest_month: z.string().nullable(),
  overall_json: z.string(),
});
export type AggregateRunRow = z.infer<typeof AggregateRunRow>;

export function latestAggregate(db: Db): AggregateRunRow | null {
  const row = db.prepare(`SELECT * FROM aggregate_runs ORDER BY id DESC LIMIT 1`).get();
  return row === undefined ? null : AggregateRunRow.parse(row);
}

/** Columns added by migration 005 are NULL on cells stored before it: read them as "no information". */
const LEGACY_DEFAULT: Readonly<Record<string, number>> = {
  sentimentLow: -1,
  sentimentHigh: 1,
  negPer100: 0,
  negPer100Low: 0,
  negPer100High: 100,
};

function fromColumns(row: Record<string, unknown>, fields: readonly string[], column = columnOf): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = row[column(f)] ?? LEGACY_DEFAULT[f] ?? row[column(f)];
  return out;
}

const EMOTION_COLUMN: Readonly<Record<string, string>> = { low: 'wilson_low', high: 'wilson_high' };
const emotionColumn = (f: string): string => EMOTION_COLUMN[f] ?? columnOf(f);
const SeriesJson = z.array(SeriesPoint);

/** The cells of an aggregate (of one matrix when `matrix` is given), with their emotion shares. */
export function readCells(db: Db, aggregateId: number, matrix?: string): CellRecord[] {
  const only = matrix === undefined ? '' : ' AND matrix = ?';
  const args: (number | string)[] = matrix === undefined ? [aggregateId] : [aggregateId, matrix];
  const emotions = new Map<string, Record<string, EmotionStat>>();
  const statFields = fieldsOf(EmotionStat);
  for (const raw of db
    .prepare(`SELECT * FROM cell_emotions WHERE aggregate_id = ?${only} ORDER BY matrix, row_key, col_key, emotion`)
    .iterate(...args) as IterableIterator<Record<string, unknown>>) {
    const key = cellKey(String(raw.matrix), String(raw.row_key), String(raw.col_key));
    let rec = emotions.get(key);
    if (!rec) emotions.set(key, (rec = Object.create(null) as Record<string, EmotionStat>));
    rec[String(raw.emotion)] = EmotionStat.parse(fromColumns(raw, statFields, emotionColumn));
  }
  const fields = [...fieldsOf(CellKey), ...fieldsOf(CellMeasures)];
  return (db.prepare(`SELECT * FROM cells WHERE aggregate_id = ?${only} ORDER BY matrix, row_key, col_key`).all(...args) as Record<string, unknown>[]).map(
    (raw) => {
      const rec = fromColumns(raw, fields);
      rec.anomaly = raw.anomaly === 1;
      rec.series = SeriesJson.parse(JSON.parse(String(raw.series_json)));
      rec.emotions =
        emotions.get(cellKey(String(raw.matrix), String(raw.row_key), String(raw.col_key))) ??
        (Object.create(null) as Record<string, EmotionStat>);
      return CellRecord.parse(rec);
    },
  );
}

/** Where a stored quote came from, joined from its document. */
const Provenance = z.object({
  external_id: z.string().nullable(),
  source_name: z.string(),
  locator: z.string(),
  created_at: z.string().nullable(),
});

/** A stored quote as the report reads it: snake_case columns, with its document's provenance. */
function storedSchema<S extends z.ZodObject>(record: S) {
  const shape: Record<string, z.ZodType> = {};
  for (const [f, t] of Object.entries(record.shape as Record<string, z.ZodType>)) shape[columnOf(f)] = t;
  return z.object(shape).merge(Provenance);
}

const StoredQuoteRow = z.object({
  matrix: z.string(),
  row_key: z.string(),
  col_key: z.string(),
  kind: QuoteRecord.shape.kind,
  rank: z.number().int(),
  segment_id: z.number().int(),
  document_id: z.number().int(),
  char_start: z.number().int(),
  char_end: z.number().int(),
  text: z.string(),
  sentiment_score: z.number(),
}).merge(Provenance);
export type StoredQuote = z.infer<typeof StoredQuoteRow>;

const StoredEmotionQuoteRow = StoredQuoteRow.omit({ kind: true }).extend({
  emotion: z.string(),
  emotion_score: z.number(),
});
export type StoredEmotionQuote = z.infer<typeof StoredEmotionQuoteRow>;

/** Guards the hand-listed snake_case rows above against drift from the record schemas. */
function assertSameColumns(a: z.ZodObject, b: z.ZodObject): void {
  const ka = Object.keys(a.shape).sort().join(',');
  const kb = Object.keys(b.shape).sort().join(',');
  if (ka !== kb) throw new Error(`stored quote columns drifted from the record schema: ${ka} vs ${kb}`);
}
assertSameColumns(StoredQuoteRow, storedSchema(QuoteRecord));
assertSameColumns(StoredEmotionQuoteRow, storedSchema(EmotionQuoteRecord));

export function readQuotes(db: Db, aggregateId: number): StoredQuote[] {
  return db
    .prepare(
      `SELECT q.matrix, q.row_key, q.col_key, q.kind, q.rank, q.segment_id, q.document_id, q.char_start,
              q.char_end, q.text, q.sentiment_score, d.external_id, d.source_name, d.locator, d.created_at
         FROM cell_quotes q JOIN documents d ON d.id = q.document_id
        WHERE q.aggregate_id = ? ORDER BY q.matrix, q.row_key, q.col_key, q.kind, q.rank`,
    )
    .all(aggregateId)
    .map((r) => StoredQuoteRow.parse(r));
}

export function readEmotionQuotes(db: Db, aggregateId: number): StoredEmotionQuote[] {
  return db
    .prepare(
      `SELECT q.matrix, q.row_key, q.col_key, q.emotion, q.rank, q.segment_id, q.document_id, q.char_start,
              q.char_end, q.text, q.sentiment_score, q.emotion_score, d.external_id, d.source_name, d.locator,
              d.created_at
         FROM cell_emotion_quotes q JOIN documents d ON d.id = q.document_id
        WHERE q.aggregate_id = ? ORDER BY q.matrix, q.row_key, q.col_key, q.emotion, q.rank`,
    )
    .all(aggregateId)
    .map((r) => StoredEmotionQuoteRow.parse(r));
}

/** The config hash recorded on a run row (null when the run is unknown). */
export function runConfigHash(db: Db, runId: number): string | null {
  const row = db.prepare(`SELECT config_hash FROM runs WHERE id = ?`).get(runId) as { config_hash: string | null } | undefined;
  return row?.config_hash ?? null;
}

const SourceSummary = z.object({
  source_name: z.string(),
  kind: z.string(),
  documents: z.number(),
  segments: z.number(),
  first: z.string().nullable(),
  last: z.string().nullable(),
});
export type SourceSummary = z.infer<typeof SourceSummary>;

/** Per source: documents and analysed segments, and the date span, for the report. */
export function sourceSummaries(db: Db): SourceSummary[] {
  return db
    .prepare(
      // Two grouped scans joined on (source, kind), not a count per document (1.2-1.7 s -> 1.0 s at 1M segments).
      `SELECT docs.source_name, docs.kind, docs.documents, COALESCE(segs.segments, 0) AS segments, docs.first, docs.last
         FROM (SELECT source_name, kind, count(*) AS documents, min(created_at) AS first, max(created_at) AS last
                 FROM documents GROUP BY source_name, kind) docs
         LEFT JOIN (SELECT d.source_name, d.kind, count(*) AS segments
                      FROM segments s JOIN segment_analysis a ON a.segment_id = s.id JOIN documents d ON d.id = s.document_id
                     WHERE s.analyse = 1 GROUP BY d.source_name, d.kind) segs
           ON segs.source_name = docs.source_name AND segs.kind = docs.kind
        ORDER BY docs.source_name, docs.kind`,
    )
    .all()
    .map((r) => SourceSummary.parse(r));
}

const ScoreSummary = z.object({ scale: z.string(), documents: z.number().int(), mean: z.number() });
export type ScoreSummary = z.infer<typeof ScoreSummary>;

/** Per score scale (except none): scored documents and their mean score, for naming scores by their scale. */
export function scoreSummaries(db: Db): ScoreSummary[] {
  return db
    .prepare(
      `SELECT score_scale AS scale, count(*) AS documents, avg(score) AS mean FROM documents
        WHERE score IS NOT NULL AND score_scale IS NOT NULL AND score_scale <> 'none'
        GROUP BY score_scale ORDER BY count(*) DESC, score_scale`,
    )
    .all()
    .map((r) => ScoreSummary.parse(r));
}

const AnalysisVersion = z.object({ analysis_key: z.string(), models_json: z.string(), created_at: z.string() });
export type AnalysisVersion = z.infer<typeof AnalysisVersion>;

export function analysisVersions(db: Db, keys: readonly string[]): AnalysisVersion[] {
  const stmt = db.prepare(`SELECT analysis_key, models_json, created_at FROM analysis_versions WHERE analysis_key = ?`);
  const out: AnalysisVersion[] = [];
  for (const k of keys) {
    const row = stmt.get(k);
    if (row !== undefined) out.push(AnalysisVersion.parse(row));
  }
  return out;
}
