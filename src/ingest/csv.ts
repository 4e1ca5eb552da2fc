/**
 * Streaming CSV reading shared by the survey and ticket readers, on the project's RFC 4180
 * tokenizer (csv-tokenizer.ts): LF, CRLF and CR line ends, quoted line breaks, and recovery only at
 * real errors, where a stray quote costs its one line. Every record carries the line it started
 * on, so quarantine messages can say "line 14".
 */
import { CsvTokenizer, type TokenEvent } from './csv-tokenizer.js';
import type { QuarantineEvent, SourceFile } from './types.js';

export interface CsvRecord {
  type: 'row';
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
}

export type CsvEvent = CsvRecord | QuarantineEvent;

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;

/** Picks the delimiter that occurs most in the first line, outside quotes. */
export function sniffDelimiter(head: string): string {
  const firstLine = head.split(/\r\n|\r|\n/, 1)[0] ?? "";
  let best: string = ',';
  let bestCount = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    let count = 0;
    let inQuotes = false;
    for (const ch of firstLine) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === d && !inQuotes) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export interface CsvOptions {
  delimiter?: string;
}

/**
 * Streams CSV records (arrays of fields, no header handling) with their starting line numbers,
 * and quarantine events for the lines given up at real errors (see csv-tokenizer.ts).
 */
export async function* readCsvRecords(file: SourceFile, options: CsvOptions = {}): AsyncGenerator<CsvEvent> {
  const delimiter = options.delimiter ?? sniffDelimiter(file.head);
  const tokenizer = new CsvTokenizer({ delimiter });
  for await (const chunk of file.chunks()) {
    for (const ev of tokenizer.feed(chunk)) yield toEvent(ev);
  }
  for (const ev of tokenizer.end()) yield toEvent(ev);
}

function toEvent(ev: TokenEvent): CsvEvent {
  if (ev.type === 'row') return ev;
  return { type: 'quarantine', locator: `line ${ev.line}`, reason: ev.message, excerpt: ev.excerpt };
}

/**
 * Checks a data row against the header. Returns the row as an object, or a quarantine event that
 * names the expected and found column counts and shows the header.
 */
export function rowToObject(header: readonly string[], row: CsvRecord): Record<string, string> | QuarantineEvent {
  if (row.fields.length !== header.length) {
    // A trailing empty field from a trailing delimiter is harmless.
    const trimmed = row.fields.length === header.length + 1 && row.fields.at(-1) === '' ? row.fields.slice(0, -1) : null;
    if (!trimmed) {
      return {
        type: 'quarantine',
        locator: `line ${row.line}`,
        reason: `wrong column count: expected ${header.length} columns as in the header (${abbreviateHeader(header)}), found ${row.fields.length}`,
        excerpt: row.fields.join(',').slice(0, 200),
      };
    }
    return zipObject(header, trimmed);
  }
  return zipObject(header, row.fields);
}

/** Rows are keyed by the export's own column names, so they have no prototype ("constructor" is a column like any other). */
function zipObject(header: readonly string[], fields: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  header.forEach((h, i) => {
    out[h] = fields[i] ?? '';
  });
  return out;
}

export function abbreviateHeader(header: readonly string[], max = 8): string {
  const shown = header.slice(0, max).map((h) => h || '(blank)');
  return header.length > max ? `${shown.join(', ')}, ... ${header.length - max} more` : shown.join(', ');
}

/**
 * Fails with a message naming the missing columns and the header actually found. Returns the
 * missing names (empty when all are present) so callers can throw FileRejected.
 */
export function missingColumns(header: readonly string[], required: readonly string[]): string[] {
  const have = new Set(header);
  return required.filter((c) => !have.has(c));
}
