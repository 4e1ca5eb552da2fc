/**
 * Reading the key table of migration 009 (kept by segment-keys.ts) for a matrix: one narrow row per
 * analysed segment with its dimension values already resolved (themes rolled up), so a query needs
 * no join to documents, analyses, tags or emotions. The filters are the scope of aggregate-facts.ts
 * with the same semantics, written against `k`; SQLite scans and filters in C and returns only the
 * columns the fold needs, in the stream's order, as arrays where the driver offers them
 * (better-sqlite3's `raw`; about half the cost of row objects).
 *
 * Why a scan folded in JavaScript and not GROUP BY: SQLite's GROUP BY sorts every input row (3-5 µs
 * per row here), and keeping distinct documents exact needs month and score in the group key, so
 * nearly every row is its own group: 1.3 s against 0.7 s for the fold at 100k segments. Rows in document order let the fold count distinct
 * documents with one number per cell, exactly as the streaming path does.
 */
import { z } from 'zod';
import type { Db, Statement } from './db.js';
import { registerFunctions, UNKNOWN } from './aggregate-facts.js';
import { dateRange, segmentCondition, type Compiled, type SegmentScope } from './scope-sql.js';

/** The dimensions the key tables can group by (attributes are not in them: those queries stream). */
export const KEY_DIMENSIONS = ['stage', 'touchpoint', 'channel', 'kind', 'source', 'month', 'sentiment', 'all', 'theme', 'parent_theme'] as const;
export type KeyDimension = (typeof KEY_DIMENSIONS)[number];

export function isKeyDimension(d: string): d is KeyDimension {
  return (KEY_DIMENSIONS as readonly string[]).includes(d);
}

/** WHERE terms (each starting with AND) over key rows k: the scope of segmentWhere. */
export function keyWhere(scope: SegmentScope): Compiled {
  const out: Compiled = { sql: '', params: [] };
  dateRange(scope, out, 'k');
  for (const c of scope.conditions) {
    if (c.field === 'attr') {
      out.sql += ` AND k.document_id IN (SELECT d.id FROM documents d WHERE voc_attr(d.attributes, ?) = ?)`;
      out.params.push(c.name, c.value);
    } else if ('value' in c) {
      out.sql += ` AND ${VALUES[c.field]} = ?`;
      out.params.push(c.value);
    } else {
      segmentCondition(c, 'k.segment_id', out);
    }
  }
  return out;
}

/** The column holding each dimension's values (list columns for the theme dimensions). */
const VALUES: Readonly<Record<KeyDimension, string>> = {
  stage: 'k.stage',
  touchpoint: 'k.touchpoint',
  channel: 'k.channel',
  kind: 'k.kind',
  source: 'k.source_name',
  month: `COALESCE(k.month, '${UNKNOWN}')`,
  sentiment: 'k.sentiment',
  all: `'all'`,
  theme: 'k.themes',
  parent_theme: 'k.roots',
};

/**
 * One key row as the fold reads it: [document id, month or null, negative (1/0), sentiment score,
 * document score or null, its scale or null, emotions (KEY_SEPARATOR-joined) or null, row value, column value].
 */
export type KeyRow = [number, string | null, number, number, number | null, string | null, string | null, string, string];

function badRow(row: unknown): never {
  throw new Error(`segment_keys: unexpected row ${JSON.stringify(row)}`);
}

const str = (v: unknown): v is string => typeof v === 'string';
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number';

/** Checks a row's shape without zod: zod per row would cost more than the whole fold. */
function checkRow(row: unknown[]): KeyRow {
  const [doc, month, neg, s, score, scale, emotions, r, c] = row;
  if (!num(doc) || !strOrNull(month) || !num(neg) || !num(s) || !(score === null || num(score)) || !strOrNull(scale) || !strOrNull(emotions) || !str(r) || !str(c)) {
    badRow(row);
  }
  return row as KeyRow;
}

/**
 * The key rows in scope, in stream order (document, position): one row per segment, one row in
 * memory at a time, the values of the two dimensions as the last two columns.
 */
export function* keyRows(db: Db, dims: readonly [KeyDimension, KeyDimension], scope: SegmentScope): Generator<KeyRow> {
  registerFunctions(db);
  const where = keyWhere(scope);
  const stmt = db.prepare(
    `SELECT k.document_id AS doc, k.month AS month, (CASE WHEN k.sentiment = 'negative' THEN 1 ELSE 0 END) AS neg,
            k.sentiment_score AS s, k.score AS score, k.score_scale AS scale, k.emotions AS emotions,
            ${VALUES[dims[0]]} AS r, ${VALUES[dims[1]]} AS c
       FROM segment_keys k WHERE 1 = 1${where.sql}
      ORDER BY k.document_id, k.idx`,
  );
  const raw = rawMode(stmt);
  for (const row of stmt.iterate(...where.params) as IterableIterator<unknown>) yield checkRow(raw ? (row as unknown[]) : byName(row));
}

const NAMES = ['doc', 'month', 'neg', 's', 'score', 'scale', 'emotions', 'r', 'c'] as const;

function byName(row: unknown): unknown[] {
  if (typeof row !== 'object' || row === null) badRow(row);
  const named = row as Record<string, unknown>;
  return NAMES.map((n) => named[n]);
}

/** Switches a statement to arrays when the driver can (better-sqlite3's `raw`); rows of the PostgreSQL client stay objects. */
function rawMode(stmt: Statement): boolean {
  const withRaw = stmt as Statement & { raw?: unknown };
  if (typeof withRaw.raw !== 'function') return false;
  (withRaw.raw as (toggle: boolean) => unknown).call(stmt, true);
  return true;
}

/**
 * The analysis versions of the segments in scope, sorted. Usually the whole table has one, read
 * from both ends of its index; only a mixed table needs the filtered scan.
 */
export function keyAnalysisKeys(db: Db, scope: SegmentScope, scopeEmpty: boolean): string[] {
  if (scopeEmpty) return [];
  // Two statements: SQLite reads a lone min() or max() from the index, but scans for both at once.
  const end = (fn: 'min' | 'max'): string | null =>
    z.string().nullable().parse(db.prepare(`SELECT ${fn}(analysis_key) FROM segment_keys`).pluck().get());
  const lo = end('min');
  if (lo !== null && lo === end('max')) return [lo];
  registerFunctions(db);
  const where = keyWhere(scope);
  return db
    .prepare(`SELECT DISTINCT k.analysis_key FROM segment_keys k WHERE 1 = 1${where.sql} ORDER BY k.analysis_key`)
    .pluck()
    .all(...where.params)
    .map((k) => z.string().parse(k));
}
