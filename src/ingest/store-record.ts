/**
 * Storing one record read by the ingest engine (engine.ts): the engine's own checks (oversized
 * fields), the one rule for external ids, redaction of the identifying fields, the document
 * identity and content hash, the upsert with its duplicate rules, and quarantine entries (with
 * redacted reasons and excerpts). Apart from the engine so that the engine keeps the file-level
 * flow (find, open, pick a reader, batch, count) and this file the record-level rules.
 */
import type { PipelineConfig, SourceConfig } from '../config/pipeline.js';
import type { IngestStore, WarningCount } from '../store/ingest.js';
import type { LanguageDetector } from '../text/language.js';
import { contentHash, prepareRecord, type Redactor } from './prepare.js';
import { redactRecordFields } from './redact-record.js';
import type { QuarantineEvent, RawRecord } from './types.js';

/** Excerpts kept with quarantine entries are cut to this many characters. */
export const EXCERPT_CHARS = 300;

/** What storing a record needs from the ingest run. */
export interface RecordContext {
  store: IngestStore;
  config: PipelineConfig;
  runId: number;
  redact: Redactor;
  detector: LanguageDetector;
  /** Redactions made so far in this run, by kind (added to here). */
  redactions: Record<string, number>;
}

export type Warnings = Map<string, WarningCount>;

export function warn(warnings: Warnings, kind: string, locator: string, message: string, n = 1): void {
  const w = warnings.get(kind);
  if (w) w.count += n;
  else warnings.set(kind, { count: n, locator, message });
}

/** Problems the engine checks for every format: oversized fields and records with no usable shape. */
export function checkRecord(record: RawRecord, maxFieldChars: number): QuarantineEvent | null {
  for (const part of record.parts) {
    if (part.text.length > maxFieldChars) {
      return {
        type: 'quarantine',
        locator: record.locator,
        field: part.field ?? part.speaker,
        reason: `oversized field${part.field ? ` "${part.field}"` : ''}: ${part.text.length} characters, over the ingest.maxFieldChars limit of ${maxFieldChars}`,
        excerpt: part.text.slice(0, EXCERPT_CHARS),
      };
    }
  }
  return null;
}

/**
 * The one rule for external ids, for every format: Unicode NFC, surrounding white space removed;
 * numbers and their decimal strings are the same id (JSON 1 and "1"). An id that is empty after
 * this is no id: the record is identified by its content.
 */
export function normaliseExternalId(id: string | null): string | null {
  if (id === null) return null;
  const n = id.normalize('NFC').trim();
  return n === '' ? null : n;
}

export function storeRecord(
  shared: RecordContext,
  source: SourceConfig,
  raw: RawRecord,
  sourceId: number,
  settings: string,
  path: string,
  warnings: Warnings,
): 'new' | 'updated' | 'unchanged' | 'duplicate' | 'quarantined' {
  // Id normalised, then id, title, attributes, meta and speakers redacted: identity, content hash
  // and row see only these.
  const { record, redactions: fieldRedactions } = redactRecordFields({ ...raw, externalId: normaliseExternalId(raw.externalId) }, shared.redact);
  const hash = contentHash(record, settings);
  const idPart = record.externalId !== null ? `id:${record.externalId}` : `sha256:${hash.slice(0, 32)}`;
  const identity = `${record.kind}:${source.name}:${idPart}`;
  const lastWins = shared.config.ingest.duplicateIds === 'last-wins';
  const outcome = shared.store.upsertDocument({ identity, contentHash: hash, runId: shared.runId, lastWins }, () => {
    const prepared = prepareRecord(record, shared.redact, shared.detector);
    for (const [k, n] of [...Object.entries(fieldRedactions), ...Object.entries(prepared.redactions)]) shared.redactions[k] = (shared.redactions[k] ?? 0) + n;
    const doc = {
      identity,
      kind: record.kind,
      sourceName: source.name,
      externalId: record.externalId,
      sourceId,
      locator: record.locator,
      createdAt: record.createdAt,
      score: record.score?.value ?? null,
      scoreScale: record.score?.scale ?? null,
      channel: record.channel ?? source.channel ?? null,
      title: record.title || null,
      attributes: JSON.stringify({ ...source.attributes, ...record.attributes }),
      meta: JSON.stringify(record.meta ?? {}),
      text: prepared.text,
      lang: prepared.lang,
      contentHash: hash,
      runId: shared.runId,
    };
    return { doc, segments: prepared.segments };
  });
  if (outcome !== 'conflict' && outcome !== 'replaced') return outcome;
  const first = shared.store.lastConflict;
  const where = first ? `${first.path} ${first.locator}` : 'an earlier record';
  if (outcome === 'replaced') {
    warn(warnings, 'id-conflict', record.locator, `the same id "${record.externalId}" as ${where} with different content; this later record replaced it (ingest.duplicateIds: last-wins)`);
    return 'updated';
  }
  storeQuarantine(shared, source, path, null, {
    type: 'quarantine',
    locator: record.locator,
    reason:
      `conflicting duplicate of ${where}: the same id "${record.externalId}" with different content in one run; ` +
      'the first one was kept (set ingest.duplicateIds: last-wins to keep the later one)',
  });
  return 'quarantined';
}

export function storeQuarantine(shared: RecordContext, source: SourceConfig, path: string, sha256: string | null, q: QuarantineEvent): void {
  // Excerpts are redacted too: a quarantined row may hold the same PII as a good one.
  const excerpt = q.excerpt ? shared.redact(q.excerpt.slice(0, EXCERPT_CHARS)).text : null;
  shared.store.quarantine({
    runId: shared.runId,
    sourceName: source.name,
    path,
    sha256,
    locator: q.locator,
    field: q.field ?? null,
    // Reasons can quote the input (a speaker name, a bad value): redacted like the excerpt.
    reason: shared.redact(q.reason).text,
    excerpt,
  });
}
