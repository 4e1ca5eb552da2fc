/**
 * Columnar fact blocks (migration 010): every analysed segment of 1,024 consecutive document ids
 * in one BLOB, column by column, so aggregation and filtered queries read a few hundred blobs
 * instead of one row per segment (handing a row from SQLite to JavaScript costs 2-4 µs; a segment
 * in a block costs a few array reads).
 *
 * A block is `[u32 header length][header JSON][padding to 8][Float64 columns][Int32 columns][Uint8 columns]`.
 * The header holds the counts and the block's dictionaries: each text column (kind, source, ...)
 * is stored as Int32 codes into its dictionary, whose values are exactly what the streaming read
 * model (aggregate-facts.ts) reads for the same segment: stage and touchpoint with `unassigned`,
 * the raw channel (null when none), created_at, the month as the stream derives it, the scale and
 * the analysis key. Document attributes (format 2) are coded the same way, one Int32 column per
 * attribute name that any document of the block has, into a dictionary of the values as the stream
 * compares them (attributeKey: `unknown` when a document lacks it). Tags and emotions are CSR lists
 * (start offsets per segment) of codes and scores, best first as the stream orders them. Tags are
 * the stored tags, not rolled up, so a change of the theme hierarchy needs no rebuild.
 *
 * Writers call `refreshFactBlocks` (the aggregate stage does): it rebuilds the blocks of the
 * segments that 009's triggers listed in `segment_keys_dirty`. Readers call `factBlocksCurrent`
 * and stream when it is false, so stale blocks are never used. SQLite only: on PostgreSQL the
 * blocks are never current and every query streams.
 */
import { z } from 'zod';
import type { Db } from './db.js';
import { dialectOf } from './db.js';
import { attributeKey, attributeKeys, MIN_QUOTE_CHARS, registerFunctions, STAGE, TOUCHPOINT } from './aggregate-facts.js';

/** Every character JavaScript's String.prototype.trim removes (WhiteSpace and LineTerminator), for SQLite's trim(X, Y). */
const JS_WHITESPACE = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** Bump when the layout changes: blocks of another format are rebuilt by the next refresh. */
export const FACT_BLOCK_FORMAT = 2;
/** Documents per block (block = document_id / BLOCK_DOCUMENTS). */
export const BLOCK_DOCUMENTS = 1024;

/** The dictionary-coded columns. */
export const CODED = ['kind', 'source', 'channel', 'created', 'month', 'scale', 'stage', 'touchpoint', 'sentiment', 'akey'] as const;
export type Coded = (typeof CODED)[number];

export interface FactBlock {
  block: number;
  n: number;
  documentId: Int32Array;
  segmentId: Int32Array;
  charStart: Int32Array;
  charEnd: Int32Array;
  sentimentScore: Float64Array;
  pNegative: Float64Array;
  /** The document's score; NaN when it has none. */
  score: Float64Array;
  short: Uint8Array;
  codes: Readonly<Record<Coded, Int32Array>>;
  dict: Readonly<Record<Coded, readonly (string | null)[]>>;
  /** Tags of segment i: tagTheme/tagScore[tagStart[i] .. tagStart[i + 1]). */
  tagStart: Int32Array;
  tagTheme: Int32Array;
  tagScore: Float64Array;
  themes: readonly string[];
  emotionStart: Int32Array;
  emotionCode: Int32Array;
  emotionScore: Float64Array;
  emotions: readonly string[];
  /** Per attribute name any document of the block has: per segment a code into `values` (attributeKey of the document's value). */
  attributes: ReadonlyMap<string, { values: readonly string[]; codes: Int32Array }>;
}

const Header = z.object({
  format: z.literal(FACT_BLOCK_FORMAT),
  n: z.number().int().nonnegative(),
  tags: z.number().int().nonnegative(),
  emotionRows: z.number().int().nonnegative(),
  dict: z.object(Object.fromEntries(CODED.map((c) => [c, z.array(z.string().nullable())])) as Record<Coded, z.ZodArray<z.ZodNullable<z.ZodString>>>),
  themes: z.array(z.string()),
  emotions: z.array(z.string()),
  /** Attribute names (sorted) and each one's dictionary; the codes are the `attr:<k>` columns. */
  attributes: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
});
type Header = z.infer<typeof Header>;

/* ---------------------------------------------------------------------------------------------
 * Layout
 * ------------------------------------------------------------------------------------------- */

