/**
 * A denormalised per-segment key table for filtered matrix queries (issue 11). The streaming read
 * model (store/aggregate-facts.ts) joins every segment to its document, analysis, tags and
 * emotions and hands each row to JavaScript: about 12 µs per segment. Here every analysed segment
 * has one narrow row with its dimension values already resolved (stage and touchpoint with
 * `unassigned`, channel with `unknown`, month, the document's score), its themes rolled up to every
 * ancestor (`unassigned` for none), the top-level themes the `parent_theme` dimension uses, and its
 * emotions, stored in stream order (document, position). A matrix is then one scan of this table
 * with no join (store/segment-keys-query.ts, aggregate/grouped.ts).
 *
 * Kept current without touching the writers: triggers note every segment whose analysis, tags,
 * emotions, segment row or document changed in `segment_keys_dirty`; the aggregate stage rewrites the keys of
 * those segments (store/segment-keys.ts) before it computes. The rollup depends on the theme
 * hierarchy, which is stored as `segment_key_closure` with a hash in `segment_keys_state`: a
 * different hierarchy rebuilds every theme row. A query uses the keys only when nothing is dirty
 * and the hierarchy is the one they were built with; otherwise it streams as before. No trigger
 * watches these tables, so refreshing them does not make a stored aggregate stale (migration 008).
 *
 * On upgrade every analysed segment starts dirty, so the first aggregate builds the keys.
 */
// Document updates count only for the columns the key row holds: the analysis stage sets
// documents.needs_analysis on every document it writes. (Any segment update counts: they are rare,
// and PostgreSQL reserves the column name \`analyse\`, which an UPDATE OF list would need.)
const dirty = (table: string, op: 'INSERT' | 'UPDATE' | 'DELETE', id: string): string =>
  `CREATE TRIGGER segment_keys_${table}_${op.toLowerCase()} AFTER ${op} ON ${table}
BEGIN INSERT OR IGNORE INTO segment_keys_dirty (segment_id) VALUES (${id}); END;`;

export const segmentKeysSchema = /* sql */ `
CREATE TABLE segment_keys (
  document_id     INTEGER NOT NULL,
  idx             INTEGER NOT NULL,            -- the segment's position: rows are stored in stream order
  segment_id      INTEGER NOT NULL UNIQUE REFERENCES segments(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL,
  source_name     TEXT NOT NULL,
  channel         TEXT NOT NULL,               -- 'unknown' when none
  created_at      TEXT,
  month           TEXT,                        -- YYYY-MM, NULL when the date is missing or not ISO-like
  score           REAL,
  score_scale     TEXT,
  stage           TEXT NOT NULL,               -- 'unassigned' when none or unknown
  touchpoint      TEXT NOT NULL,
  sentiment       TEXT NOT NULL,
  sentiment_score REAL NOT NULL,
  themes          TEXT NOT NULL,               -- tagged themes and their ancestors, each once, U+001F between; 'unassigned' for none
  roots           TEXT NOT NULL,               -- the top-level themes of the tags, likewise
  emotions        TEXT,                        -- emotions stored for the segment, U+001F between; NULL for none
  analysis_key    TEXT NOT NULL,
  PRIMARY KEY (document_id, idx)
) WITHOUT ROWID;
CREATE INDEX segment_keys_analysis_key ON segment_keys(analysis_key);
CREATE TABLE segment_keys_dirty (
  segment_id      INTEGER PRIMARY KEY
);
CREATE TABLE segment_key_closure (
  theme_id        TEXT NOT NULL,
  ancestor_id     TEXT NOT NULL,               -- the theme itself or one of its ancestors
  is_root         INTEGER NOT NULL,            -- 1 when ancestor_id is the theme's top-level theme
  PRIMARY KEY (theme_id, ancestor_id)
) WITHOUT ROWID;
CREATE TABLE segment_keys_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  closure_hash    TEXT NOT NULL
);
INSERT INTO segment_keys_state (id, closure_hash) VALUES (1, '');
${dirty('segment_analysis', 'INSERT', 'NEW.segment_id')}
${dirty('segment_analysis', 'UPDATE', 'NEW.segment_id')}
${dirty('segment_analysis', 'DELETE', 'OLD.segment_id')}
${dirty('segment_themes', 'INSERT', 'NEW.segment_id')}
${dirty('segment_themes', 'UPDATE', 'NEW.segment_id')}
${dirty('segment_themes', 'DELETE', 'OLD.segment_id')}
${dirty('segment_emotions', 'INSERT', 'NEW.segment_id')}
${dirty('segment_emotions', 'UPDATE', 'NEW.segment_id')}
${dirty('segment_emotions', 'DELETE', 'OLD.segment_id')}
${dirty('segments', 'UPDATE', 'NEW.id')}
CREATE TRIGGER segment_keys_documents_update AFTER UPDATE OF kind, source_name, channel, created_at, score, score_scale ON documents
BEGIN INSERT OR IGNORE INTO segment_keys_dirty (segment_id) SELECT id FROM segments WHERE document_id = NEW.id; END;
INSERT INTO segment_keys_dirty (segment_id) SELECT segment_id FROM segment_analysis;
`;
