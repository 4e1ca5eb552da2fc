/**
 * SQL for the aggregation stage: reading segment facts, writing aggregate runs, cells and quotes,
 * and reading them back for queries and the report. Rows coming out of SQLite are validated with
 * zod so a schema drift in an earlier stage fails loudly here instead of producing wrong numbers.
 */
import { z } from 'zod';
import type { Db } from './db.js';

export interface EmotionStat {
  /** Segments in the cell showing the emotion. */
  segments: number;
  /** segments / cell mentions. */
  share: number;
  /** 95% Wilson interval of the share. */
  low: number;
  high: number;
  /** The share in the latest month (segments of the cell that month showing it / cell segments that month). */
  trendLatest: number | null;
  /** Mean of that share over the trailing months in which the cell had segments. */
  trendBaseline: number | null;
  zScore: number | null;
}


const AttrValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const FactRow = z.object({
  segment_id: z.number().int(),
  document_id: z.number().int(),
  external_id: z.string().nullable(),
  kind: z.string(),
  source_name: z.string(),
  locator: z.string(),
  created_at: z.string().nullable(),
  score: z.number().nullable(),
  score_scale: z.string().nullable(),
  channel: z.string().nullable(),
  attributes: z.string(),
  char_start: z.number().int(),
  char_end: z.number().int(),
  text: z.string(),
  sentiment: z.enum(['negative', 'neutral', 'positive']),
  sentiment_score: z.number(),
  p_negative: z.number(),
  stage: z.string(),
  touchpoint: z.string(),
  analysis_key: z.string(),
  themes_json: z.string(),
  emotions_json: z.string().nullable(),
});

const EmotionsJson = z.array(z.object({ emotion: z.string(), score: z.number() }));
const ThemesJson = z.array(z.object({ theme_id: z.string(), score: z.number() }));
const AttributesJson = z.record(z.string(), z.unknown());

/** One analysed segment with what aggregation needs from its document and analysis. */
export interface SegmentFact {
  segmentId: number;
  documentId: number;
  externalId: string | null;
  kind: string;
  sourceName: string;
  locator: string;
  createdAt: string | null;
  score: number | null;
  scoreScale: string | null;
  channel: string | null;
  attributes: Record<string, z.infer<typeof AttrValue>>;
  charStart: number;
  charEnd: number;
  text: string;
  sentiment: 'negative' | 'neutral' | 'positive';
  sentimentScore: number;
  pNegative: number;
  stage: string;
  touchpoint: string;
  analysisKey: string;
  /** Themes as tagged (leaf or parent ids), best first. Rollup happens in aggregate/themes.ts. */
  themes: { themeId: string; score: number }[];
  /** Emotions the analysis stored for the segment (score at or above its threshold), best first. */
  emotions: string[];
  /** Their scores, by emotion id. */
  emotionScores: Record<string, number>;
}

function emotionsOf(json: string | null): Pick<SegmentFact, 'emotions' | 'emotionScores'> {
  const list = EmotionsJson.parse(JSON.parse(json ?? '[]'));
  const emotionScores = Object.create(null) as Record<string, number>;
  for (const e of list) emotionScores[e.emotion] = e.score;
  return { emotions: list.map((e) => e.emotion), emotionScores };
}

function toFact(raw: unknown): SegmentFact {
  const r = FactRow.parse(raw);
  const attrs = AttributesJson.parse(JSON.parse(r.attributes));
  const attributes: SegmentFact['attributes'] = {};
  // Nested values are flattened to JSON text so every attribute is a comparable scalar.
  for (const [k, v] of Object.entries(attrs)) {
    const parsed = AttrValue.safeParse(v);
    attributes[k] = parsed.success ? parsed.data : JSON.stringify(v);
  }
  return {
    segmentId: r.segment_id,
    documentId: r.document_id,
    externalId: r.external_id,
    kind: r.kind,
    sourceName: r.source_name,
    locator: r.locator,
    createdAt: r.created_at,
    score: r.score,
    scoreScale: r.score_scale,
    channel: r.channel,
    attributes,
    charStart: r.char_start,
    charEnd: r.char_end,
    text: r.text,
    sentiment: r.sentiment,
    sentimentScore: r.sentiment_score,
    pNegative: r.p_negative,
    // A segment the analysis left unassigned (below the abstention threshold, or 'none') is its
    // own row or column, never spread across stages.
    stage: r.stage === 'unknown' ? 'unassigned' : r.stage,
    touchpoint: r.touchpoint === 'unknown' ? 'unassigned' : r.touchpoint,
    analysisKey: r.analysis_key,
    themes: ThemesJson.parse(JSON.parse(r.themes_json)).map((t) => ({ themeId: t.theme_id, score: t.score })),
    ...emotionsOf(r.emotions_json),
  };
}

