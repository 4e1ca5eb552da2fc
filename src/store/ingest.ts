/**
 * SQL for the ingest stage: runs, sources, documents, segments, quarantine, counts.
 * Statements are prepared once per connection and reused for every row.
 */
import type { Db } from './db.js';
import { now } from './runs.js';

export interface SourceRow {
  id: number;
  status: 'partial' | 'complete' | 'failed';
  settings_hash: string;
  records: number;
}

export interface SourceKey {
  name: string;
  path: string;
  sha256: string;
}

export interface SourceInfo extends SourceKey {
  sizeBytes: number;
  kind: string;
  format: string;
  encoding: string | null;
  settingsHash: string;
  runId: number;
}

export interface DocumentInput {
  identity: string;
  kind: string;
  sourceName: string;
  externalId: string | null;
  sourceId: number;
  locator: string;
  createdAt: string | null;
  score: number | null;
  scoreScale: string | null;
  channel: string | null;
  title: string | null;
  attributes: string;
  meta: string;
  text: string;
  lang: string | null;
  contentHash: string;
  runId: number;
}

export interface SegmentInput {
  idx: number;
  partIdx: number;
  field: string | null;
  speaker: string | null;
  role: string | null;
  startMs: number | null;
  endMs: number | null;
  charStart: number;
  charEnd: number;
  text: string;
  textHash: string;
  analyse: boolean;
}

export interface QuarantineInput {
  runId: number;
  sourceName: string;
  path: string;
  sha256: string | null;
  locator: string;
  field: string | null;
  reason: string;
  excerpt: string | null;
}

export interface SourceCounts {
  read: number;
  new: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  quarantined: number;
  /** Rows the source's `filter` left out. */
  filtered: number;
  /** Rows stored as later turns of a thread document (mapping.thread). */
  threaded: number;
  skippedFile: number;
}

/** One kind of ingest warning in one file: how many, where first, and that first message. */
export interface WarningCount {
  count: number;
  locator: string;
  message: string;
}

export function emptyCounts(): SourceCounts {
  return { read: 0, new: 0, updated: 0, unchanged: 0, duplicate: 0, quarantined: 0, filtered: 0, threaded: 0, skippedFile: 0 };
}

/**
 * 'conflict': this run already stored a record with the same identity and different content;
 * 'replaced': the same, with lastWins, so the later record replaced it.
 */
export type UpsertOutcome = 'new' | 'updated' | 'unchanged' | 'duplicate' | 'conflict' | 'replaced';

/** Prepared statements for one ingest: create once, use for every record. */
export class IngestStore {
  private readonly findSourceStmt;
  private readonly insertSourceStmt;
  private readonly updateSourceStmt;
  private readonly completeSourceStmt;
  private readonly findDocStmt;
  private readonly insertDocStmt;
  private readonly updateDocStmt;
  private readonly touchDocStmt;
  private readonly deleteSegmentsStmt;
  private readonly insertSegmentStmt;
  private readonly insertQuarantineStmt;
  private readonly upsertCountsStmt;

