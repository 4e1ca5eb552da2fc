/**
 * Answering unfiltered queries from the stored aggregate (issue 11). A query may use the latest
 * aggregate instead of a pass over every segment only when nothing it was computed from changed
 * since. Instead of hashing the data (a pass again), a single-row counter `data_generation.gen` is
 * bumped by triggers on every insert, update and delete of the tables the aggregate reads:
 * documents, segments, their analyses, themes and emotions, and the theme codeframe. One UPDATE of
 * one row per written row is negligible next to analysis. Cascaded deletes fire the triggers too.
 *
 * `aggregate_snapshot` records, per aggregate, the generation it read and what the stored rows
 * lack to rebuild a query answer exactly (the full totals and the analysis keys in scope).
 */
const WATCHED = [
  'documents',
  'segments',
  'segment_analysis',
  'segment_themes',
  'segment_emotions',
  'document_analysis',
  'themes',
] as const;

const triggers = WATCHED.flatMap((table) =>
  (['INSERT', 'UPDATE', 'DELETE'] as const).map(
    (op) => `CREATE TRIGGER data_gen_${table}_${op.toLowerCase()} AFTER ${op} ON ${table}
BEGIN UPDATE data_generation SET gen = gen + 1 WHERE id = 1; END;`,
  ),
).join('\n');

export const aggregateCurrentSchema = /* sql */ `
CREATE TABLE data_generation (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  gen  INTEGER NOT NULL
);
INSERT INTO data_generation (id, gen) VALUES (1, 0);
${triggers}
CREATE TABLE aggregate_snapshot (
  aggregate_id  INTEGER PRIMARY KEY REFERENCES aggregate_runs(id) ON DELETE CASCADE,
  data_gen      INTEGER NOT NULL,
  overall_json  TEXT NOT NULL,                 -- the full Overall of aggregate/cells.ts
  analysis_keys_json TEXT NOT NULL             -- sorted analysis keys in scope
);
`;
