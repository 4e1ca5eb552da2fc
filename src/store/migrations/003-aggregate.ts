/**
 * What the aggregation stage writes (owned by src/aggregate/), plus read-only views for people who
 * query the database directly. Column meanings and formulas: docs/aggregation.md.
 *
 * Every aggregate is kept (one aggregate_runs row each) so a cell can be compared with the same
 * cell of the previous aggregate; v_cell_metrics and v_quotes show only the latest one.
 */
export const aggregateSchema = /* sql */ `
CREATE TABLE aggregate_runs (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER REFERENCES runs(id),
  created_at     TEXT NOT NULL,
  analysis_key   TEXT,                        -- distinct analysis keys of the segments used, comma-joined
  config_hash    TEXT,                        -- config hash of the run that made it
  params_json    TEXT NOT NULL,               -- the validated aggregate: section used
  segment_count  INTEGER NOT NULL,
  document_count INTEGER NOT NULL,
  latest_month   TEXT,                        -- YYYY-MM the trend columns compare against
  overall_json   TEXT NOT NULL                -- global negative rate, overall NPS and its counts
);

-- One row per cell of each matrix (rows x columns of two dimensions, e.g. stage x theme).
CREATE TABLE cells (
  aggregate_id   INTEGER NOT NULL REFERENCES aggregate_runs(id) ON DELETE CASCADE,
  matrix         TEXT NOT NULL,               -- <rows>_<cols>: stage_theme, stage_touchpoint, attr:plan_stage, ...
  row_key        TEXT NOT NULL,
  col_key        TEXT NOT NULL,
  mentions       INTEGER NOT NULL,            -- analysed segments in the cell
  documents      INTEGER NOT NULL,            -- distinct documents
  negative       INTEGER NOT NULL,            -- segments labelled negative
  negative_share REAL NOT NULL,
  wilson_low     REAL NOT NULL,               -- 95% Wilson score interval of negative_share
  wilson_high    REAL NOT NULL,
  mean_sentiment REAL NOT NULL,               -- mean sentiment_score in [-1, 1]
  pain_index     REAL NOT NULL,               -- shrunk negative share x ln(1 + mentions)
  mean_score     REAL,                        -- mean document score on score_scale
  score_scale    TEXT,                        -- the most common scale among the cell's scored documents
  nps            REAL,                        -- NPS of the cell's nps-scale documents
  nps_docs       INTEGER NOT NULL DEFAULT 0,
  nps_impact     REAL,                        -- overall NPS gain if the cell's detractors became passives
  trend_prev     REAL,                        -- pain_index of the same cell in the previous aggregate
  trend_month    TEXT,                        -- latest month (YYYY-MM)
  trend_latest   REAL,                        -- negative mentions in the latest month / all segments that month
  trend_baseline REAL,                        -- mean of the same share over the trailing months
  z_score        REAL,
  anomaly        INTEGER NOT NULL DEFAULT 0,  -- 1 when z_score >= threshold with enough volume
  series_json    TEXT NOT NULL DEFAULT '[]',  -- [{month, mentions, negative, share}]
  PRIMARY KEY (aggregate_id, matrix, row_key, col_key)
) WITHOUT ROWID;

CREATE TABLE cell_quotes (
  aggregate_id   INTEGER NOT NULL REFERENCES aggregate_runs(id) ON DELETE CASCADE,
  matrix         TEXT NOT NULL,
  row_key        TEXT NOT NULL,
  col_key        TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('typical','negative')),
  rank           INTEGER NOT NULL,
  segment_id     INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
  document_id    INTEGER NOT NULL,
  char_start     INTEGER NOT NULL,            -- offsets into documents.text
  char_end       INTEGER NOT NULL,
  text           TEXT NOT NULL,
  sentiment_score REAL NOT NULL,
  PRIMARY KEY (aggregate_id, matrix, row_key, col_key, kind, rank)
);
CREATE INDEX cell_quotes_segment ON cell_quotes(segment_id);

-- One row per analysed segment with its document fields, analysis, themes and emotions.
CREATE VIEW v_segment_facts AS
SELECT
  s.id AS segment_id, s.document_id, d.external_id, d.kind, d.source_name, d.locator,
  d.created_at, substr(d.created_at, 1, 7) AS month, d.score, d.score_scale, d.channel,
  d.attributes, d.lang, s.idx, s.role, s.speaker, s.field, s.char_start, s.char_end, s.text,
  a.sentiment, a.sentiment_score, a.p_negative, a.p_neutral, a.p_positive,
  COALESCE(a.stage, 'unknown') AS stage, a.stage_confidence,
  COALESCE(a.touchpoint, 'unknown') AS touchpoint, a.touchpoint_confidence, a.analysis_key,
  (SELECT json_group_array(json_object('theme_id', x.theme_id, 'score', x.score))
     FROM (SELECT theme_id, score FROM segment_themes t WHERE t.segment_id = s.id
           ORDER BY score DESC, theme_id) x) AS themes_json,
  (SELECT json_group_array(json_object('emotion', x.emotion, 'score', x.score))
     FROM (SELECT emotion, score FROM segment_emotions e WHERE e.segment_id = s.id
           ORDER BY score DESC, emotion) x) AS emotions_json
FROM segments s
JOIN documents d ON d.id = s.document_id
JOIN segment_analysis a ON a.segment_id = s.id
WHERE s.analyse = 1;

-- Cells of the latest aggregate, with theme labels where the key is a theme.
CREATE VIEW v_cell_metrics AS
SELECT c.*, r.created_at AS aggregated_at,
  (SELECT label FROM themes WHERE theme_id = c.row_key) AS row_label,
  (SELECT label FROM themes WHERE theme_id = c.col_key) AS col_label
FROM cells c
JOIN aggregate_runs r ON r.id = c.aggregate_id
WHERE c.aggregate_id = (SELECT max(id) FROM aggregate_runs);

-- Evidence quotes of the latest aggregate, with where each came from.
CREATE VIEW v_quotes AS
SELECT q.matrix, q.row_key, q.col_key, q.kind, q.rank, q.segment_id, q.document_id,
  d.external_id, d.source_name, d.locator, d.created_at, q.char_start, q.char_end,
  q.sentiment_score, q.text
FROM cell_quotes q
JOIN documents d ON d.id = q.document_id
WHERE q.aggregate_id = (SELECT max(id) FROM aggregate_runs);
`;
