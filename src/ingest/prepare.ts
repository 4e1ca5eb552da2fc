/**
 * Text preparation of one record before it is stored: normalise each part (HTML to text, e-mail
 * quotes and signatures off), redact PII, join the parts into the document text, and split each part
 * into sentence segments whose offsets point into that text.
 *
 * The order matters: redaction runs before anything is stored or hashed for the cache, and offsets
 * are computed on the final (redacted) text so a quote can always be traced back.
 */
import { createHash } from 'node:crypto';
import { cleanEmailBody } from '../text/email.js';
import type { LanguageDetector } from '../text/language.js';
import { normalizeText } from '../text/normalize.js';
import { splitSentences } from '../text/sentences.js';
import type { SegmentInput } from '../store/ingest.js';
import type { RawRecord } from './types.js';

/** Parts are separated by a blank line in the stored document text. */
export const PART_SEPARATOR = '\n\n';

/** The text redactor (src/text/redact.ts); `stable` placeholders are for ids and field values. */
export type Redactor = (text: string, options?: { stable?: boolean }) => { text: string; counts: Record<string, number> };

export interface PreparedDocument {
  text: string;
  lang: string | null;
  segments: SegmentInput[];
  redactions: Record<string, number>;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Embedding-cache key of a segment: short but collision-safe for our volumes. */
export function textHash(text: string): string {
  return sha256Hex(text).slice(0, 32);
}

/**
 * A stable hash of what was read (not where: line numbers may shift between exports), so an
 * unchanged record is recognised as unchanged and an edited one as updated.
 */
export function contentHash(record: RawRecord, settingsHash: string): string {
  const canonical = JSON.stringify([
    settingsHash,
    record.externalId,
    record.createdAt,
    record.score,
    record.channel,
    record.title ?? null,
    sortedEntries(record.attributes),
    record.meta ? sortedEntries(record.meta) : null,
    record.parts.map((p) => [p.field ?? null, p.text, p.html ?? false, p.speaker ?? null, p.role ?? null, p.startMs ?? null, p.endMs ?? null, p.analyse]),
  ]);
  return sha256Hex(canonical);
}

function sortedEntries(obj: Record<string, unknown>): [string, unknown][] {
  return Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A line that only greets ("Hi team,", "Good morning,", "To whom it may concern,") says nothing about
 * the experience: it is stored with its message but not analysed, so it neither dilutes sentiment
 * nor counts as an unthemed comment.
 */
const SALUTATION =
  /^(?:hi|hello|hey|hiya|howdy|dear|greetings|good (?:morning|afternoon|evening|day)|morning|afternoon|evening|to whom it may concern)(?:(?:\s+[\p{L}'’-]+){1,4}\s*[,:!]|\s*[,:!.]?)$/iu;

export function isSalutation(sentence: string): boolean {
  return sentence.length <= 60 && sentence.split(/\s+/).length <= 6 && SALUTATION.test(sentence.trim());
}

function cleanPart(text: string, html: boolean, email: boolean): string {
  let t = normalizeText(text, { html });
  if (email) t = normalizeText(cleanEmailBody(t));
  return t;
}

export function prepareRecord(record: RawRecord, redact: Redactor, detector: LanguageDetector | null): PreparedDocument {
  const pieces: string[] = [];
  const segments: SegmentInput[] = [];
  const redactions: Record<string, number> = {};
  let offset = 0;
  record.parts.forEach((part, partIdx) => {
    const cleaned = cleanPart(part.text, part.html ?? false, part.email ?? false);
    if (!cleaned) return;
    const { text, counts } = redact(cleaned);
    for (const [k, n] of Object.entries(counts)) redactions[k] = (redactions[k] ?? 0) + n;
    if (pieces.length) offset += PART_SEPARATOR.length;
    for (const span of splitSentences(text)) {
      const sentence = text.slice(span.start, span.end);
      segments.push({
        idx: segments.length,
        partIdx,
        field: part.field ?? null,
        speaker: part.speaker ?? null,
        role: part.role ?? null,
        startMs: part.startMs ?? null,
        endMs: part.endMs ?? null,
        charStart: offset + span.start,
        charEnd: offset + span.end,
        text: sentence,
        textHash: textHash(sentence),
        analyse: part.analyse && !isSalutation(sentence),
      });
    }
    pieces.push(text);
    offset += text.length;
  });
  const text = pieces.join(PART_SEPARATOR);
  const lang = detector && text ? detector.detect(text.slice(0, 1000).replace(/\s+/g, ' ')).lang : null;
  return { text, lang, segments, redactions };
}
