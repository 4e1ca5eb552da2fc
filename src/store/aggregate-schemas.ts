/**
 * The shapes the aggregation stage stores, each written once as a zod schema with its type inferred.
 * The writer (aggregate-write.ts) derives its INSERT columns from these schemas and the reader
 * (aggregate-read.ts) parses stored rows back through them, so a field added here reaches SQL, the
 * queries and the report without a second hand-written copy. Column names are the snake_case of the
 * field names, except where COLUMN_OF says otherwise.
 */
import { z } from 'zod';

export const EmotionStat = z.object({
  /** Segments in the cell showing the emotion. */
  segments: z.number().int(),
  /** segments / cell mentions. */
  share: z.number(),
  /** 95% Wilson interval of the share. */
  low: z.number(),
  high: z.number(),
  /** The share in the latest month (segments of the cell that month showing it / cell segments that month). */
  trendLatest: z.number().nullable(),
  /** Mean of that share over the trailing months in which the cell had segments. */
  trendBaseline: z.number().nullable(),
  zScore: z.number().nullable(),
});
export type EmotionStat = z.infer<typeof EmotionStat>;

export const SeriesPoint = z.object({ month: z.string(), mentions: z.number(), negative: z.number(), share: z.number() });
export type SeriesPoint = z.infer<typeof SeriesPoint>;

/** A cell's place: which matrix, row and column. */
export const CellKey = z.object({ matrix: z.string(), rowKey: z.string(), colKey: z.string() });

/** The scalar measures of a cell: one `cells` column each. */
export const CellMeasures = z.object({
  mentions: z.number().int(),
  documents: z.number().int(),
  negative: z.number().int(),
  negativeShare: z.number(),
  wilsonLow: z.number(),
  wilsonHigh: z.number(),
  meanSentiment: z.number(),
  painIndex: z.number(),
  meanScore: z.number().nullable(),
  scoreScale: z.string().nullable(),
  nps: z.number().nullable(),
  npsDocs: z.number().int(),
  npsImpact: z.number().nullable(),
  trendPrev: z.number().nullable(),
  trendMonth: z.string().nullable(),
  trendLatest: z.number().nullable(),
  trendBaseline: z.number().nullable(),
  zScore: z.number().nullable(),
  /** Stored as 0/1. */
  anomaly: z.boolean(),
  /** 95% interval of meanSentiment: mean -/+ 1.96 sd / sqrt(n), clipped to [-1, 1]; [-1, 1] below 2 mentions. */
  sentimentLow: z.number(),
  sentimentHigh: z.number(),
  /** Documents with at least one negative mention in the cell. */
  negDocs: z.number().int(),
  /** 100 x negDocs / all documents in scope, with its 95% Wilson interval (x 100). */
  negPer100: z.number(),
  negPer100Low: z.number(),
  negPer100High: z.number(),
});

export const CellRecord = CellKey.merge(CellMeasures).extend({
  /** Stored as JSON in series_json. */
  series: z.array(SeriesPoint),
  /** Emotion id -> share of the cell's segments showing it (every emotion of the aggregate); table cell_emotions. */
  emotions: z.record(z.string(), EmotionStat),
});
export type CellRecord = z.infer<typeof CellRecord>;

/** What every stored quote carries: its cell, rank, span, text and document. */
export const QuoteBase = CellKey.extend({
  rank: z.number().int(),
  segmentId: z.number().int(),
  documentId: z.number().int(),
  charStart: z.number().int(),
  charEnd: z.number().int(),
  text: z.string(),
  sentimentScore: z.number(),
});
export const QuoteRecord = QuoteBase.extend({ kind: z.enum(['typical', 'negative']) });
export type QuoteRecord = z.infer<typeof QuoteRecord>;

/** A quote for one emotion of a journey cell. */
export const EmotionQuoteRecord = QuoteBase.extend({ emotion: z.string(), emotionScore: z.number() });
export type EmotionQuoteRecord = z.infer<typeof EmotionQuoteRecord>;

export const AggregateRunRecord = z.object({
  runId: z.number().int().nullable(),
  createdAt: z.string(),
  analysisKey: z.string().nullable(),
  configHash: z.string().nullable(),
  params: z.unknown(),
  segmentCount: z.number().int(),
  documentCount: z.number().int(),
  latestMonth: z.string().nullable(),
  overall: z.unknown(),
});
export type AggregateRunRecord = z.infer<typeof AggregateRunRecord>;

/** Field -> column where the column is not the field's snake_case. */
const COLUMN_OF: Readonly<Record<string, string>> = {
  negPer100: 'neg_per_100',
  negPer100Low: 'neg_per_100_low',
  negPer100High: 'neg_per_100_high',
  params: 'params_json',
  overall: 'overall_json',
};

export function columnOf(field: string): string {
  return COLUMN_OF[field] ?? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The field names of a zod object schema, in declaration order. */
export function fieldsOf(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}
