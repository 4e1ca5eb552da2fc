/**
 * The ingest engine: for every configured source, find its files, open and decode each, pick its
 * reader, and store every record (new, updated, unchanged or duplicate) or quarantine it with a
 * reason. Records are written in batched transactions, so a killed run leaves the database
 * consistent and the next run carries on without duplicates; memory stays flat with file size.
 *
 * Counts reconcile per source and file: read = new + updated + unchanged + duplicate + quarantined.
 * How one record is checked, identified and stored (or quarantined) is in store-record.ts.
 */
import { basename, resolve } from 'node:path';
import type { PipelineConfig, SourceConfig } from '../config/pipeline.js';
import type { Db } from '../store/db.js';
import { IngestStore, emptyCounts, type SourceCounts, type WarningCount } from '../store/ingest.js';
import { createLanguageDetector } from '../text/language.js';
import { createRedactor } from '../text/redact.js';
import { storageErrorCode } from '../store/errors.js';
import { formatModule, sniffFormat } from './formats.js';
import { sha256Hex } from './prepare.js';
import { UserError } from '../util/errors.js';
import { findSourceFiles, openSourceFile, type FoundFile } from './source-file.js';
import { checkRecord, storeQuarantine, storeRecord, warn, type RecordContext, type Warnings } from './store-record.js';
import { FileRejected, type FormatModule, type RawRecord, type SourceFile } from './types.js';

export { normaliseExternalId } from './store-record.js';

/** Bump when text preparation changes in a way that should re-prepare stored documents. */
export const PREPARATION_VERSION = 2; // 2: salutation-only segments are not analysed

export interface FileReport extends SourceCounts {
  source: string;
  path: string;
  format: string;
  encoding: string | null;
  /** Why the whole file was quarantined or skipped, when it was. */
  note?: string;
  /** Values read but not understood, by kind, with the first place seen. */
  warnings?: Record<string, WarningCount>;
}

export interface IngestReport {
  runId: number;
  files: FileReport[];
  totals: SourceCounts;
  refusedPaths: string[];
  redactions: Record<string, number>;
}

export interface IngestOptions {
  /** Re-read files even when the same file version was already fully imported. */
  force?: boolean;
  /** Called after each file; the CLI prints a line. */
  onFile?: (report: FileReport) => void;
  /** Called every batch with records read so far in the current file (progress bars). */
  onProgress?: (path: string, recordsRead: number) => void;
  /** Stop after this many records in total (tests simulate a kill with it). */
  stopAfterRecords?: number;
}

interface Shared extends RecordContext {
  db: Db;
  rootDir: string;
  options: IngestOptions;
  recordsSeen: number;
}

/** Thrown (and caught by the CLI) when `stopAfterRecords` is reached, like a kill mid-file. */
export class IngestStopped extends Error {}

export async function ingestPipeline(db: Db, config: PipelineConfig, runId: number, options: IngestOptions = {}): Promise<IngestReport> {
  const shared: Shared = {
    db,
    store: new IngestStore(db),
    config,
    rootDir: resolve(config.root),
    runId,
    redact: createRedactor(config.redaction),
    detector: await createLanguageDetector(),
    options,
    redactions: {},
    recordsSeen: 0,
  };
  const files: FileReport[] = [];
  const refusedPaths: string[] = [];
  for (const source of config.sources) {
    const found = await findSourceFiles(shared.rootDir, source.paths);
    refusedPaths.push(...found.refused);
    if (found.files.length === 0) {
      refusedPaths.push(`${source.name}: no file matches ${source.paths.join(', ')}`);
    }
    for (const file of found.files) {
      const report = await ingestFile(shared, source, file);
      files.push(report);
      options.onFile?.(report);
    }
  }
  const totals = emptyCounts();
  for (const f of files) for (const k of Object.keys(totals) as (keyof SourceCounts)[]) totals[k] += f[k];
  return { runId, files, totals, refusedPaths, redactions: shared.redactions };
}

/** Everything that decides how a file is read and prepared: a change means "read it again". */
function settingsHash(source: SourceConfig, config: PipelineConfig): string {
  return sha256Hex(JSON.stringify([PREPARATION_VERSION, source, config.redaction, config.ingest.maxFieldChars])).slice(0, 16);
}

