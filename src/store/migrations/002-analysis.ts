/**
 * What the analysis stage writes. A segment's result is current when its analysis_key equals the
 * key of the models and config in use; changing either re-analyses only what is stale.
 */
export const analysisSchema = /* sql */ `
-- Embedding cache: a text is embedded once per encoder.
CREATE TABLE embeddings (
  model_id      TEXT NOT NULL,
  text_hash     TEXT NOT NULL,
  vector        BLOB NOT NULL,                -- Float32Array bytes, L2-normalised
  PRIMARY KEY (model_id, text_hash)
) WITHOUT ROWID;

CREATE TABLE analysis_versions (
  analysis_key  TEXT PRIMARY KEY,             -- hash of models_json + config
  models_json   TEXT NOT NULL,                -- encoder, heads (with their hashes), codeframes, thresholds
  created_at    TEXT NOT NULL
);

CREATE TABLE segment_analysis (
  segment_id    INTEGER PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,
  analysis_key  TEXT NOT NULL REFERENCES analysis_versions(analysis_key),
  run_id        INTEGER REFERENCES runs(id),
  sentiment     TEXT NOT NULL CHECK (sentiment IN ('negative','neutral','positive')),
  sentiment_score REAL NOT NULL,              -- in [-1, 1]
  p_negative    REAL NOT NULL,
  p_neutral     REAL NOT NULL,
  p_positive    REAL NOT NULL,
  stage         TEXT,
  stage_confidence REAL,
  stage_signal  TEXT,                         -- model | metadata | theme-prior | ...
  touchpoint    TEXT,
  touchpoint_confidence REAL,
  touchpoint_signal TEXT,
  analyzed_at   TEXT NOT NULL
);
CREATE INDEX segment_analysis_stage ON segment_analysis(stage);

CREATE TABLE segment_emotions (
  segment_id    INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
  emotion       TEXT NOT NULL,
  score         REAL NOT NULL,
  PRIMARY KEY (segment_id, emotion)
);

CREATE TABLE segment_themes (
  segment_id    INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
  theme_id      TEXT NOT NULL,                -- leaf or parent id from the codeframe
  score         REAL NOT NULL,
  signal        TEXT NOT NULL,                -- zero-shot | head | keyword | discovered
  PRIMARY KEY (segment_id, theme_id)
);
CREATE INDEX segment_themes_theme ON segment_themes(theme_id);

CREATE TABLE document_analysis (
  document_id   INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  analysis_key  TEXT NOT NULL REFERENCES analysis_versions(analysis_key),
  sentiment     TEXT NOT NULL CHECK (sentiment IN ('negative','neutral','positive')),
  sentiment_score REAL NOT NULL,
  p_negative    REAL NOT NULL,
  p_neutral     REAL NOT NULL,
  p_positive    REAL NOT NULL,
  stage         TEXT,
  touchpoint    TEXT,
  analyzed_at   TEXT NOT NULL
);

-- The codeframe in force (snapshot per codeframe file), plus accepted discovered themes.
CREATE TABLE themes (
  theme_id      TEXT PRIMARY KEY,
  parent_id     TEXT,
  label         TEXT NOT NULL,
  description   TEXT,
  origin        TEXT NOT NULL DEFAULT 'codeframe' CHECK (origin IN ('codeframe','discovered')),
  codeframe     TEXT                          -- file it came from
);

CREATE TABLE theme_suggestions (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER REFERENCES runs(id),
  suggestion_key TEXT NOT NULL UNIQUE,        -- stable id derived from the member segments
  label         TEXT NOT NULL,
  terms         TEXT NOT NULL,                -- JSON array of distinctive terms
  quotes        TEXT NOT NULL,                -- JSON array of {segment_id, text}
  size          INTEGER NOT NULL,
  centroid      BLOB,
  status        TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','accepted','rejected')),
  created_at    TEXT NOT NULL
);
`;
