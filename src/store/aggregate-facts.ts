/**
 * The aggregation stage's read model: analysed segments streamed from SQLite with every filter
 * pushed into the WHERE clause, without their text. Aggregation and queries fold this stream into
 * per-cell counters (src/aggregate/accumulate.ts), so memory is bounded by the number of cells and
 * never by the number of segments; text is read afterwards only for the quote candidates kept
 * (`segmentTexts`).
 *
 * Rows are ordered by document (then position), so "distinct documents per cell" is counted with one
 * "last document seen" number per cell instead of a set of ids. Two SQL functions keep the SQL
 * filters identical to the JavaScript rules they replace: voc_attr (an attribute as the comparable
 * string aggregation uses) and voc_short (a segment too short to be good evidence).
 */
import { z } from 'zod';
import type { Db } from './db.js';
import { dateRange, segmentCondition, type Compiled, type SegmentScope } from './scope-sql.js';

export const UNKNOWN = 'unknown';
/** Segments shorter than this (trimmed, in UTF-16 units) are poor evidence ("ok.", "Yes"). */
export const MIN_QUOTE_CHARS = 25;

export type { Condition, SegmentScope } from './scope-sql.js';

/** An attribute value as aggregation compares it: scalars as text, nested values as JSON, missing as unknown. */
export function attributeKey(v: unknown): string {
  if (v === undefined || v === null || v === '') return UNKNOWN;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** An attribute's key in a document's attributes: only the document's own keys count ("constructor" is no attribute of `{}`). */
export function attributeOf(attributes: Readonly<Record<string, unknown>>, name: string): string {
  return attributeKey(Object.prototype.hasOwnProperty.call(attributes, name) ? attributes[name] : undefined);
}

const AttributesJson = z.record(z.string(), z.unknown());
/** No attributes, without a prototype: `constructor` is not one of them. */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

/** A document's stored attributes JSON as aggregation compares them: name -> attributeKey of the value. */
export function attributeKeys(json: string | null): Readonly<Record<string, string>> {
  if (json === null) return NO_ATTRIBUTES;
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(AttributesJson.parse(JSON.parse(json)))) out[k] = attributeKey(v);
  return out;
}

const registered = new WeakSet<Db>();

/** Registers voc_attr and voc_short on a connection (once). */
export function registerFunctions(db: Db): void {
  if (registered.has(db)) return;
  db.function('voc_attr', { deterministic: true }, (json: unknown, name: unknown) => {
    return attributeOf(JSON.parse(String(json)) as Record<string, unknown>, String(name));
  });
  db.function('voc_short', { deterministic: true }, (text: unknown) =>
    String(text).trim().length < MIN_QUOTE_CHARS ? 1 : 0,
  );
  registered.add(db);
}

export const STAGE = `(CASE WHEN a.stage IS NULL OR a.stage = '${UNKNOWN}' THEN 'unassigned' ELSE a.stage END)`;
export const TOUCHPOINT = `(CASE WHEN a.touchpoint IS NULL OR a.touchpoint = '${UNKNOWN}' THEN 'unassigned' ELSE a.touchpoint END)`;
/** YYYY-MM of an ISO-like date, else unknown (as monthOf in src/aggregate/facts.ts). */
export const MONTH = `(CASE WHEN d.created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' THEN substr(d.created_at, 1, 7) ELSE '${UNKNOWN}' END)`;
const DOC_FIELD: Readonly<Record<string, string>> = {
  channel: `COALESCE(d.channel, '${UNKNOWN}')`,
  kind: 'd.kind',
  source: 'd.source_name',
  month: MONTH,
};
const SEGMENT_FIELD: Readonly<Record<string, string>> = { stage: STAGE, touchpoint: TOUCHPOINT, sentiment: 'a.sentiment' };


/** WHERE terms (each starting with AND) for segments s, documents d and analyses a. */
export function segmentWhere(scope: SegmentScope): Compiled {
  const out: Compiled = { sql: '', params: [] };
  dateRange(scope, out, 'd');
  for (const c of scope.conditions) {
    if (c.field === 'attr') {
      out.sql += ` AND voc_attr(d.attributes, ?) = ?`;
      out.params.push(c.name, c.value);
    } else if ('value' in c) {
      out.sql += ` AND ${DOC_FIELD[c.field] ?? SEGMENT_FIELD[c.field]} = ?`;
      out.params.push(c.value);
    } else {
      segmentCondition(c, 's.id', out);
    }
  }
  return out;
}