interface Sizes {
  n: number;
  tags: number;
  emotionRows: number;
}

/** An attribute column's key in the layout. */
const attrColumn = (k: number): string => `attr:${k}`;

/** Byte offsets of every column after the header, in layout order. */
function layout(s: Sizes, attributes: number): { f64: Record<'sentimentScore' | 'pNegative' | 'score' | 'tagScore' | 'emotionScore', [number, number]>; i32: Record<string, [number, number]>; u8: [number, number]; bytes: number } {
  let at = 0;
  const take = (count: number, width: number): [number, number] => {
    const r: [number, number] = [at, count];
    at += count * width;
    return r;
  };
  const f64 = {
    sentimentScore: take(s.n, 8), pNegative: take(s.n, 8), score: take(s.n, 8),
    tagScore: take(s.tags, 8), emotionScore: take(s.emotionRows, 8),
  };
  const i32: Record<string, [number, number]> = {
    documentId: take(s.n, 4), segmentId: take(s.n, 4), charStart: take(s.n, 4), charEnd: take(s.n, 4),
    tagStart: take(s.n + 1, 4), emotionStart: take(s.n + 1, 4), tagTheme: take(s.tags, 4), emotionCode: take(s.emotionRows, 4),
  };
  for (const c of CODED) i32[`code:${c}`] = take(s.n, 4);
  for (let k = 0; k < attributes; k++) i32[attrColumn(k)] = take(s.n, 4);
  const u8 = take(s.n, 1);
  return { f64, i32, u8, bytes: at };
}

const pad8 = (x: number): number => (x + 7) & ~7;

/* ---------------------------------------------------------------------------------------------
 * Building a block from the normalised tables
 * ------------------------------------------------------------------------------------------- */

class Dict {
  readonly values: (string | null)[] = [];
  private readonly codes = new Map<string | null, number>();
  code(v: string | null): number {
    let c = this.codes.get(v);
    if (c === undefined) {
      this.codes.set(v, (c = this.values.length));
      this.values.push(v);
    }
    return c;
  }
}