/** Every analysed segment (segments.analyse = 1 with a segment_analysis row), in id order. */
export function loadFacts(db: Db): SegmentFact[] {
  const rows = db
    .prepare(
      `SELECT segment_id, document_id, external_id, kind, source_name, locator, created_at, score,
              score_scale, channel, attributes, char_start, char_end, text, sentiment, sentiment_score,
              p_negative, stage, touchpoint, analysis_key, themes_json, emotions_json
         FROM v_segment_facts ORDER BY segment_id`,
    )
    .all();
  return rows.map(toFact);
}

const NpsDocRow = z.object({
  id: z.number().int(),
  kind: z.string(),
  source_name: z.string(),
  channel: z.string().nullable(),
  created_at: z.string().nullable(),
  score: z.number(),
  attributes: z.string(),
});

/** A document with an NPS score, whether or not it has analysed text. */
export interface NpsDocument {
  documentId: number;
  kind: string;
  sourceName: string;
  channel: string | null;
  createdAt: string | null;
  score: number;
  attributes: Record<string, unknown>;
}

/**
 * Every NPS-scale document with a score, in id order. Overall NPS needs them all: a respondent who
 * gave a score but no comment still counts.
 */
export function loadNpsDocuments(db: Db): NpsDocument[] {
  return db
    .prepare(
      `SELECT id, kind, source_name, channel, created_at, score, attributes FROM documents
        WHERE score_scale = 'nps' AND score IS NOT NULL ORDER BY id`,
    )
    .all()
    .map((raw) => {
      const r = NpsDocRow.parse(raw);
      return {
        documentId: r.id, kind: r.kind, sourceName: r.source_name, channel: r.channel, createdAt: r.created_at,
        score: r.score, attributes: AttributesJson.parse(JSON.parse(r.attributes)),
      };
    });
}

const ThemeRow = z.object({ theme_id: z.string(), parent_id: z.string().nullable(), label: z.string() });
export type ThemeRow = z.infer<typeof ThemeRow>;

export function loadThemes(db: Db): ThemeRow[] {
  return db
    .prepare(`SELECT theme_id, parent_id, label FROM themes ORDER BY theme_id`)
    .all()
    .map((r) => ThemeRow.parse(r));
}

/* ----------------------------------------------------------------------------------------------
 * Writing an aggregate
 * -------------------------------------------------------------------------------------------- */

export interface CellRecord {
  matrix: string;
  rowKey: string;
  colKey: string;
  mentions: number;
  documents: number;
  negative: number;
  negativeShare: number;
  wilsonLow: number;
  wilsonHigh: number;
  meanSentiment: number;
  painIndex: number;
  meanScore: number | null;
  scoreScale: string | null;
  nps: number | null;
  npsDocs: number;
  npsImpact: number | null;
  trendPrev: number | null;
  trendMonth: string | null;
  trendLatest: number | null;
  trendBaseline: number | null;
  zScore: number | null;
  anomaly: boolean;
  series: { month: string; mentions: number; negative: number; share: number }[];
  /** 95% interval of meanSentiment: mean -/+ 1.96 sd / sqrt(n), clipped to [-1, 1]; [-1, 1] below 2 mentions. */
  sentimentLow: number;
  sentimentHigh: number;
  /** Documents with at least one negative mention in the cell. */
  negDocs: number;
  /** 100 x negDocs / all documents in scope, with its 95% Wilson interval (x 100). */
  negPer100: number;
  negPer100Low: number;
  negPer100High: number;
  /** Emotion id -> share of the cell's segments showing it (every emotion of the aggregate). */
  emotions: Record<string, EmotionStat>;
}

export interface QuoteRecord {
  matrix: string;
  rowKey: string;
  colKey: string;
  kind: 'typical' | 'negative';
  rank: number;
  segmentId: number;
  documentId: number;
  charStart: number;
  charEnd: number;
  text: string;
  sentimentScore: number;
}