/**
 * The same scope applied to documents alone: dates and document fields. Segment-level conditions
 * (stage, touchpoint, theme, sentiment, emotion) do not narrow documents, so overall NPS stays the
 * NPS of all respondents in the period and segment.
 */
function documentWhere(scope: SegmentScope): Compiled {
  const out: Compiled = { sql: '', params: [] };
  dateRange(scope, out, 'd');
  for (const c of scope.conditions) {
    if (c.field === 'attr') {
      out.sql += ` AND voc_attr(d.attributes, ?) = ?`;
      out.params.push(c.name, c.value);
    } else if (c.field in DOC_FIELD && 'value' in c) {
      out.sql += ` AND ${DOC_FIELD[c.field]} = ?`;
      out.params.push(c.value);
    }
  }
  return out;
}

const SegmentRow = z.object({
  segment_id: z.number().int(),
  document_id: z.number().int(),
  char_start: z.number().int(),
  char_end: z.number().int(),
  sentiment: z.enum(['negative', 'neutral', 'positive']),
  sentiment_score: z.number(),
  p_negative: z.number(),
  stage: z.string(),
  touchpoint: z.string(),
  themes_json: z.string(),
  emotions_json: z.string(),
  short: z.number().int(),
});
const DocumentRow = z.object({
  id: z.number().int(),
  external_id: z.string().nullable(),
  kind: z.string(),
  source_name: z.string(),
  locator: z.string(),
  created_at: z.string().nullable(),
  score: z.number().nullable(),
  score_scale: z.string().nullable(),
  channel: z.string().nullable(),
  attributes: z.string().nullable(),
});
const ThemesJson = z.array(z.tuple([z.string(), z.number()]));
const EmotionsJson = z.array(z.tuple([z.string(), z.number()]));

/** The document fields of a fact: read once per document, shared by its segments. */
export interface FactDocument {
  documentId: number;
  externalId: string | null;
  kind: string;
  sourceName: string;
  locator: string;
  createdAt: string | null;
  score: number | null;
  scoreScale: string | null;
  channel: string | null;
  /** Attribute -> comparable string (attributeKey); empty unless the stream was asked for attributes. */
  attributes: Readonly<Record<string, string>>;
}

/** One analysed segment with what aggregation needs from its document and analysis, without its text. */
export interface SegmentFact extends FactDocument {
  segmentId: number;
  charStart: number;
  charEnd: number;
  sentiment: 'negative' | 'neutral' | 'positive';
  sentimentScore: number;
  pNegative: number;
  /** 'unassigned' when the analysis left it unknown: its own row, never spread across stages. */
  stage: string;
  touchpoint: string;
  /** Themes as tagged (leaf or parent ids), best first. Rollup happens in aggregate/themes.ts. */
  themes: { themeId: string; score: number }[];
  /** Emotions the analysis stored for the segment (score at or above its threshold), best first. */
  emotions: string[];
  /** Their scores, by emotion id. */
  emotionScores: Readonly<Record<string, number>>;
  /** Shorter than MIN_QUOTE_CHARS once trimmed (false unless the stream was asked for it). */
  short: boolean;
}

function toDocument(raw: unknown): FactDocument {
  const r = DocumentRow.parse(raw);
  const attributes = attributeKeys(r.attributes);
  return {
    documentId: r.id, externalId: r.external_id, kind: r.kind, sourceName: r.source_name, locator: r.locator,
    createdAt: r.created_at, score: r.score, scoreScale: r.score_scale, channel: r.channel, attributes,
  };
}

/**
 * Tags best first, ties by id. Sorted here rather than by ORDER BY in the per-segment subqueries,
 * which made SQLite build a temporary B-tree for every segment.
 */
function bestFirst(list: [string, number][]): [string, number][] {
  if (list.length > 1) list.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return list;
}

