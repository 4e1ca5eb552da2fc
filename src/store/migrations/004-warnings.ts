/**
 * Ingest warnings: values read but not understood (an unparsed date, a score off its scale, a
 * duplicate column name, invalid UTF-8 replaced), counted per run, file and kind, with the first
 * place each was seen. Rows are stored; warnings say what about them a person should check.
 */
export const warningsSchema = `
CREATE TABLE ingest_warnings (
  run_id        INTEGER NOT NULL REFERENCES runs(id),
  source_id     INTEGER NOT NULL REFERENCES sources(id),
  kind          TEXT NOT NULL,
  count         INTEGER NOT NULL,
  first_locator TEXT NOT NULL,
  example       TEXT NOT NULL,
  PRIMARY KEY (run_id, source_id, kind)
);
-- Rows a source's filter left out, and rows that joined a thread document as its later turns:
-- read = new + updated + unchanged + duplicate + quarantined + filtered + threaded.
ALTER TABLE source_counts ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_counts ADD COLUMN threaded INTEGER NOT NULL DEFAULT 0;
`;