async function ingestFile(shared: Shared, source: SourceConfig, found: FoundFile): Promise<FileReport> {
  const { store, runId, config } = shared;
  const counts = emptyCounts();
  const report = (format: string, encoding: string | null, note?: string): FileReport => ({
    source: source.name,
    path: found.relPath,
    format,
    encoding,
    ...counts,
    ...(note ? { note } : {}),
  });
  const settings = settingsHash(source, config);
  let opened: Awaited<ReturnType<typeof openSourceFile>>;
  try {
    opened = await openSourceFile(found, source.encoding, config.ingest.maxFileBytes);
  } catch (err) {
    // Deleted or made unreadable between listing and reading: said, not a crash; the sources after
    // it are still read, and the file is read when it is back.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'EPERM' && code !== 'EISDIR') throw err;
    const why = code === 'ENOENT' ? 'the file disappeared between listing and reading' : `the file cannot be read (${code})`;
    return quarantineWholeFile(shared, source, found, { sha256: `unreadable:${code}`, sizeBytes: 0, settings }, `${why}; nothing from it is stored, and it is read on the next run if it is there`);
  }
  if (!opened.ok) {
    return quarantineWholeFile(shared, source, found, { sha256: opened.sha256, sizeBytes: opened.sizeBytes, settings }, opened.reason, opened.excerpt);
  }
  const file = opened.file;
  const previous = store.findSource({ name: source.name, path: file.relPath, sha256: file.sha256 });
  if (previous && previous.status !== 'partial' && previous.settings_hash === settings && !shared.options.force) {
    counts.skippedFile = 1;
    store.saveCounts(runId, previous.id, counts);
    const what = previous.status === 'complete' ? `already imported (${previous.records} records read)` : 'already quarantined';
    return report('-', file.encoding, `${what}; the file has not changed since`);
  }
  const module = pickFormat(source, file);
  if (!module) {
    const reason =
      source.format === 'auto'
        ? `cannot tell the format of this ${source.kind} file; set "format" in the source config (one of the ${source.kind} formats)`
        : `no reader for format "${source.format}"`;
    return quarantineWholeFile(shared, source, found, { sha256: file.sha256, sizeBytes: file.sizeBytes, settings }, reason, file.head.slice(0, 200));
  }
  const sourceId = store.beginSource({
    name: source.name,
    path: file.relPath,
    sha256: file.sha256,
    sizeBytes: file.sizeBytes,
    kind: source.kind,
    format: module.format,
    encoding: file.encoding,
    settingsHash: settings,
    runId,
  });
  const warnings: Warnings = new Map();
  try {
    await readRecords(shared, source, module, file, sourceId, settings, counts, warnings);
  } catch (err) {
    // A config mistake (e.g. a missing sidecar file) stops the run; so does a simulated kill, and
    // so does a storage failure (full disk, I/O error, read-only): the file stays unfinished
    // ('partial') so that the next run reads it again.
    if (err instanceof UserError || err instanceof IngestStopped || storageErrorCode(err)) throw err;
    // Records before the failure (if any) stay stored; the rest of the file is one quarantine entry.
    const reason =
      err instanceof FileRejected
        ? err.message
        : `unexpected error while reading this file (please report it): ${(err as Error).message}`;
    counts.read += 1;
    counts.quarantined += 1;
    storeQuarantine(shared, source, file.relPath, file.sha256, {
      type: 'quarantine',
      locator: 'file',
      reason,
      excerpt: err instanceof FileRejected ? err.excerpt : undefined,
    });
  }
  shared.db.transaction(() => {
    store.finishSource(sourceId, 'complete', counts.read);
    store.saveCounts(runId, sourceId, counts);
    store.saveWarnings(runId, sourceId, warnings);
  })();
  return { ...report(module.format, file.encoding), ...(warnings.size ? { warnings: Object.fromEntries(warnings) } : {}) };
}

function pickFormat(source: SourceConfig, file: SourceFile): FormatModule | undefined {
  if (source.format !== 'auto') return formatModule(source.format);
  return sniffFormat(source.kind, file.head, basename(file.relPath));
}