function toFact(raw: unknown, doc: FactDocument): SegmentFact {
  const r = SegmentRow.parse(raw);
  const emotionScores = Object.create(null) as Record<string, number>;
  const emotions: string[] = [];
  for (const [e, score] of bestFirst(EmotionsJson.parse(JSON.parse(r.emotions_json)))) {
    emotions.push(e);
    emotionScores[e] = score;
  }
  return {
    documentId: doc.documentId, externalId: doc.externalId, kind: doc.kind, sourceName: doc.sourceName,
    locator: doc.locator, createdAt: doc.createdAt, score: doc.score, scoreScale: doc.scoreScale, channel: doc.channel,
    attributes: doc.attributes, segmentId: r.segment_id, charStart: r.char_start, charEnd: r.char_end, sentiment: r.sentiment,
    sentimentScore: r.sentiment_score, pNegative: r.p_negative, stage: r.stage, touchpoint: r.touchpoint,
    themes: bestFirst(ThemesJson.parse(JSON.parse(r.themes_json))).map(([themeId, score]) => ({ themeId, score })),
    emotions, emotionScores, short: r.short === 1,
  };
}

const RESEEK = 64;

export interface StreamOptions {
  /** Parse document attributes (needed for attr: dimensions). */
  attributes?: boolean;
  /** Compute `short` (reads each segment's text inside SQLite; needed for quote candidates). */
  short?: boolean;
}

/**
 * Every analysed segment in scope (segments.analyse = 1 with a segment_analysis row), ordered by
 * document then position, as a lazy stream: one row in memory at a time.
 */
export function* streamFacts(db: Db, scope: SegmentScope, options: StreamOptions = {}): Generator<SegmentFact> {
  registerFunctions(db);
  const where = segmentWhere(scope);
  const segments = db.prepare(
    `SELECT s.id AS segment_id, s.document_id, s.char_start, s.char_end, a.sentiment, a.sentiment_score, a.p_negative,
            ${STAGE} AS stage, ${TOUCHPOINT} AS touchpoint,
            (SELECT json_group_array(json_array(theme_id, score)) FROM segment_themes t WHERE t.segment_id = s.id) AS themes_json,
            (SELECT json_group_array(json_array(emotion, score)) FROM segment_emotions e WHERE e.segment_id = s.id) AS emotions_json,
            ${options.short ? 'voc_short(s.text)' : '0'} AS short
       FROM segments s JOIN documents d ON d.id = s.document_id JOIN segment_analysis a ON a.segment_id = s.id
      WHERE s.analyse = 1${where.sql}
      ORDER BY s.document_id, s.idx`,
  );
  // Document fields come from a second cursor over documents in id order, merged with the segments
  // (both ordered by document id): one document row per document instead of one per segment. It
  // starts at the first segment's document and seeks again across gaps of more than RESEEK
  // documents, so a narrow scope (a few quotes) does not walk every document in between.
  const documentsFrom = db.prepare(
    `SELECT id, external_id, kind, source_name, locator, created_at, score, score_scale, channel,
            ${options.attributes ? 'attributes' : 'NULL AS attributes'}
       FROM documents WHERE id >= ? ORDER BY id`,
  );
  let documents: IterableIterator<{ id: number }> | null = null;
  let doc: FactDocument | null = null;
  try {
    for (const raw of segments.iterate(...where.params) as IterableIterator<{ document_id: number }>) {
      if (documents === null || (doc !== null && raw.document_id - doc.documentId > RESEEK)) {
        documents?.return?.();
        documents = documentsFrom.iterate(raw.document_id) as IterableIterator<{ id: number }>;
      }
      while (doc === null || doc.documentId < raw.document_id) {
        const next = documents.next();
        if (next.done) throw new Error(`segment of document ${raw.document_id} has no document row`);
        if (next.value.id >= raw.document_id) doc = toDocument(next.value);
      }
      yield toFact(raw, doc);
    }
  } finally {
    documents?.return?.();
  }
}

/** The analysis versions (analysis keys) of the segments in scope, sorted. */
export function analysisKeysInScope(db: Db, scope: SegmentScope): string[] {
  registerFunctions(db);
  const where = segmentWhere(scope);
  return db
    .prepare(
      `SELECT DISTINCT a.analysis_key FROM segments s JOIN documents d ON d.id = s.document_id
         JOIN segment_analysis a ON a.segment_id = s.id WHERE s.analyse = 1${where.sql} ORDER BY a.analysis_key`,
    )
    .pluck()
    .all(...where.params)
    .map((k) => z.string().parse(k));
}

export const NpsCounts = z.object({
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  total: z.number().int(),
});
export type NpsCounts = z.infer<typeof NpsCounts>;

/**
 * NPS buckets (detractor 0-6, passive 7-8, promoter 9-10) of every NPS-scale document with a score
 * in scope, whether or not it has analysed text: a respondent who gave a score but no comment counts.
 */