/** A quote for one emotion of a journey cell. */
export interface EmotionQuoteRecord extends Omit<QuoteRecord, 'kind'> {
  emotion: string;
  emotionScore: number;
}

export interface AggregateRunRecord {
  runId: number | null;
  createdAt: string;
  analysisKey: string | null;
  configHash: string | null;
  params: unknown;
  segmentCount: number;
  documentCount: number;
  latestMonth: string | null;
  overall: unknown;
}

/**
 * Writes one aggregate (run row, cells, quotes) in a single transaction and prunes all but the
 * newest `keep` aggregates with theirs (cells and quotes cascade); returns its id.
 */
export function insertAggregate(
  db: Db,
  run: AggregateRunRecord,
  cells: CellRecord[],
  quotes: QuoteRecord[],
  keep = 3,
  emotionQuotes: readonly EmotionQuoteRecord[] = [],
): number {
  const prune = db.prepare(`DELETE FROM aggregate_runs WHERE id NOT IN (SELECT id FROM aggregate_runs ORDER BY id DESC LIMIT ?)`);
  const insRun = db.prepare(
    `INSERT INTO aggregate_runs (run_id, created_at, analysis_key, config_hash, params_json, segment_count,
       document_count, latest_month, overall_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insCell = db.prepare(
    `INSERT INTO cells (aggregate_id, matrix, row_key, col_key, mentions, documents, negative, negative_share,
       wilson_low, wilson_high, mean_sentiment, pain_index, mean_score, score_scale, nps, nps_docs, nps_impact,
       trend_prev, trend_month, trend_latest, trend_baseline, z_score, anomaly, series_json, sentiment_low,
       sentiment_high, neg_docs, neg_per_100, neg_per_100_low, neg_per_100_high)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insEmotion = db.prepare(
    `INSERT INTO cell_emotions (aggregate_id, matrix, row_key, col_key, emotion, segments, share, wilson_low,
       wilson_high, trend_latest, trend_baseline, z_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insQuote = db.prepare(
    `INSERT INTO cell_quotes (aggregate_id, matrix, row_key, col_key, kind, rank, segment_id, document_id,
       char_start, char_end, text, sentiment_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insEmotionQuote = db.prepare(
    `INSERT INTO cell_emotion_quotes (aggregate_id, matrix, row_key, col_key, emotion, rank, segment_id, document_id,
       char_start, char_end, text, sentiment_score, emotion_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      insCell.run(
        id, c.matrix, c.rowKey, c.colKey, c.mentions, c.documents, c.negative, c.negativeShare, c.wilsonLow,
        c.wilsonHigh, c.meanSentiment, c.painIndex, c.meanScore, c.scoreScale, c.nps, c.npsDocs, c.npsImpact,
        c.trendPrev, c.trendMonth, c.trendLatest, c.trendBaseline, c.zScore, c.anomaly ? 1 : 0,
        JSON.stringify(c.series), c.sentimentLow, c.sentimentHigh, c.negDocs, c.negPer100, c.negPer100Low,
        c.negPer100High,
      );
      for (const [emotion, e] of Object.entries(c.emotions)) {
        insEmotion.run(
          id, c.matrix, c.rowKey, c.colKey, emotion, e.segments, e.share, e.low, e.high, e.trendLatest,
          e.trendBaseline, e.zScore,
        );
      }
    }
    for (const q of quotes) {
      insQuote.run(
        id, q.matrix, q.rowKey, q.colKey, q.kind, q.rank, q.segmentId, q.documentId, q.charStart, q.charEnd,
        q.text, q.sentimentScore,
      );
    }
    for (const q of emotionQuotes) {
      insEmotionQuote.run(
        id, q.matrix, q.rowKey, q.colKey, q.emotion, q.rank, q.segmentId, q.documentId, q.charStart, q.charEnd,
        q.text, q.sentimentScore, q.emotionScore,
      );
    }
    prune.run(Math.max(1, keep));
    return id;
  })();
}

/* ----------------------------------------------------------------------------------------------
 * Reading aggregates back
 * -------------------------------------------------------------------------------------------- */

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

/** pain_index per `matrix|row|col` of the latest aggregate, for trend_prev of the next one. */
export function previousPain(db: Db): Map<string, number> {
  const latest = latestAggregate(db);
  const out = new Map<string, number>();
  if (!latest) return out;
  const rows = db
    .prepare(`SELECT matrix, row_key, col_key, pain_index FROM cells WHERE aggregate_id = ?`)
    .all(latest.id) as { matrix: string; row_key: string; col_key: string; pain_index: number }[];
  for (const r of rows) out.set(cellKey(r.matrix, r.row_key, r.col_key), r.pain_index);
  return out;
}

export function cellKey(matrix: string, row: string, col: string): string {
  return `${matrix}\u0000${row}\u0000${col}`;
}

const CellRow = z.object({
  matrix: z.string(),
  row_key: z.string(),
  col_key: z.string(),
  mentions: z.number(),
  documents: z.number(),
  negative: z.number(),
  negative_share: z.number(),
  wilson_low: z.number(),
  wilson_high: z.number(),
  mean_sentiment: z.number(),
  pain_index: z.number(),
  mean_score: z.number().nullable(),
  score_scale: z.string().nullable(),
  nps: z.number().nullable(),
  nps_docs: z.number(),
  nps_impact: z.number().nullable(),
  trend_prev: z.number().nullable(),
  trend_month: z.string().nullable(),
  trend_latest: z.number().nullable(),
  trend_baseline: z.number().nullable(),
  z_score: z.number().nullable(),
  anomaly: z.number(),
  series_json: z.string(),
  sentiment_low: z.number().nullable(),
  sentiment_high: z.number().nullable(),
  neg_docs: z.number(),
  neg_per_100: z.number().nullable(),
  neg_per_100_low: z.number().nullable(),
  neg_per_100_high: z.number().nullable(),
});
const EmotionRow = z.object({
  matrix: z.string(),
  row_key: z.string(),
  col_key: z.string(),
  emotion: z.string(),
  segments: z.number().int(),
  share: z.number(),
  wilson_low: z.number(),
  wilson_high: z.number(),
  trend_latest: z.number().nullable(),
  trend_baseline: z.number().nullable(),
  z_score: z.number().nullable(),
});
const Series = z.array(z.object({ month: z.string(), mentions: z.number(), negative: z.number(), share: z.number() }));

export function readCells(db: Db, aggregateId: number): CellRecord[] {
  const emotions = new Map<string, Record<string, EmotionStat>>();
  for (const raw of db.prepare(`SELECT * FROM cell_emotions WHERE aggregate_id = ? ORDER BY matrix, row_key, col_key, emotion`).all(aggregateId)) {
    const e = EmotionRow.parse(raw);
    const key = cellKey(e.matrix, e.row_key, e.col_key);
    let rec = emotions.get(key);
    if (!rec) emotions.set(key, (rec = Object.create(null) as Record<string, EmotionStat>));
    rec[e.emotion] = {
      segments: e.segments, share: e.share, low: e.wilson_low, high: e.wilson_high, trendLatest: e.trend_latest,
      trendBaseline: e.trend_baseline, zScore: e.z_score,
    };
  }
  return db
    .prepare(`SELECT * FROM cells WHERE aggregate_id = ? ORDER BY matrix, row_key, col_key`)
    .all(aggregateId)
    .map((raw) => {
      const r = CellRow.parse(raw);
      return {
        matrix: r.matrix, rowKey: r.row_key, colKey: r.col_key, mentions: r.mentions, documents: r.documents,
        negative: r.negative, negativeShare: r.negative_share, wilsonLow: r.wilson_low, wilsonHigh: r.wilson_high,
        meanSentiment: r.mean_sentiment, painIndex: r.pain_index, meanScore: r.mean_score, scoreScale: r.score_scale,
        nps: r.nps, npsDocs: r.nps_docs, npsImpact: r.nps_impact, trendPrev: r.trend_prev, trendMonth: r.trend_month,
        trendLatest: r.trend_latest, trendBaseline: r.trend_baseline, zScore: r.z_score, anomaly: r.anomaly === 1,
        series: Series.parse(JSON.parse(r.series_json)),
        sentimentLow: r.sentiment_low ?? -1, sentimentHigh: r.sentiment_high ?? 1, negDocs: r.neg_docs,
        negPer100: r.neg_per_100 ?? 0, negPer100Low: r.neg_per_100_low ?? 0, negPer100High: r.neg_per_100_high ?? 100,
        emotions: emotions.get(cellKey(r.matrix, r.row_key, r.col_key)) ?? (Object.create(null) as Record<string, EmotionStat>),
      };
    });
}

/** What every stored quote carries: its cell, rank, span, text and document. */
const QuoteBase = z.object({
  matrix: z.string(),
  row_key: z.string(),
  col_key: z.string(),
  rank: z.number().int(),
  segment_id: z.number().int(),
  document_id: z.number().int(),
  char_start: z.number().int(),
  char_end: z.number().int(),
  text: z.string(),
  sentiment_score: z.number(),
  external_id: z.string().nullable(),
  source_name: z.string(),
  locator: z.string(),
  created_at: z.string().nullable(),
});
const QuoteRow = QuoteBase.extend({ kind: z.enum(['typical', 'negative']) });
export type StoredQuote = z.infer<typeof QuoteRow>;

export function readQuotes(db: Db, aggregateId: number): StoredQuote[] {
  return db
    .prepare(
      `SELECT q.matrix, q.row_key, q.col_key, q.kind, q.rank, q.segment_id, q.document_id, q.char_start,
              q.char_end, q.text, q.sentiment_score, d.external_id, d.source_name, d.locator, d.created_at
         FROM cell_quotes q JOIN documents d ON d.id = q.document_id
        WHERE q.aggregate_id = ? ORDER BY q.matrix, q.row_key, q.col_key, q.kind, q.rank`,
    )
    .all(aggregateId)
    .map((r) => QuoteRow.parse(r));
}

const EmotionQuoteRow = QuoteBase.extend({ emotion: z.string(), emotion_score: z.number() });
export type StoredEmotionQuote = z.infer<typeof EmotionQuoteRow>;

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
    .map((r) => EmotionQuoteRow.parse(r));
}

/* ----------------------------------------------------------------------------------------------
 * Run bookkeeping and report metadata
 * -------------------------------------------------------------------------------------------- */

/** The config hash recorded on a run row (null when the run is unknown). */
export function runConfigHash(db: Db, runId: number): string | null {
  const row = db.prepare(`SELECT config_hash FROM runs WHERE id = ?`).get(runId) as { config_hash: string | null } | undefined;
  return row?.config_hash ?? null;
}

export interface SourceSummary {
  source_name: string;
  kind: string;
  documents: number;
  segments: number;
  first: string | null;
  last: string | null;
}

/** Per source: documents and analysed segments, and the date span, for the report. */
export function sourceSummaries(db: Db): SourceSummary[] {
  return db
    .prepare(
      `SELECT d.source_name, d.kind, count(DISTINCT d.id) AS documents,
              count(f.segment_id) AS segments, min(d.created_at) AS first, max(d.created_at) AS last
         FROM documents d LEFT JOIN v_segment_facts f ON f.document_id = d.id
        GROUP BY d.source_name, d.kind ORDER BY d.source_name, d.kind`,
    )
    .all()
    .map((r) =>
      z
        .object({
          source_name: z.string(),
          kind: z.string(),
          documents: z.number(),
          segments: z.number(),
          first: z.string().nullable(),
          last: z.string().nullable(),
        })
        .parse(r),
    );
}

export interface ScoreSummary {
  scale: string;
  documents: number;
  mean: number;
}

/** Per score scale (except none): scored documents and their mean score, for naming scores by their scale. */
export function scoreSummaries(db: Db): ScoreSummary[] {
  return db
    .prepare(
      `SELECT score_scale AS scale, count(*) AS documents, avg(score) AS mean FROM documents
        WHERE score IS NOT NULL AND score_scale IS NOT NULL AND score_scale <> 'none'
        GROUP BY score_scale ORDER BY count(*) DESC, score_scale`,
    )
    .all()
    .map((r) => z.object({ scale: z.string(), documents: z.number().int(), mean: z.number() }).parse(r));
}

export interface AnalysisVersion {
  analysis_key: string;
  models_json: string;
  created_at: string;
}

export function analysisVersions(db: Db, keys: readonly string[]): AnalysisVersion[] {
  const stmt = db.prepare(`SELECT analysis_key, models_json, created_at FROM analysis_versions WHERE analysis_key = ?`);
  const out: AnalysisVersion[] = [];
  for (const k of keys) {
    const row = stmt.get(k);
    if (row !== undefined) {
      out.push(z.object({ analysis_key: z.string(), models_json: z.string(), created_at: z.string() }).parse(row));
    }
  }
  return out;
}
