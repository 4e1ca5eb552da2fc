/**
 * Quote candidates in SQL order (issue 11): `voc quotes` needs the first few segments of its scope
 * in one order (most negative first, most positive, strongest emotion, or most confidently about
 * the theme), not every segment. Instead of streaming the scope to JavaScript and keeping the best
 * ones there, SQLite sorts the scope with ORDER BY ... LIMIT (a bounded top-N sort in C) and only
 * the ids, documents and order keys of `limit + 1` rows come back; the extra row tells whether the
 * list was cut (as `Candidates.truncated`). The order is the one of src/aggregate/query.ts
 * `orderFor`, segment id last, so ties break the same way.
 */
import { z } from 'zod';
import type { Db } from './db.js';
import { registerFunctions, segmentWhere, type SegmentScope } from './aggregate-facts.js';

/** The order of a quote query (see the module header). */
export type QuoteOrder =
  | { by: 'emotion'; emotion: string }
  | { by: 'negative' }
  | { by: 'positive' }
  /** Theme confidence: the best tag score among `themeIds` (a theme and its descendants), or among all tags floored at 0. */
  | { by: 'theme'; themeIds: readonly string[] | null };

const Row = z.object({ segment_id: z.number().int(), document_id: z.number().int() });
export type OrderedSegment = z.infer<typeof Row>;

function orderSql(order: QuoteOrder): { select: string; orderBy: string; params: string[] } {
  switch (order.by) {
    case 'emotion':
      return {
        select: `(SELECT score FROM segment_emotions e WHERE e.segment_id = s.id AND e.emotion = ?) AS k1`,
        orderBy: 'k1 DESC, s.id',
        params: [order.emotion],
      };
    case 'negative':
      return { select: `voc_short(s.text) AS k1`, orderBy: 'k1, a.sentiment_score, a.p_negative DESC, s.id', params: [] };
    case 'positive':
      return { select: `0 AS k1`, orderBy: 'a.sentiment_score DESC, s.id', params: [] };
    case 'theme': {
      if (order.themeIds === null) {
        return {
          select: `max(0, COALESCE((SELECT max(score) FROM segment_themes t WHERE t.segment_id = s.id), 0)) AS k1`,
          orderBy: 'k1 DESC, s.id',
          params: [],
        };
      }
      const ids = order.themeIds.length ? order.themeIds.map(() => '?').join(', ') : 'NULL';
      return {
        select: `COALESCE((SELECT max(score) FROM segment_themes t WHERE t.segment_id = s.id AND t.theme_id IN (${ids})), 0) AS k1`,
        orderBy: 'k1 DESC, s.id',
        params: [...order.themeIds],
      };
    }
  }
}

/** The first `limit` analysed segments of the scope in `order`, and whether more exist. */
export function orderedSegments(db: Db, scope: SegmentScope, order: QuoteOrder, limit: number): { rows: OrderedSegment[]; truncated: boolean } {
  registerFunctions(db);
  const where = segmentWhere(scope);
  const o = orderSql(order);
  const rows = db
    .prepare(
      `SELECT s.id AS segment_id, s.document_id, ${o.select}
         FROM segments s JOIN documents d ON d.id = s.document_id JOIN segment_analysis a ON a.segment_id = s.id
        WHERE s.analyse = 1${where.sql}
        ORDER BY ${o.orderBy} LIMIT ?`,
    )
    .all(...o.params, ...where.params, limit + 1)
    .map((r) => Row.parse(r));
  const truncated = rows.length > limit;
  if (truncated) rows.length = limit;
  return { rows, truncated };
}