  constructor(readonly db: Db) {
    this.findSourceStmt = db.prepare(`SELECT id, status, settings_hash, records FROM sources WHERE name = ? AND path = ? AND sha256 = ?`);
    this.insertSourceStmt = db.prepare(
      `INSERT INTO sources (name, path, sha256, size_bytes, kind, format, encoding, imported_at, run_id, settings_hash, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'partial')`,
    );
    this.updateSourceStmt = db.prepare(
      `UPDATE sources SET kind = ?, format = ?, encoding = ?, imported_at = ?, run_id = ?, settings_hash = ?, status = 'partial' WHERE id = ?`,
    );
    this.completeSourceStmt = db.prepare(`UPDATE sources SET status = ?, records = ? WHERE id = ?`);
    this.findDocStmt = db.prepare(
      `SELECT d.id, d.content_hash, d.last_run_id, d.locator, s.path FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.identity = ?`,
    );
    this.insertDocStmt = db.prepare(
      `INSERT INTO documents (identity, kind, source_name, external_id, source_id, locator, created_at, score, score_scale,
         channel, title, attributes, meta, text, lang, content_hash, first_run_id, last_run_id, needs_analysis)
       VALUES (@identity, @kind, @sourceName, @externalId, @sourceId, @locator, @createdAt, @score, @scoreScale,
         @channel, @title, @attributes, @meta, @text, @lang, @contentHash, @runId, @runId, 1)`,
    );
    this.updateDocStmt = db.prepare(
      `UPDATE documents SET source_id = @sourceId, locator = @locator, created_at = @createdAt, score = @score,
         score_scale = @scoreScale, channel = @channel, title = @title, attributes = @attributes, meta = @meta,
         text = @text, lang = @lang, content_hash = @contentHash, last_run_id = @runId, version = version + 1,
         needs_analysis = 1
       WHERE id = @id`,
    );
    this.touchDocStmt = db.prepare(`UPDATE documents SET last_run_id = ? WHERE id = ?`);
    this.deleteSegmentsStmt = db.prepare(`DELETE FROM segments WHERE document_id = ?`);
    this.insertSegmentStmt = db.prepare(
      `INSERT INTO segments (document_id, idx, part_idx, field, speaker, role, start_ms, end_ms, char_start, char_end, text, text_hash, analyse)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertQuarantineStmt = db.prepare(
      `INSERT OR IGNORE INTO quarantine (run_id, source_name, path, sha256, locator, field, reason, excerpt, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertCountsStmt = db.prepare(
      `INSERT INTO source_counts (run_id, source_id, read, new, updated, unchanged, duplicate, quarantined, filtered, threaded, skipped_file)
       VALUES (@runId, @sourceId, @read, @new, @updated, @unchanged, @duplicate, @quarantined, @filtered, @threaded, @skippedFile)
       ON CONFLICT (run_id, source_id) DO UPDATE SET read = excluded.read, new = excluded.new, updated = excluded.updated,
         unchanged = excluded.unchanged, duplicate = excluded.duplicate, quarantined = excluded.quarantined,
         filtered = excluded.filtered, threaded = excluded.threaded, skipped_file = excluded.skipped_file`,
    );
  }

  findSource(key: SourceKey): SourceRow | undefined {
    return this.findSourceStmt.get(key.name, key.path, key.sha256) as SourceRow | undefined;
  }

  /** Creates the source row for a file version (or resets a partial one) and returns its id. */
  beginSource(info: SourceInfo): number {
    const existing = this.findSource(info);
    if (existing) {
      this.updateSourceStmt.run(info.kind, info.format, info.encoding, now(), info.runId, info.settingsHash, existing.id);
      return existing.id;
    }
    const res = this.insertSourceStmt.run(
      info.name,
      info.path,
      info.sha256,
      info.sizeBytes,
      info.kind,
      info.format,
      info.encoding,
      now(),
      info.runId,
      info.settingsHash,
    );
    return Number(res.lastInsertRowid);
  }

  finishSource(sourceId: number, status: 'complete' | 'failed', records: number): void {
    this.completeSourceStmt.run(status, records, sourceId);
  }

  /**
   * Stores one prepared document. Identity decides new vs existing; the content hash decides
   * unchanged vs updated; a second sighting within the same run is a duplicate.
   */
  upsertDocument(
    key: { identity: string; contentHash: string; runId: number; lastWins?: boolean },
    /** Text preparation is the costly part: it only runs for a new or changed record. */
    build: () => { doc: DocumentInput; segments: readonly SegmentInput[] },
  ): UpsertOutcome {
    const found = this.findDocStmt.get(key.identity) as { id: number; content_hash: string; last_run_id: number; locator: string; path: string | null } | undefined;
    if (!found) {
      const { doc, segments } = build();
      const id = Number(this.insertDocStmt.run(doc).lastInsertRowid);
      this.insertSegments(id, segments);
      return 'new';
    }
    const sameRun = found.last_run_id === key.runId;
    if (found.content_hash === key.contentHash) {
      if (sameRun) return 'duplicate';
      this.touchDocStmt.run(key.runId, found.id);
      return 'unchanged';
    }
    if (sameRun) this.lastConflict = { path: found.path ?? '?', locator: found.locator };
    if (sameRun && !key.lastWins) return 'conflict';
    const { doc, segments } = build();
    this.updateDocStmt.run({ ...doc, id: found.id });
    this.deleteSegmentsStmt.run(found.id);
    this.insertSegments(found.id, segments);
    return sameRun ? 'replaced' : 'updated';
  }

  /** Where the record that the last 'conflict' or 'replaced' outcome met was read. */
  lastConflict: { path: string; locator: string } | null = null;

  private insertSegments(documentId: number, segments: readonly SegmentInput[]): void {
    for (const s of segments) {
      this.insertSegmentStmt.run(
        documentId,
        s.idx,
        s.partIdx,
        s.field,
        s.speaker,
        s.role,
        s.startMs,
        s.endMs,
        s.charStart,
        s.charEnd,
        s.text,
        s.textHash,
        s.analyse ? 1 : 0,
      );
    }
  }

  quarantine(q: QuarantineInput): void {
    this.insertQuarantineStmt.run(q.runId, q.sourceName, q.path, q.sha256, q.locator, q.field, q.reason, q.excerpt, now());
  }

  saveWarnings(runId: number, sourceId: number, warnings: ReadonlyMap<string, WarningCount>): void {
    const stmt = this.db.prepare(
      `INSERT INTO ingest_warnings (run_id, source_id, kind, count, first_locator, example) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, source_id, kind) DO UPDATE SET count = excluded.count`,
    );
    for (const [kind, w] of warnings) stmt.run(runId, sourceId, kind, w.count, w.locator, w.message);
  }

  saveCounts(runId: number, sourceId: number, c: SourceCounts): void {
    this.upsertCountsStmt.run({ runId, sourceId, ...c });
  }
}
