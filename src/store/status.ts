/** Read-only queries behind `voc status`. */
import { schemaVersion, type Db } from './db.js';
import type { RunRow } from './runs.js';

export interface StatusSummary {
  schemaVersion: number;
  runs: Array<Omit<RunRow, 'counts_json'> & { counts: unknown }>;
  documents: Array<{ kind: string; documents: number; segments: number; analysed_segments: number; needs_analysis: number }>;
  sources: Array<{ name: string; files: number; records: number; last_imported: string }>;
  lastRunCounts: Array<{ source: string; path: string; read: number; new: number; updated: number; unchanged: number; duplicate: number; quarantined: number; skipped_file: number }>;
  quarantineTotal: number;
  /** Warnings of the last ingest, per file and kind. */
  lastRunWarnings: Array<{ source: string; path: string; kind: string; count: number; first_locator: string; example: string }>;
}

export interface QuarantineRow {
  run_id: number;
  source_name: string;
  path: string;
  locator: string;
  field: string | null;
  reason: string;
  excerpt: string | null;
}

export function statusSummary(db: Db, runLimit: number): StatusSummary {
  const runs = (db.prepare(`SELECT * FROM runs ORDER BY id DESC LIMIT ?`).all(runLimit) as RunRow[]).map(({ counts_json, ...r }) => ({
    ...r,
    counts: counts_json ? (JSON.parse(counts_json) as unknown) : null,
  }));
  const documents = db
    .prepare(
      `SELECT d.kind AS kind, COUNT(DISTINCT d.id) AS documents, COUNT(s.id) AS segments,
              SUM(CASE WHEN s.analyse = 1 THEN 1 ELSE 0 END) AS analysed_segments,
              COUNT(DISTINCT CASE WHEN d.needs_analysis = 1 THEN d.id END) AS needs_analysis
       FROM documents d LEFT JOIN segments s ON s.document_id = d.id
       GROUP BY d.kind ORDER BY d.kind`,
    )
    .all() as StatusSummary['documents'];
  const sources = db
    .prepare(
      `SELECT name, COUNT(*) AS files, SUM(records) AS records, MAX(imported_at) AS last_imported
       FROM sources GROUP BY name ORDER BY name`,
    )
    .all() as StatusSummary['sources'];
  const lastIngest = db.prepare(`SELECT MAX(run_id) AS id FROM source_counts`).get() as { id: number | null };
  const lastRunCounts = lastIngest.id
    ? (db
        .prepare(
          `SELECT s.name AS source, s.path AS path, c.read, c.new, c.updated, c.unchanged, c.duplicate, c.quarantined, c.skipped_file
           FROM source_counts c JOIN sources s ON s.id = c.source_id WHERE c.run_id = ? ORDER BY s.name, s.path`,
        )
        .all(lastIngest.id) as StatusSummary['lastRunCounts'])
    : [];
  const lastRunWarnings = lastIngest.id
    ? (db
        .prepare(
          `SELECT s.name AS source, s.path AS path, w.kind, w.count, w.first_locator, w.example
           FROM ingest_warnings w JOIN sources s ON s.id = w.source_id WHERE w.run_id = ? ORDER BY s.name, s.path, w.kind`,
        )
        .all(lastIngest.id) as StatusSummary['lastRunWarnings'])
    : [];
  const quarantineTotal = (db.prepare(`SELECT COUNT(*) AS n FROM quarantine`).get() as { n: number }).n;
  return { schemaVersion: schemaVersion(db), runs, documents, sources, lastRunCounts, quarantineTotal, lastRunWarnings };
}

/** Quarantined rows, newest first, a page at a time (`limit` null: all of them). */
export function quarantineRows(db: Db, limit: number | null, offset = 0): QuarantineRow[] {
  return db
    .prepare(`SELECT run_id, source_name, path, locator, field, reason, excerpt FROM quarantine ORDER BY id DESC LIMIT ? OFFSET ?`)
    .all(limit ?? -1, offset) as QuarantineRow[];
}
