/**
 * Streaming CSV reading shared by the survey and ticket readers, on top of csv-parse.
 *
 * What csv-parse alone does not give: an unclosed quote makes it swallow the rest of the file
 * into one broken record. Here that costs one line: the line where the quote opened is
 * quarantined and parsing restarts on the next line. Every record carries the line it started on,
 * so quarantine messages can say "line 14".
 */
import { parse, type CsvError } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { Readable } from 'node:stream';
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
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
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

/** Yields the file's text starting at physical line `fromLine` (1-based). */
async function* textFromLine(file: SourceFile, fromLine: number): AsyncGenerator<string> {
  let toSkip = fromLine - 1;
  for await (const chunk of file.chunks()) {
    if (toSkip === 0) {
      yield chunk;
      continue;
    }
    let pos = 0;
    while (toSkip > 0) {
      const nl = chunk.indexOf('\n', pos);
      if (nl < 0) break;
      pos = nl + 1;
      toSkip--;
    }
    if (toSkip === 0 && pos < chunk.length) yield chunk.slice(pos);
  }
}

export interface CsvOptions {
  delimiter?: string;
}

/**
 * Streams CSV records (arrays of fields, no header handling) with their starting line numbers,
 * and quarantine events for records csv-parse rejects.
 */
export async function* readCsvRecords(file: SourceFile, options: CsvOptions = {}): AsyncGenerator<CsvEvent> {
  const delimiter = options.delimiter ?? sniffDelimiter(file.head);
  const state: ParseState = { columns: undefined };
  let startLine = 1;
  for (;;) {
    const restartAt = yield* parseFrom(file, startLine, delimiter, state);
    if (restartAt === null) return;
    startLine = restartAt;
  }
}

/**
 * Parses from `startLine` to the end of the file. Returns the line to restart on after an
 * unclosed quote, or null when the file is done.
 */
interface ParseState {
  /** Field count of the first record (the header): how a swallowed row is recognised. */
  columns: number | undefined;
}

async function* parseFrom(file: SourceFile, startLine: number, delimiter: string, state: ParseState): AsyncGenerator<CsvEvent, number | null> {
  const lineOffset = startLine - 1;
  const skipped: CsvError[] = [];
  const parser = Readable.from(textFromLine(file, startLine)).pipe(
    parse({
      delimiter,
      info: true,
      raw: true,
      relax_column_count: true, // column counts are checked against the header by the caller
      relax_quotes: true, // a stray quote inside a field is kept as text
      skip_records_with_error: true,
      skip_empty_lines: true,
    }),
  );
  parser.on('skip', (err: CsvError) => skipped.push(err));
  let lastEndLine = lineOffset; // last physical line consumed by a good record
  for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    for (const err of skipped.splice(0)) yield skipEvent(err, lastEndLine);
    const endLine = item.info.lines + lineOffset;
    const rawLines = countNewlines(item.raw.replace(/\r?\n$/, ''));
    const line = endLine - rawLines;
    state.columns ??= item.record.length;
    if (rawLines > 0 && swallowedRecord(item.raw, delimiter, state.columns)) {
      parser.destroy();
      yield unbalancedQuote(line);
      return line + 1;
    }
    yield { type: 'row', line, fields: item.record };
    lastEndLine = endLine;
  }
  for (const err of skipped.splice(0)) {
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      const openLine = lastEndLine + 1;
      yield unbalancedQuote(openLine);
      return openLine + 1;
    }
    yield skipEvent(err, lastEndLine);
  }
  return null;
}

function unbalancedQuote(line: number): QuarantineEvent {
  return {
    type: 'quarantine',
    locator: `line ${line}`,
    reason: `unbalanced quote: a quoted field opened on line ${line} is not closed on that line and swallows the rows after it; the line was skipped and reading resumed on line ${line + 1}`,
  };
}

/**
 * A quoted field that spans lines is normal (comments with line breaks), unless one of its inner
 * lines is a complete record on its own: then a stray quote has swallowed the following rows.
 */
function swallowedRecord(raw: string, delimiter: string, columns: number): boolean {
  if (columns < 2) return false;
  const lines = raw.replace(/\r?\n$/, '').split(/\r?\n/).slice(1);
  return lines.some((l) => {
    try {
      const rows = parseSync(l, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
      return rows.length === 1 && rows[0]!.length === columns;
    } catch {
      return false;
    }
  });
}

function skipEvent(err: CsvError, lastEndLine: number): QuarantineEvent {
  const raw = (err as CsvError & { raw?: string }).raw;
  return {
    type: 'quarantine',
    locator: `line ${lastEndLine + 1}`,
    reason: `malformed CSV: ${err.message.replace(/ at line \d+.*$/, '')}`,
    excerpt: raw,
  };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
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

function zipObject(header: readonly string[], fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
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
