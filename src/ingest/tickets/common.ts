/**
 * Helpers shared by the ticket readers: channel names, dates, JSON document wording and JSON lines,
 * zod issue messages, and the field-length limit.
 */
import type { z } from 'zod';
import { keptNote, type ListReasons } from '../json/document.js';
import { FileRejected, type AttributeValue, type QuarantineEvent, type RawRecord, type SourceFile } from '../types.js';

/**
 * Channel names differ per tool ("voice", "web_form", "facebook"); the pipeline compares channels
 * across sources, so they are mapped onto one small lowercase vocabulary.
 */
const CHANNEL_ALIASES: Record<string, string> = {
  email: 'email',
  'e-mail': 'email',
  mail: 'email',
  'outbound email': 'email',
  outbound_email: 'email',
  web: 'web',
  web_form: 'web',
  webform: 'web',
  web_widget: 'web',
  portal: 'web',
  form: 'web',
  'feedback widget': 'web',
  feedback_widget: 'web',
  website: 'web',
  chat: 'chat',
  'live chat': 'chat',
  livechat: 'chat',
  chat_transcript: 'chat',
  native_messaging: 'chat',
  conversation: 'chat',
  voice: 'phone',
  phone: 'phone',
  call: 'phone',
  phone_call: 'phone',
  sms: 'sms',
  text: 'sms',
  facebook: 'social',
  twitter: 'social',
  x: 'social',
  instagram: 'social',
  tiktok: 'social',
  social: 'social',
  'social media': 'social',
  any_channel: 'social',
  whatsapp: 'messenger',
  facebook_messenger: 'messenger',
  messenger: 'messenger',
  telegram: 'messenger',
  line: 'messenger',
  api: 'api',
  mobile: 'app',
  mobile_sdk: 'app',
  mobihelp: 'app',
  app: 'app',
  'in-app': 'app',
  push: 'app',
};

/** Lowercase channel word, or null for an empty value. Unknown names are kept (lowercased). */
export function normaliseChannel(raw: unknown): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const key = String(raw).trim().toLowerCase().replace(/\s+/g, ' ');
  if (key === '') return null;
  const alias = (k: string): string | undefined => (Object.hasOwn(CHANNEL_ALIASES, k) ? CHANNEL_ALIASES[k] : undefined);
  return alias(key) ?? alias(key.replace(/[ -]/g, '_')) ?? key.replace(/[ _]+/g, '-');
}

/** ISO 8601 from an ISO-like string or unix seconds; null when missing or unparseable. */
export function isoDate(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') {
    // Unix seconds (Intercom); values this large are already milliseconds.
    const ms = value > 1e11 ? value : value * 1000;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (/^\d{9,10}$/.test(trimmed)) return isoDate(Number(trimmed));
  const d = new Date(trimmed);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** "comments.2.body: Invalid input: expected string, received number" for a quarantine reason. */
export function describeZodError(error: z.ZodError): { field: string | undefined; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: undefined, message: 'invalid record' };
  const path = issue.path.map(String).join('.');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return { field: path || undefined, message: `${path ? `${path}: ` : ''}${issue.message}${more}` };
}

export function invalidRecord(locator: string, what: string, error: z.ZodError, raw: unknown): QuarantineEvent {
  const { field, message } = describeZodError(error);
  return {
    type: 'quarantine',
    locator,
    field,
    reason: `not a valid ${what}: ${message}`,
    excerpt: excerptOf(raw),
  };
}

export function excerptOf(raw: unknown): string {
  try {
    return (typeof raw === 'string' ? raw : JSON.stringify(raw)).slice(0, 300);
  } catch {
    return String(raw).slice(0, 300);
  }
}

/**
 * How the ticket readers word the problems of a whole JSON document (streamed by
 * ../json/document.ts): invalid JSON names the line and column, as an editor counts them.
 */
export function documentReasons(what: string, shape: string): ListReasons {
  return {
    empty: `empty file: expected a ${what} JSON document`,
    shape,
    invalid: (p) =>
      new FileRejected(
        `invalid JSON in ${what} file at line ${p.line}, column ${p.column}${p.record ? `, in record ${p.record}` : ''}: ${p.detail}${keptNote(p.recordsBefore)}`,
        p.excerpt,
      ),
  };
}

export interface JsonLine {
  line: number;
  text: string;
}

/** Non-blank lines of a file with their 1-based numbers, read chunk by chunk (never the whole file). */
export async function* fileLines(file: SourceFile): AsyncGenerator<JsonLine> {
  let carry = '';
  let lineNo = 0;
  for await (const chunk of file.chunks()) {
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      lineNo++;
      const line = text.slice(start, nl).replace(/\r$/, '');
      if (line.trim() !== '') yield { line: lineNo, text: line };
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry.trim() !== '') yield { line: lineNo + 1, text: carry.replace(/\r$/, '') };
}

export type JsonLineResult = { ok: true; value: unknown } | { ok: false; event: QuarantineEvent };

/** One JSONL line parsed, or a quarantine event with the JSON error. */
export function parseJsonLine(l: JsonLine): JsonLineResult {
  try {
    return { ok: true, value: JSON.parse(l.text) as unknown };
  } catch (err) {
    // On one line, the character position is the column people look for.
    const message = (err instanceof Error ? err.message : String(err)).replace(/ in JSON at position (\d+).*$/, (_m, pos: string) => ` at column ${Number(pos) + 1}`);
    return {
      ok: false,
      event: { type: 'quarantine', locator: `line ${l.line}`, reason: `invalid JSON: ${message}`, excerpt: l.text.slice(0, 300) },
    };
  }
}

/**
 * A record whose text field is longer than the configured limit is quarantined as a whole, so
 * a pasted log or an attachment dump cannot swamp the analysis.
 */
export function tooLong(record: RawRecord, maxFieldChars: number): QuarantineEvent | null {
  const part = record.parts.find((p) => p.text.length > maxFieldChars);
  if (!part) return null;
  return {
    type: 'quarantine',
    locator: record.locator,
    field: part.field,
    reason: `text too long: ${part.field ?? 'a message'} has ${part.text.length} characters, the limit is ${maxFieldChars} (ingest.maxFieldChars)`,
    excerpt: part.text.slice(0, 200),
  };
}

/** Keeps only primitive values, as document attributes must be flat. */
export function primitiveAttributes(obj: Record<string, unknown> | null | undefined, stripPrefix?: RegExp): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(obj ?? {})) {
    if (v === null || v === undefined || v === '') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[stripPrefix ? k.replace(stripPrefix, '') : k] = v;
  }
  return out;
}

/** Text with visible content: null/empty/whitespace-only bodies are not messages. */
export function hasText(s: string | null | undefined): s is string {
  return typeof s === 'string' && s.trim() !== '';
}

/** First non-whitespace character of the head, to tell JSON documents from JSON lines. */
export function firstChar(head: string): string {
  return head.trimStart().charAt(0);
}

/**
 * True when the head's first line is a complete JSON object and more lines follow: JSON lines,
 * streamed line by line, rather than one document.
 */
export function headIsJsonLines(head: string): boolean {
  const trimmed = head.trimStart();
  if (!trimmed.startsWith('{')) return false;
  const nl = trimmed.indexOf('\n');
  if (nl < 0) return false;
  try {
    const first = JSON.parse(trimmed.slice(0, nl)) as unknown;
    return typeof first === 'object' && first !== null && trimmed.slice(nl + 1).trim() !== '';
  } catch {
    return false;
  }
}
