/** Runs, sources, documents, segments and quarantine: what the ingest stage writes. */
export const ingestSchema = /* sql */ `
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  command       TEXT NOT NULL,               -- ingest | analyze | aggregate | run | ...
  pipeline      TEXT,                        -- pipeline name from the config
  config_path   TEXT,
  config_hash   TEXT,                        -- sha256 prefix of the config text
  tool_version  TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  status        TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running','ok','failed','interrupted')),
  counts_json   TEXT,                        -- totals for the run, written at the end
  message       TEXT
);

-- One row per file version seen: the same path with new content is a new source row.
CREATE TABLE sources (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,               -- source name from the config
  path          TEXT NOT NULL,               -- relative to the pipeline root
  sha256        TEXT NOT NULL,
  size_bytes    INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('survey','interview','ticket')),
  format        TEXT NOT NULL,
  encoding      TEXT,
  imported_at   TEXT NOT NULL,
  run_id        INTEGER REFERENCES runs(id),
  settings_hash TEXT NOT NULL,                -- source config + text preparation settings that read it
  status        TEXT NOT NULL DEFAULT 'partial' CHECK (status IN ('partial','complete','failed')),
  records       INTEGER NOT NULL DEFAULT 0,   -- records read from it when complete
  UNIQUE (name, path, sha256)
);

-- Per run and source: read = new + updated + unchanged + duplicate + quarantined.
CREATE TABLE source_counts (
  run_id        INTEGER NOT NULL REFERENCES runs(id),
  source_id     INTEGER NOT NULL REFERENCES sources(id),
  read          INTEGER NOT NULL DEFAULT 0,
  new           INTEGER NOT NULL DEFAULT 0,
  updated       INTEGER NOT NULL DEFAULT 0,
  unchanged     INTEGER NOT NULL DEFAULT 0,
  duplicate     INTEGER NOT NULL DEFAULT 0,
  quarantined   INTEGER NOT NULL DEFAULT 0,
  skipped_file  INTEGER NOT NULL DEFAULT 0,   -- 1 when the file was already fully imported
  PRIMARY KEY (run_id, source_id)
);

-- One response, transcript or ticket.
CREATE TABLE documents (
  id            INTEGER PRIMARY KEY,
  identity      TEXT NOT NULL UNIQUE,         -- kind:source-name:external-id (or :sha256:<hash>)
  kind          TEXT NOT NULL CHECK (kind IN ('survey','interview','ticket')),
  source_name   TEXT NOT NULL,
  external_id   TEXT,
  source_id     INTEGER NOT NULL REFERENCES sources(id),
  locator       TEXT NOT NULL,                -- e.g. "line 12" or "record 3": where it was read
  created_at    TEXT,                         -- ISO 8601 when known
  score         REAL,
  score_scale   TEXT,
  channel       TEXT,
  title         TEXT,
  attributes    TEXT NOT NULL DEFAULT '{}',   -- JSON object: plan, region, persona, survey, ...
  meta          TEXT NOT NULL DEFAULT '{}',   -- JSON object: tags, priority, status, ...
  text          TEXT NOT NULL,                -- normalised, redacted; segment offsets point into it
  lang          TEXT,
  content_hash  TEXT NOT NULL,                -- hash of the record as read, before preparation
  version       INTEGER NOT NULL DEFAULT 1,
  first_run_id  INTEGER REFERENCES runs(id),
  last_run_id   INTEGER REFERENCES runs(id),
  needs_analysis INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX documents_kind_created ON documents(kind, created_at);
CREATE INDEX documents_needs_analysis ON documents(needs_analysis) WHERE needs_analysis = 1;

-- The units later stages analyse: sentences, or speaker turns split into sentences.
-- substr(documents.text, char_start + 1, char_end - char_start) = segments.text, always.
CREATE TABLE segments (
  id            INTEGER PRIMARY KEY,
  document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  idx           INTEGER NOT NULL,             -- order within the document
  part_idx      INTEGER NOT NULL,             -- which text field / turn / message it came from
  field         TEXT,                         -- question or field name
  speaker       TEXT,
  role          TEXT,                         -- participant | interviewer | customer | agent | respondent
  start_ms      INTEGER,
  end_ms        INTEGER,
  char_start    INTEGER NOT NULL,
  char_end      INTEGER NOT NULL,
  text          TEXT NOT NULL,
  text_hash     TEXT NOT NULL,                -- sha256 prefix of text: the embedding cache key
  analyse       INTEGER NOT NULL DEFAULT 1,   -- 0 for interviewer turns and agent replies
  UNIQUE (document_id, idx)
);
CREATE INDEX segments_text_hash ON segments(text_hash);

CREATE TABLE quarantine (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER REFERENCES runs(id),
  source_name   TEXT NOT NULL,
  path          TEXT NOT NULL,
  sha256        TEXT,
  locator       TEXT NOT NULL,                -- "line 14", "record 3", "file"
  field         TEXT,
  reason        TEXT NOT NULL,
  excerpt       TEXT,
  created_at    TEXT NOT NULL,
  UNIQUE (path, sha256, locator, reason)
);
`;