function bad(what: string, row: unknown): never {
  throw new Error(`fact blocks: unexpected ${what} row ${JSON.stringify(row)}`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number';
const isStr = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const SENTIMENTS: ReadonlySet<unknown> = new Set(['negative', 'neutral', 'positive']);

/** Best first, ties by id: the stream's order (aggregate-facts.ts bestFirst). */
function bestFirst(list: [string, number][]): [string, number][] {
  if (list.length > 1) list.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return list;
}

function listsOf(db: Db, sql: string, lo: number, hi: number, what: string): Map<number, [string, number][]> {
  const out = new Map<number, [string, number][]>();
  const stmt = db.prepare(sql);
  (stmt as unknown as { raw(on: boolean): unknown }).raw(true);
  for (const row of stmt.iterate(lo, hi) as IterableIterator<unknown[]>) {
    const [seg, id, score] = row;
    if (!isInt(seg) || !isStr(id) || !isNum(score)) bad(what, row);
    let list = out.get(seg);
    if (!list) out.set(seg, (list = []));
    list.push([id, score]);
  }
  return out;
}

/** The encoded block of documents [block * BLOCK_DOCUMENTS, (block + 1) * BLOCK_DOCUMENTS), or null when it has no analysed segment. */
export function buildBlock(db: Db, block: number): { data: Buffer; n: number; minSegment: number; maxSegment: number } | null {
  registerFunctions(db);
  const lo = block * BLOCK_DOCUMENTS;
  const hi = lo + BLOCK_DOCUMENTS - 1;
  // Document fields once per document (not once per segment: every text column read is a new JS string).
  const docStmt = db.prepare(
    `SELECT d.id, d.kind, d.source_name, d.channel, d.created_at,
            (CASE WHEN d.created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' THEN substr(d.created_at, 1, 7) ELSE NULL END),
            d.score, d.score_scale, d.attributes
       FROM documents d WHERE d.id BETWEEN ? AND ? ORDER BY d.id`,
  );
  (docStmt as unknown as { raw(on: boolean): unknown }).raw(true);
  const docs = new Map<number, unknown[]>();
  /** Per document: its attributes as the stream compares them (aggregate-facts.ts toDocument). */
  const docAttributes = new Map<number, Readonly<Record<string, string>>>();
  const attributeNames = new Set<string>();
  for (const d of docStmt.iterate(lo, hi) as IterableIterator<unknown[]>) {
    const [id, kind, source, channel, created, month, score, scale, attributes] = d;
    if (!isInt(id) || !isStr(kind) || !isStr(source) || !strOrNull(channel) || !strOrNull(created) || !strOrNull(month) || !(score === null || isNum(score)) || !strOrNull(scale) || !strOrNull(attributes)) {
      bad('document', d);
    }
    docs.set(id, d);
    const keyed = attributeKeys(attributes);
    for (const k in keyed) attributeNames.add(k);
    docAttributes.set(id, keyed);
  }
  // voc_short (JavaScript's trim and length) only for texts that are not clearly long: a text with
  // 25 or more characters left once SQLite strips every character JavaScript's trim strips has
  // at least 25 UTF-16 units left in JavaScript too.
  const stmt = db.prepare(
    `SELECT s.id, s.document_id, s.char_start, s.char_end,
            (CASE WHEN length(trim(s.text, '${JS_WHITESPACE}')) >= ${MIN_QUOTE_CHARS} THEN 0 ELSE voc_short(s.text) END),
            a.sentiment, a.sentiment_score, a.p_negative, ${STAGE}, ${TOUCHPOINT}, a.analysis_key
       FROM segments s JOIN segment_analysis a ON a.segment_id = s.id
      WHERE s.analyse = 1 AND s.document_id BETWEEN ? AND ?
      ORDER BY s.document_id, s.idx`,
  );
  (stmt as unknown as { raw(on: boolean): unknown }).raw(true);
  const rows = (stmt.all(lo, hi) as unknown[][]).filter((r) => docs.has(r[1] as number));
  if (rows.length === 0) return null;
  const tags = listsOf(
    db,
    `SELECT t.segment_id, t.theme_id, t.score FROM segment_themes t JOIN segments s ON s.id = t.segment_id WHERE s.document_id BETWEEN ? AND ?`,
    lo, hi, 'segment_themes',
  );
  const emotions = listsOf(
    db,
    `SELECT e.segment_id, e.emotion, e.score FROM segment_emotions e JOIN segments s ON s.id = e.segment_id WHERE s.document_id BETWEEN ? AND ?`,
    lo, hi, 'segment_emotions',
  );
  const n = rows.length;
  let tagCount = 0;
  let emotionCount = 0;
  for (const r of rows) {
    tagCount += tags.get(r[0] as number)?.length ?? 0;
    emotionCount += emotions.get(r[0] as number)?.length ?? 0;
  }
  const dicts = Object.fromEntries(CODED.map((c) => [c, new Dict()])) as Record<Coded, Dict>;
  const themeDict = new Dict();
  const emotionDict = new Dict();
  const sizes = { n, tags: tagCount, emotionRows: emotionCount };
  const names = [...attributeNames].sort();
  const lay = layout(sizes, names.length);
  const body = new ArrayBuffer(lay.bytes);
  const f64 = (k: keyof typeof lay.f64): Float64Array => new Float64Array(body, lay.f64[k][0], lay.f64[k][1]);
  const i32 = (k: string): Int32Array => new Int32Array(body, lay.i32[k]![0], lay.i32[k]![1]);
  const b = {
    sentimentScore: f64('sentimentScore'), pNegative: f64('pNegative'), score: f64('score'), tagScore: f64('tagScore'), emotionScore: f64('emotionScore'),
    documentId: i32('documentId'), segmentId: i32('segmentId'), charStart: i32('charStart'), charEnd: i32('charEnd'),
    tagStart: i32('tagStart'), emotionStart: i32('emotionStart'), tagTheme: i32('tagTheme'), emotionCode: i32('emotionCode'),
    short: new Uint8Array(body, lay.u8[0], lay.u8[1]),
  };
  const codes = Object.fromEntries(CODED.map((c) => [c, i32(`code:${c}`)])) as Record<Coded, Int32Array>;
  const attrs = names.map((name, k) => ({ name, dict: new Dict(), codes: i32(attrColumn(k)) }));
  let minSegment = Infinity;
  let maxSegment = -Infinity;
  let t = 0;
  let e = 0;
  rows.forEach((r, i) => {
    const [seg, doc, cs, ce, short, sentiment, s, pNeg, stage, touchpoint, akey] = r;
    if (
      !isInt(seg) || !isInt(doc) || !isInt(cs) || !isInt(ce) || !isInt(short) || !SENTIMENTS.has(sentiment) || !isNum(s) || !isNum(pNeg) ||
      !isStr(stage) || !isStr(touchpoint) || !isStr(akey)
    ) {
      bad('segment', r);
    }
    const [, kind, source, channel, created, month, score, scale] = docs.get(doc) as [number, string, string, string | null, string | null, string | null, number | null, string | null];
    minSegment = Math.min(minSegment, seg);
    maxSegment = Math.max(maxSegment, seg);
    b.segmentId[i] = seg;
    b.documentId[i] = doc;
    b.charStart[i] = cs;
    b.charEnd[i] = ce;
    b.short[i] = short === 1 ? 1 : 0;
    b.sentimentScore[i] = s;
    b.pNegative[i] = pNeg;
    b.score[i] = score === null ? NaN : score;
    const values: Record<Coded, string | null> = {
      kind, source, channel, created, month, scale, stage, touchpoint, sentiment: sentiment as string, akey,
    };
    for (const c of CODED) codes[c][i] = dicts[c].code(values[c]);
    const keyed = docAttributes.get(doc);
    for (const a of attrs) a.codes[i] = a.dict.code(keyed?.[a.name] ?? attributeKey(undefined));
    b.tagStart[i] = t;
    for (const [id, score] of bestFirst(tags.get(seg) ?? [])) {
      b.tagTheme[t] = themeDict.code(id);
      b.tagScore[t++] = score;
    }
    b.emotionStart[i] = e;
    for (const [id, score] of bestFirst(emotions.get(seg) ?? [])) {
      b.emotionCode[e] = emotionDict.code(id);
      b.emotionScore[e++] = score;
    }
  });
  b.tagStart[n] = t;
  b.emotionStart[n] = e;
  const header: Header = {
    format: FACT_BLOCK_FORMAT, ...sizes,
    dict: Object.fromEntries(CODED.map((c) => [c, dicts[c].values])) as Record<Coded, (string | null)[]>,
    themes: themeDict.values as string[],
    emotions: emotionDict.values as string[],
    attributes: attrs.map((a) => ({ name: a.name, values: a.dict.values as string[] })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = pad8(4 + json.length);
  const data = Buffer.alloc(start + lay.bytes);
  data.writeUInt32LE(json.length, 0);
  json.copy(data, 4);
  Buffer.from(body).copy(data, start);
  return { data, n, minSegment, maxSegment };
}

/** Decodes a block written by buildBlock (checked: a damaged blob throws instead of answering wrong). */
export function decodeBlock(block: number, blob: Uint8Array): FactBlock {
  if (blob.length < 4) throw new Error(`fact block ${block}: ${blob.length} bytes`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const headerBytes = view.getUint32(0, true);
  const header = Header.parse(JSON.parse(Buffer.from(blob.buffer, blob.byteOffset + 4, headerBytes).toString('utf8')));
  const start = pad8(4 + headerBytes);
  const lay = layout(header, header.attributes.length);
  if (blob.length !== start + lay.bytes) throw new Error(`fact block ${block}: ${blob.length} bytes, expected ${start + lay.bytes}`);
  // Typed arrays need aligned offsets: views straight into the blob when it is 8-aligned (the
  // driver's own buffer usually is), else into an aligned copy.
  let buffer: ArrayBufferLike;
  let base: number;
  if ((blob.byteOffset + start) % 8 === 0) {
    buffer = blob.buffer;
    base = blob.byteOffset + start;
  } else {
    const copy = new Uint8Array(lay.bytes);
    copy.set(blob.subarray(start));
    buffer = copy.buffer;
    base = 0;
  }
  const f64 = (k: keyof typeof lay.f64): Float64Array => new Float64Array(buffer, base + lay.f64[k][0], lay.f64[k][1]);
  const i32 = (k: string): Int32Array => new Int32Array(buffer, base + lay.i32[k]![0], lay.i32[k]![1]);
  return {
    block, n: header.n,
    documentId: i32('documentId'), segmentId: i32('segmentId'), charStart: i32('charStart'), charEnd: i32('charEnd'),
    sentimentScore: f64('sentimentScore'), pNegative: f64('pNegative'), score: f64('score'),
    short: new Uint8Array(buffer, base + lay.u8[0], lay.u8[1]),
    codes: Object.fromEntries(CODED.map((c) => [c, i32(`code:${c}`)])) as Record<Coded, Int32Array>,
    dict: header.dict,
    tagStart: i32('tagStart'), tagTheme: i32('tagTheme'), tagScore: f64('tagScore'), themes: header.themes,
    emotionStart: i32('emotionStart'), emotionCode: i32('emotionCode'), emotionScore: f64('emotionScore'), emotions: header.emotions,
    attributes: new Map(header.attributes.map((a, k) => [a.name, { values: a.values, codes: i32(attrColumn(k)) }])),
  };
}

/* ---------------------------------------------------------------------------------------------
 * Keeping them current, reading them
 * ------------------------------------------------------------------------------------------- */

function hasBlockTables(db: Db): boolean {
  return dialectOf(db) === 'sqlite' && db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fact_blocks_state'`).get() !== undefined;
}

function storedFormat(db: Db): number {
  return z.number().int().parse(db.prepare(`SELECT format FROM fact_blocks_state WHERE id = 1`).pluck().get());
}

/** Whether the blocks describe the data exactly: nothing changed since they were written, same format. */
export function factBlocksCurrent(db: Db): boolean {
  if (!hasBlockTables(db)) return false;
  if (db.prepare(`SELECT 1 FROM segment_keys_dirty LIMIT 1`).get() !== undefined) return false;
  return storedFormat(db) === FACT_BLOCK_FORMAT;
}

export interface RefreshResult {
  /** Blocks rewritten or removed. */
  blocks: number;
  /** Segments in the rewritten blocks. */
  segments: number;
  /** True when the stored format differed and every block was rebuilt. */
  rebuiltAll: boolean;
}

/** Rebuilds every block holding a segment changed since the last refresh (a writer; one transaction). */
export function refreshFactBlocks(db: Db): RefreshResult {
  if (!hasBlockTables(db)) return { blocks: 0, segments: 0, rebuiltAll: false };
  return db.transaction((): RefreshResult => {
    const rebuiltAll = storedFormat(db) !== FACT_BLOCK_FORMAT;
    if (rebuiltAll) {
      db.prepare(`DELETE FROM fact_blocks`).run();
      db.prepare(`INSERT OR IGNORE INTO segment_keys_dirty (segment_id) SELECT segment_id FROM segment_analysis`).run();
      db.prepare(`UPDATE fact_blocks_state SET format = ? WHERE id = 1`).run(FACT_BLOCK_FORMAT);
    }
    // A dirty segment's block is its document's, and for a segment deleted (or moved) since, the
    // stored block whose segment-id range holds it.
    const blocks = db
      .prepare(
        `SELECT s.document_id / ${BLOCK_DOCUMENTS} AS block FROM segment_keys_dirty x JOIN segments s ON s.id = x.segment_id
         UNION
         SELECT b.block FROM fact_blocks b WHERE EXISTS (SELECT 1 FROM segment_keys_dirty x WHERE x.segment_id BETWEEN b.min_segment AND b.max_segment)
         ORDER BY block`,
      )
      .pluck()
      .all()
      .map((b) => z.number().int().parse(b));
    const put = db.prepare(`INSERT OR REPLACE INTO fact_blocks (block, min_segment, max_segment, segments, data) VALUES (?, ?, ?, ?, ?)`);
    const drop = db.prepare(`DELETE FROM fact_blocks WHERE block = ?`);
    let segments = 0;
    for (const block of blocks) {
      const built = buildBlock(db, block);
      if (built === null) drop.run(block);
      else {
        put.run(block, built.minSegment, built.maxSegment, built.n, built.data);
        segments += built.n;
      }
    }
    db.prepare(`DELETE FROM segment_keys_dirty`).run();
    return { blocks: blocks.length, segments, rebuiltAll };
  })();
}

/** Every block in document order, decoded one at a time (memory: one block). */
export function* readBlocks(db: Db): Generator<FactBlock> {
  const stmt = db.prepare(`SELECT block, data FROM fact_blocks ORDER BY block`);
  for (const row of stmt.iterate() as IterableIterator<unknown>) {
    const { block, data } = z.object({ block: z.number().int(), data: z.instanceof(Uint8Array) }).parse(row);
    yield decodeBlock(block, data);
  }
}
