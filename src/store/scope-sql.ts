/**
 * The SQL of a query's scope that the fact stream (aggregate-facts.ts, over segments s and
 * documents d) and the key table (segment-keys-query.ts, over key rows k) share: the scope's types,
 * its date range and the conditions that name segments (theme, emotion, segment ids). Each caller
 * compiles the conditions on columns it holds itself.
 */

/** One condition on a segment, resolved by src/aggregate/facts.ts from `--where` and query flags. */
export type Condition =
  | { field: 'stage' | 'touchpoint' | 'channel' | 'kind' | 'source' | 'sentiment' | 'month'; value: string }
  | { field: 'attr'; name: string; value: string }
  /** A segment tagged with one of `themeIds` (a theme and its descendants), or with no theme at all when `orUntagged`. */
  | { field: 'theme'; themeIds: readonly string[]; orUntagged: boolean }
  | { field: 'emotion'; emotion: string }
  /** Exactly these segments (the quotes a query picked). */
  | { field: 'segments'; ids: readonly number[] };

export interface SegmentScope {
  since?: string | undefined;
  until?: string | undefined;
  conditions: readonly Condition[];
}

/** The conditions that select segments by id, whatever table holds them. */
export type SegmentCondition = Extract<Condition, { field: 'theme' | 'emotion' | 'segments' }>;

export interface Compiled {
  sql: string;
  params: (string | number)[];
}

/** The scope's date range on `<alias>.created_at`: the date's prefix against YYYY-MM or YYYY-MM-DD bounds, both inclusive; no date: out. */
export function dateRange(scope: SegmentScope, out: Compiled, alias: string): void {
  for (const [bound, op] of [
    [scope.since, '>='],
    [scope.until, '<='],
  ] as const) {
    if (!bound) continue;
    out.sql += ` AND ${alias}.created_at IS NOT NULL AND substr(${alias}.created_at, 1, ?) ${op} ?`;
    out.params.push(bound.length, bound);
  }
}

/**
 * The theme, emotion and segment-id conditions, on the segment id column `segId` (the same SQL for
 * the fact stream and the key table); false for any other field, which the caller compiles.
 */
export function segmentCondition(c: SegmentCondition, segId: string, out: Compiled): void {
  if (c.field === 'theme') {
    // IN (subquery) rather than EXISTS: SQLite can then start from the theme index
    // (segment_themes_theme) instead of testing every segment in scope.
    const tagged = c.themeIds.length
      ? `${segId} IN (SELECT t.segment_id FROM segment_themes t WHERE t.theme_id IN (${c.themeIds.map(() => '?').join(', ')}))`
      : '1 = 0'; // false in SQLite and PostgreSQL (which has no integer truth values)
    const untagged = c.orUntagged ? ` OR NOT EXISTS (SELECT 1 FROM segment_themes t WHERE t.segment_id = ${segId})` : '';
    out.sql += ` AND (${tagged}${untagged})`;
    out.params.push(...c.themeIds);
  } else if (c.field === 'emotion') {
    out.sql += ` AND EXISTS (SELECT 1 FROM segment_emotions e WHERE e.segment_id = ${segId} AND e.emotion = ?)`;
    out.params.push(c.emotion);
  } else {
    out.sql += c.ids.length ? ` AND ${segId} IN (${c.ids.map(() => '?').join(', ')})` : ' AND 1 = 0';
    out.params.push(...c.ids);
  }
}
