/**
 * Redaction of a record's fields before anything about it is stored or hashed: the external id,
 * the title, string attribute values, every string (and key) inside `meta`, and speaker names.
 * The text parts are redacted later, by `prepareRecord`, after they are normalised.
 *
 * Identifiers and field values get stable placeholders, `[EMAIL:3f2a9c1b0d4e5f67]` (the first 16
 * hex digits of the sha256 of the exact matched text): the same id always gives the same stored
 * id, so the document identity, dedup and re-ingest (`unchanged`) still work, and two different
 * ids stay two documents. The title is prose and gets plain placeholders (`[EMAIL]`), like text.
 *
 * An id made only of digits (not starting with 0) is kept as it is: it is the source system's
 * ticket or response number (Zendesk, Freshdesk, Intercom), not a phone or card number.
 */
import type { Redactor } from './prepare.js';
import type { AttributeValue, RawRecord } from './types.js';

export interface RedactedRecord {
  record: RawRecord;
  /** Redactions per type, as the text redactor counts them. */
  redactions: Record<string, number>;
}

const SYSTEM_NUMBER = /^[1-9]\d*$/;

export function redactRecordFields(record: RawRecord, redact: Redactor): RedactedRecord {
  const redactions: Record<string, number> = {};
  const run = (text: string, stable: boolean): string => {
    const out = redact(text, { stable });
    for (const [k, n] of Object.entries(out.counts)) redactions[k] = (redactions[k] ?? 0) + n;
    return out.text;
  };
  const field = (text: string): string => run(text, true);
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return field(v);
    if (Array.isArray(v)) return v.map(value);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [field(k), value(x)]));
    return v;
  };
  const { externalId, title, attributes, meta, parts } = record;
  const redacted: RawRecord = {
    ...record,
    externalId: externalId === null || SYSTEM_NUMBER.test(externalId) ? externalId : field(externalId),
    attributes: Object.fromEntries(
      Object.entries(attributes).map(([k, v]): [string, AttributeValue] => [k, typeof v === 'string' ? field(v) : v]),
    ),
    parts: parts.map((p) => (p.speaker ? { ...p, speaker: field(p.speaker) } : p)),
  };
  if (title) redacted.title = run(title, false);
  if (meta) redacted.meta = value(meta) as Record<string, unknown>;
  return { record: redacted, redactions };
}