export function npsCountsInScope(db: Db, scope: SegmentScope): NpsCounts {
  registerFunctions(db);
  const where = documentWhere(scope);
  const row = db
    .prepare(
      `SELECT COALESCE(sum(score >= 9), 0) AS promoters, COALESCE(sum(score >= 7 AND score < 9), 0) AS passives,
              COALESCE(sum(score < 7), 0) AS detractors, count(*) AS total
         FROM documents d WHERE d.score_scale = 'nps' AND d.score IS NOT NULL${where.sql}`,
    )
    .get(...where.params);
  return NpsCounts.parse(row);
}

/** Distinct emotions stored for the segments in scope. */
export function emotionsInScope(db: Db, scope: SegmentScope): string[] {
  registerFunctions(db);
  const where = segmentWhere(scope);
  return db
    .prepare(
      `SELECT DISTINCT e.emotion FROM segment_emotions e JOIN segments s ON s.id = e.segment_id
         JOIN documents d ON d.id = s.document_id JOIN segment_analysis a ON a.segment_id = s.id
        WHERE s.analyse = 1${where.sql} ORDER BY e.emotion`,
    )
    .pluck()
    .all(...where.params)
    .map((e) => z.string().parse(e));
}

/** Whether any analysed segment in scope exists. */
export function anyInScope(db: Db, scope: SegmentScope): boolean {
  registerFunctions(db);
  const where = segmentWhere(scope);
  return (
    db
      .prepare(
        `SELECT 1 FROM segments s JOIN documents d ON d.id = s.document_id JOIN segment_analysis a ON a.segment_id = s.id
          WHERE s.analyse = 1${where.sql} LIMIT 1`,
      )
      .get(...where.params) !== undefined
  );
}

const TextRow = z.object({ id: z.number().int(), text: z.string() });

/** The rows of `sql` (its `IN (?)` expanded) for the distinct ids, read in batches of 500. */
function rowsByIds(db: Db, sql: string, ids: Iterable<number>): unknown[] {
  const all = [...new Set(ids)];
  const out: unknown[] = [];
  for (let i = 0; i < all.length; i += 500) {
    const batch = all.slice(i, i + 500);
    out.push(...db.prepare(sql.replace('IN (?)', `IN (${batch.map(() => '?').join(', ')})`)).all(...batch));
  }
  return out;
}

/** The text of the given segments (the quote candidates), read in batches. */
export function segmentTexts(db: Db, ids: Iterable<number>): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of rowsByIds(db, `SELECT id, text FROM segments WHERE id IN (?)`, ids)) {
    // Checked by hand: zod per row cost as much as the query for the aggregate's ~40k candidates.
    const { id, text } = r as { id?: unknown; text?: unknown };
    if (typeof id !== 'number' || !Number.isInteger(id) || typeof text !== 'string') TextRow.parse(r);
    out.set(id as number, text as string);
  }
  return out;
}

const QuoteFieldsRow = z.object({
  id: z.number().int(),
  text: z.string(),
  external_id: z.string().nullable(),
  locator: z.string(),
  created_at: z.string().nullable(),
});

/** What a quote shows beyond the pass's fields: the text and its document's id, locator and date. */
export interface SegmentQuoteFields {
  text: string;
  externalId: string | null;
  locator: string;
  createdAt: string | null;
}

/** Text and document fields of the given segments (a report's quote winners), read in batches. */
export function segmentQuoteFields(db: Db, ids: Iterable<number>): Map<number, SegmentQuoteFields> {
  const out = new Map<number, SegmentQuoteFields>();
  const sql = `SELECT s.id, s.text, d.external_id, d.locator, d.created_at FROM segments s JOIN documents d ON d.id = s.document_id
                WHERE s.id IN (?)`;
  for (const raw of rowsByIds(db, sql, ids)) {
    const r = QuoteFieldsRow.parse(raw);
    out.set(r.id, { text: r.text, externalId: r.external_id, locator: r.locator, createdAt: r.created_at });
  }
  return out;
}

export const ThemeRow = z.object({ theme_id: z.string(), parent_id: z.string().nullable(), label: z.string() });
export type ThemeRow = z.infer<typeof ThemeRow>;

export function loadThemes(db: Db): ThemeRow[] {
  return db
    .prepare(`SELECT theme_id, parent_id, label FROM themes ORDER BY theme_id`)
    .all()
    .map((r) => ThemeRow.parse(r));
}