async function readRecords(
  shared: Shared,
  source: SourceConfig,
  module: FormatModule,
  file: SourceFile,
  sourceId: number,
  settings: string,
  counts: SourceCounts,
  warnings: Warnings,
): Promise<void> {
  const { db, config } = shared;
  const batchSize = config.ingest.batchSize;
  let batch: Array<() => void> = [];
  const flush = () => {
    if (!batch.length) return;
    const work = batch;
    batch = [];
    db.transaction(() => work.forEach((w) => w()))();
    shared.options.onProgress?.(file.relPath, counts.read);
  };
  const ctx = { source, file, rootDir: shared.rootDir, limits: { maxFieldChars: config.ingest.maxFieldChars } };
  // Nested in the batch transaction, this is a savepoint: a failing record rolls back alone.
  const storeOne = db.transaction((record: RawRecord) => storeRecord(shared, source, record, sourceId, settings, file.relPath, warnings));
  // Whatever happens (a rejected file, a kill signal's exception), records already read are committed.
  try {
    for await (const event of module.read(ctx)) {
      if (event.type === 'warning') {
        warn(warnings, event.kind, event.locator, event.message);
        continue;
      }
      counts.read += 1;
      if (event.type === 'skip') {
        counts[event.why] += 1;
        continue;
      }
      if (event.type === 'record') for (const w of event.record.warnings ?? []) warn(warnings, w.kind, event.record.locator, w.message);
      if (event.type === 'quarantine') {
        counts.quarantined += 1;
        batch.push(() => storeQuarantine(shared, source, file.relPath, file.sha256, event));
      } else {
        const problem = checkRecord(event.record, config.ingest.maxFieldChars);
        if (problem) {
          counts.quarantined += 1;
          batch.push(() => storeQuarantine(shared, source, file.relPath, file.sha256, problem));
        } else {
          const record = event.record;
          // Counting happens inside the transaction so counts match what was committed.
          batch.push(() => {
            try {
              counts[storeOne(record)] += 1;
            } catch (err) {
              // A storage failure rolls back the whole batch and stops the run.
              if (storageErrorCode(err)) throw err;
              // Only this record's savepoint rolled back: quarantine it rather than lose the batch.
              counts.quarantined += 1;
              storeQuarantine(shared, source, file.relPath, file.sha256, {
                type: 'quarantine',
                locator: record.locator,
                reason: `could not store this record (please report it): ${(err as Error).message}`,
              });
            }
          });
        }
      }
      if (batch.length >= batchSize) flush();
      shared.recordsSeen += 1;
      if (shared.options.stopAfterRecords !== undefined && shared.recordsSeen >= shared.options.stopAfterRecords) {
        flush();
        throw new IngestStopped(`stopped after ${shared.recordsSeen} records`);
      }
    }
  } finally {
    flush();
  }
  const invalid = file.invalidSequences?.() ?? 0;
  if (invalid > 0) {
    warn(warnings, 'invalid-utf8', 'file', `${invalid} invalid UTF-8 byte sequence(s) replaced with U+FFFD; the rest of the file is valid UTF-8 (set "encoding" if it is another encoding)`, invalid);
  }
}

function quarantineWholeFile(
  shared: Shared,
  source: SourceConfig,
  found: FoundFile,
  file: { sha256: string; sizeBytes: number; settings: string },
  reason: string,
  excerpt?: string,
): FileReport {
  const { store, runId } = shared;
  const counts = { ...emptyCounts(), read: 1, quarantined: 1 };
  shared.db.transaction(() => {
    const sourceId = store.beginSource({
      name: source.name,
      path: found.relPath,
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      kind: source.kind,
      format: source.format === 'auto' ? 'unknown' : source.format,
      encoding: null,
      settingsHash: file.settings,
      runId,
    });
    storeQuarantine(shared, source, found.relPath, file.sha256, { type: 'quarantine', locator: 'file', reason, excerpt });
    store.finishSource(sourceId, 'failed', 1);
    store.saveCounts(runId, sourceId, counts);
  })();
  return { source: source.name, path: found.relPath, format: source.format, encoding: null, ...counts, note: reason };
}
