/**
 * What a PostgreSQL database needs before the SQLite migrations run on it, created (or replaced)
 * on every writable open, under a transaction-level advisory lock so two processes opening a new
 * database at once do not collide:
 *
 * - voc_schema_version: PRAGMA user_version's stand-in (one row, the migration count);
 * - voc_views: the views' statements, created again when a migration alters a table (client.ts);
 * - sum(boolean): SQLite's comparisons are integers, so `sum(score >= 9)` counts; here an aggregate
 *   over booleans does the same (NULL for no rows, like SQLite's sum);
 * - voc_attr / voc_short: the SQL functions src/store/aggregate-facts.ts registers in JavaScript on
 *   SQLite, with the same rules written in SQL (attributeKey and MIN_QUOTE_CHARS there).
 *
 * voc_short counts UTF-16 units like JavaScript's `length` (characters beyond U+FFFF count twice)
 * and trims the whitespace JavaScript's trim() removes.
 */

// The values of UNKNOWN and MIN_QUOTE_CHARS in ../aggregate-facts.ts, written out here because that
// module imports the store's Db type (an import would make a cycle); test/store-postgres.test.ts
// checks that they agree.
export const UNKNOWN = 'unknown';
export const MIN_QUOTE_CHARS = 25;

/** SQL functions the store registers with `db.function` on SQLite and this prelude defines here. */
export const PRELUDE_FUNCTIONS: ReadonlySet<string> = new Set(['voc_attr', 'voc_short']);

/** Key of the advisory locks of voc (first half of the two-int form; the second is per use). */
export const ADVISORY_CLASS = 0x766f63; // "voc"
export const ADVISORY_MIGRATE = 1;
export const ADVISORY_RUN = 2;

const JS_SPACE = String.raw`[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]`;

export const PRELUDE = [
  `CREATE TABLE IF NOT EXISTS voc_schema_version (version integer NOT NULL)`,
  `INSERT INTO voc_schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM voc_schema_version)`,
  // The statements of the views the migrations created, in order (see PgDb.exec).
  `CREATE TABLE IF NOT EXISTS voc_views (seq integer GENERATED ALWAYS AS IDENTITY, name text PRIMARY KEY, sql text NOT NULL)`,
  `CREATE OR REPLACE FUNCTION voc_bool_sum(acc bigint, b boolean) RETURNS bigint LANGUAGE sql IMMUTABLE AS
     $$ SELECT CASE WHEN b IS NULL THEN acc ELSE COALESCE(acc, 0) + CASE WHEN b THEN 1 ELSE 0 END END $$`,
  `CREATE OR REPLACE AGGREGATE sum(boolean) (SFUNC = voc_bool_sum, STYPE = bigint)`,
  `CREATE OR REPLACE FUNCTION voc_attr(j text, name text) RETURNS text LANGUAGE sql IMMUTABLE AS
     $$ SELECT CASE WHEN v IS NULL OR json_typeof(v) = 'null' THEN '${UNKNOWN}'
                    WHEN json_typeof(v) = 'string' THEN COALESCE(NULLIF(v #>> '{}', ''), '${UNKNOWN}')
                    ELSE v::text END
          FROM (SELECT (j::json) -> name AS v) x $$`,
  `CREATE OR REPLACE FUNCTION voc_short(t text) RETURNS integer LANGUAGE sql IMMUTABLE AS
     $$ SELECT CASE WHEN char_length(x) + char_length(regexp_replace(x, '[^\\U00010000-\\U0010FFFF]', '', 'g')) < ${MIN_QUOTE_CHARS}
                    THEN 1 ELSE 0 END
          FROM (SELECT regexp_replace(t, '^${JS_SPACE}+|${JS_SPACE}+$', '', 'g') AS x) y $$`,
];
