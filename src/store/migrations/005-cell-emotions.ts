/**
 * Emotions aggregated like themes, a pain measure per 100 documents and an interval for mean
 * sentiment (issue 13). Column meanings and formulas: docs/aggregation.md.
 */
export const cellEmotionsSchema = /* sql */ `
ALTER TABLE cells ADD COLUMN sentiment_low REAL;              -- 95% interval of mean_sentiment (normal approximation)
ALTER TABLE cells ADD COLUMN sentiment_high REAL;
ALTER TABLE cells ADD COLUMN neg_docs INTEGER NOT NULL DEFAULT 0; -- documents with a negative mention in the cell
ALTER TABLE cells ADD COLUMN neg_per_100 REAL;                -- 100 x neg_docs / documents in scope
ALTER TABLE cells ADD COLUMN neg_per_100_low REAL;            -- 95% Wilson interval, x 100
ALTER TABLE cells ADD COLUMN neg_per_100_high REAL;

-- Per cell and emotion: the share of the cell's segments showing the emotion.
CREATE TABLE cell_emotions (
  aggregate_id   INTEGER NOT NULL REFERENCES aggregate_runs(id) ON DELETE CASCADE,
  matrix         TEXT NOT NULL,
  row_key        TEXT NOT NULL,
  col_key        TEXT NOT NULL,
  emotion        TEXT NOT NULL,               -- emotion id (frustration-anger, confusion, ...)
  segments       INTEGER NOT NULL,            -- the cell's segments showing it
  share          REAL NOT NULL,               -- segments / cells.mentions
  wilson_low     REAL NOT NULL,               -- 95% Wilson score interval of share
  wilson_high    REAL NOT NULL,
  trend_latest   REAL,                        -- share among the cell's segments of the latest month
  trend_baseline REAL,                        -- mean share over the trailing months
  z_score        REAL,
  PRIMARY KEY (aggregate_id, matrix, row_key, col_key, emotion)
) WITHOUT ROWID;

-- Evidence for an emotion in a journey cell (stage_all, touchpoint_all): segments showing it,
-- highest emotion score first, one per document first.
CREATE TABLE cell_emotion_quotes (
  aggregate_id   INTEGER NOT NULL REFERENCES aggregate_runs(id) ON DELETE CASCADE,
  matrix         TEXT NOT NULL,
  row_key        TEXT NOT NULL,
  col_key        TEXT NOT NULL,
  emotion        TEXT NOT NULL,
  rank           INTEGER NOT NULL,
  segment_id     INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
  document_id    INTEGER NOT NULL,
  char_start     INTEGER NOT NULL,
  char_end       INTEGER NOT NULL,
  text           TEXT NOT NULL,
  sentiment_score REAL NOT NULL,
  emotion_score  REAL NOT NULL,
  PRIMARY KEY (aggregate_id, matrix, row_key, col_key, emotion, rank)
);
CREATE INDEX cell_emotion_quotes_segment ON cell_emotion_quotes(segment_id);

-- Emotion shares of the latest aggregate's cells, with theme labels where a key is a theme.
CREATE VIEW v_cell_emotions AS
SELECT e.matrix, e.row_key, e.col_key, e.emotion, c.mentions, e.segments, e.share, e.wilson_low,
  e.wilson_high, e.trend_latest, e.trend_baseline, e.z_score,
  (SELECT label FROM themes WHERE theme_id = e.row_key) AS row_label,
  (SELECT label FROM themes WHERE theme_id = e.col_key) AS col_label
FROM cell_emotions e
JOIN cells c ON c.aggregate_id = e.aggregate_id AND c.matrix = e.matrix AND c.row_key = e.row_key AND c.col_key = e.col_key
WHERE e.aggregate_id = (SELECT max(id) FROM aggregate_runs);
`;
