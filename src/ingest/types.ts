/**
 * The contract between format readers and the ingest engine.
 *
 * A reader turns one decoded export file into a stream of events: records (one survey response,
 * transcript or ticket) or quarantine notices (a row that could not be read, with a reason a person
 * can act on). Readers never touch the database and never prepare text (normalising, redacting,
 * splitting is done by the engine through src/text/); they only map the format onto `RawRecord`.
 */
import type { Format, SourceConfig, SourceKind } from '../config/pipeline.js';

export type AttributeValue = string | number | boolean | null;

/** Who wrote a part of a document. Only some roles are analysed (see `RawPart.analyse`). */
export type Role = 'respondent' | 'participant' | 'interviewer' | 'customer' | 'agent' | 'system';

/** One block of text within a record: a survey answer, a speaker turn, a ticket message. */
export interface RawPart {
  /** Question id/text, or field name ("description", "comment", "Q3"), for traceability. */
  field?: string;
  text: string;
  /** The text is HTML and must be converted to plain text. */
  html?: boolean;
  /**
   * The text is an e-mail-like message whose quoted replies and signature must be stripped
   * (ticket bodies). The engine applies src/text cleaning when this is set.
   */
  email?: boolean;
  speaker?: string;
  role?: Role;
  startMs?: number;
  endMs?: number;
  /** Whether later stages analyse this part (participant turns, customer messages, answers). */
  analyse: boolean;
}

export interface RawScore {
  value: number;
  scale: 'nps' | 'csat5' | 'csat7' | 'ces7' | 'stars5' | 'rating10' | 'rating100' | 'yesno';
}

export interface RawRecord {
  kind: SourceKind;
  /** The export's own id (ResponseId, ticket id, file name for a transcript); null: content hash. */
  externalId: string | null;
  /** Where the record was read: "line 12", "record 3", "file". Shown in messages and stored. */
  locator: string;
  /** ISO 8601 date-time, or null when unknown or unparseable. */
  createdAt: string | null;
  score: RawScore | null;
  channel: string | null;
  title?: string | null;
  attributes: Record<string, AttributeValue>;
  /** Format-specific extras kept for people and later rules: tags, priority, status, question texts. */
  meta?: Record<string, unknown>;
  /** Values of this record that were read but not understood (also kept in meta.warnings). */
  warnings?: RecordWarning[];
  parts: RawPart[];
}

export interface RecordEvent {
  type: 'record';
  record: RawRecord;
}

export interface QuarantineEvent {
  type: 'quarantine';
  /** "line 14", "record 3", "cue 7", or "file" for the whole file. */
  locator: string;
  field?: string;
  /** What was wrong, in words a researcher can act on. */
  reason: string;
  /** A short raw excerpt (the engine truncates it). */
  excerpt?: string;
}

/** What a warning is about; counted per file and kind in the ingest summary and `voc status`. */
export type WarningKind = 'unparsed-date' | 'invalid-score' | 'duplicate-column' | 'invalid-utf8' | 'empty-id' | 'unknown-role' | 'id-conflict';

export interface RecordWarning {
  kind: WarningKind;
  message: string;
}

/** A problem with the file or a row that does not stop it being stored (e.g. a renamed duplicate column). */
export interface WarningEvent extends RecordWarning {
  type: 'warning';
  locator: string;
}

/**
 * A row that is read but is not a record of its own: left out by the source's filter, or stored as
 * a later turn of a thread document. Counted, so that read rows reconcile against the file.
 */
export interface SkipEvent {
  type: 'skip';
  why: 'filtered' | 'threaded';
  locator: string;
}

export type ReaderEvent = RecordEvent | QuarantineEvent | WarningEvent | SkipEvent;

/** A decoded export file, as the engine hands it to a reader. */
export interface SourceFile {
  absPath: string;
  /** Path relative to the pipeline root, as shown to people. */
  relPath: string;
  sha256: string;
  sizeBytes: number;
  /** Encoding used to decode (detected or declared). */
  encoding: string;
  /** The first decoded characters (up to 64 KiB), BOM removed: for sniffing formats and headers. */
  head: string;
  /**
   * The decoded text as a stream of chunks, BOM removed. Use this for line, CSV and JSON formats
   * (JSON documents: src/ingest/json/), so memory stays flat up to `ingest.maxFileBytes`.
   */
  chunks(): AsyncIterable<string>;
  /**
   * The whole decoded text, BOM removed, for formats that need it whole (transcripts). V8 cannot
   * hold a string over ~512 MB, so never use it for exports that can grow that large.
   */
  readAll(): Promise<string>;
  /** After reading: invalid byte sequences the decoder replaced with U+FFFD. */
  invalidSequences?(): number;
}

export interface ReaderContext {
  source: SourceConfig;
  file: SourceFile;
  /** Pipeline root (absolute): sidecar files named in config are resolved against it, never outside. */
  rootDir: string;
  limits: { maxFieldChars: number };
}

/**
 * A reader. Throw `FileRejected` for a problem that makes the whole file unreadable (missing
 * required column, invalid JSON, empty file); yield quarantine events for single bad records.
 */
export type Reader = (ctx: ReaderContext) => AsyncIterable<ReaderEvent>;

export interface FormatModule {
  format: Exclude<Format, 'auto'>;
  kind: SourceKind;
  /**
   * How sure this format is that the file is in it, 0 (no) to 1 (certain), from the file name and
   * the first decoded characters. Used when the source says `format: auto`.
   */
  sniff(head: string, fileName: string): number;
  read: Reader;
}

/** The whole file cannot be read in this format; the engine quarantines it with this reason. */
export class FileRejected extends Error {
  constructor(
    reason: string,
    readonly excerpt?: string,
  ) {
    super(reason);
    this.name = 'FileRejected';
  }
}

/**
 * Readers word their record warnings with a fixed start ("date ...", "score ...", "empty id ..."):
 * this gives each its kind for the per-file counts.
 */
export function recordWarnings(messages: readonly string[]): RecordWarning[] {
  return messages.map((message) => ({
    kind: message.startsWith('date ') ? 'unparsed-date' : message.startsWith('empty id') ? 'empty-id' : 'invalid-score',
    message,
  }));
}
