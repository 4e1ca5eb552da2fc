/**
 * An incremental RFC 4180 CSV tokenizer: feed it decoded text in chunks of any size, get records
 * with the physical line they start on.
 *
 * - Records end at the file's line end, taken from its first line break outside quotes: LF (a CRLF
 *   also ends a record then), CRLF, or a lone CR. Other breaks outside quotes are text, as in
 *   csv-parse (real exports have tweets with bare CRs in unquoted fields). Inside a quoted field
 *   every break is kept as it is in the file. Line numbers count every break, as an editor does.
 * - A quoted field is `"..."` with `""` for a quote; spaces or tabs between the closing quote and
 *   the delimiter are ignored. A quote inside an unquoted field is kept as text (the common
 *   leniency of Python's csv and of csv-parse's relax_quotes).
 * - Lines that are empty or only white space are not records.
 *
 * Recovery happens only at real errors, never by guessing: a character after a closing quote, a
 * quoted field still open at the end of the file (or longer than `maxRecordChars`), or a record
 * that spans lines and has a different field count than the first record (the sign of a stray
 * quote that swallowed the rows after it). The record's first line is reported as an error and
 * reading starts again on the next line, so a stray quote costs one line. A valid file never
 * triggers any of these, so its rows come out exactly as a reference parser reads them.
 *
 * This file is the state machine; which breaks end a record is in csv-line-ends.ts, the error
 * events and their wording in csv-token-errors.ts.
 */
import { CR, LF, QUOTE, detectTerminator, endsRecord, textAfterFirstLineEnd, type LineEnd } from './csv-line-ends.js';
import { afterQuoteError, tokenError, type TokenError } from './csv-token-errors.js';

export type { TokenError } from './csv-token-errors.js';

export interface TokenizerOptions {
  delimiter: string;
  /** A quoted field growing past this many characters is taken as an unclosed quote. */
  maxRecordChars?: number;
}

export interface TokenRow {
  type: 'row';
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
}

export type TokenEvent = TokenRow | TokenError;

const SPACE = 32;
const TAB = 9;

const enum State {
  /** At the start of a field. */
  FieldStart,
  Unquoted,
  Quoted,
  /** Just read a quote inside a quoted field: the closing quote, or the first of `""`. */
  QuoteInQuoted,
  /** After a closing quote and optional white space: only a delimiter or line end may follow. */
  AfterQuote,
  /** After an error on the record's first line: skip to the end of that line. */
  SkipLine,
}

export const DEFAULT_MAX_RECORD_CHARS = 8_000_000;

export class CsvTokenizer {
  private readonly delim: number;
  private readonly maxRecordChars: number;
  private state: State = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private fieldQuoted = false;
  /** Physical line of the next character. */
  private line = 1;
  private recordLine = 1;
  private lastWasCR = false;
  /** A line break occurred inside a quoted field of this record. */
  private spansLines = false;
  /** Raw text of the current record from earlier chunks. */
  private raw: string[] = [];
  private rawChars = 0;
  private expectedColumns: number | undefined;
  /** The file's record end, once seen; input is held back until then. */
  private terminator: LineEnd | undefined;
  private pending = '';
  /** The line a replay starts on (after the given-up record's first line end). */
  private resumeLine = 1;

  constructor(opts: TokenizerOptions) {
    if (opts.delimiter.length !== 1) throw new Error(`CSV delimiter must be one character, got ${JSON.stringify(opts.delimiter)}`);
    this.delim = opts.delimiter.charCodeAt(0);
    this.maxRecordChars = opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  }

  feed(chunk: string): TokenEvent[] {
    const out: TokenEvent[] = [];
    if (this.terminator === undefined) {
      this.pending += chunk;
      const t = detectTerminator(this.pending, false);
      if (t === undefined && this.pending.length <= this.maxRecordChars) return out;
      this.terminator = t ?? 'lf';
      chunk = this.pending;
      this.pending = '';
    }
    this.run(chunk, out, false);
    return out;
  }

  /** Ends the input: a record in progress is emitted, an open quote is an error. */
  end(): TokenEvent[] {
    const out: TokenEvent[] = [];
    if (this.terminator === undefined) {
      this.terminator = detectTerminator(this.pending, true) ?? 'lf';
      this.run(this.pending, out, false);
      this.pending = '';
    }
    this.run('', out, true);
    return out;
  }

  private run(input: string, out: TokenEvent[], atEnd: boolean): void {
    let buf = input;
    let i = 0;
    let rawStart = 0;
    for (;;) {
      let n = buf.length;
      while (i < n) {
        const c = buf.charCodeAt(i);
        const isBreak = c === LF || c === CR;
        if (isBreak) {
          const continuesCRLF = c === LF && this.lastWasCR;
          this.lastWasCR = c === CR;
          if (!continuesCRLF) this.line++;
          if (this.state === State.Quoted) {
            this.spansLines = true;
            this.field += buf[i];
            i++;
            continue;
          }
          if (this.terminator === 'cr' && continuesCRLF) {
            // A CRLF in a CR file: the LF belongs to the record end before it.
            i++;
            rawStart = i;
            continue;
          }
          if (!endsRecord(this.terminator, c, continuesCRLF)) {
            // A break that is not the file's line end: text in an unquoted field, white space after
            // a closing quote (the CR of a CRLF), or skipped.
            if (this.state === State.FieldStart || this.state === State.Unquoted) {
              this.field += buf[i];
              this.state = State.Unquoted;
            } else if (this.state === State.QuoteInQuoted) {
              this.state = State.AfterQuote;
            }
            i++;
            continue;
          }
          // The CR of a CRLF was read as text or white space: it is part of the record end.
          if (continuesCRLF && (this.state === State.Unquoted || this.state === State.FieldStart) && this.field.endsWith('\r')) {
            this.field = this.field.slice(0, -1);
          }
          if (this.state === State.SkipLine) {
            this.resetRecord();
            i++;
            rawStart = i;
            continue;
          }
          // A record ends here (possibly an empty line).
          const err = this.endRecord(out);
          if (err) {
            // A swallowed record: read again from the line after its first line. The break at i
            // stays in the buffer so that the last replayed line ends as it did. A record with
            // no line end inside (a CRLF file's bare LF in quotes) is given up whole.
            const replay = this.giveUp(err, out, buf, rawStart, i);
            if (replay !== null) {
              buf = replay + buf.slice(i);
              n = buf.length;
              i = 0;
              rawStart = 0;
              continue;
            }
            this.resetRecord();
          }
          i++;
          rawStart = i;
          continue;
        }
        this.lastWasCR = false;
        switch (this.state) {
          case State.FieldStart:
            if (c === QUOTE) {
              this.state = State.Quoted;
              this.fieldQuoted = true;
            } else if (c === this.delim) {
              this.pushField();
            } else {
              this.field += buf[i];
              this.state = State.Unquoted;
            }
            i++;
            break;
          case State.Unquoted: {
            if (c === this.delim) {
              this.pushField();
              i++;
              break;
            }
            // Copy the run up to the next delimiter or line break at once.
            let j = i + 1;
            while (j < n) {
              const d = buf.charCodeAt(j);
              if (d === this.delim || d === LF || d === CR) break;
              j++;
            }
            this.field += buf.slice(i, j);
            i = j;
            break;
          }
          case State.Quoted: {
            // Copy up to the next quote or line break (breaks are counted above).
            let j = i;
            while (j < n) {
              const d = buf.charCodeAt(j);
              if (d === QUOTE || d === LF || d === CR) break;
              j++;
            }
            this.field += buf.slice(i, j);
            i = j;
            if (i < n && buf.charCodeAt(i) === QUOTE) {
              this.state = State.QuoteInQuoted;
              i++;
            }
            if (this.rawChars + (i - rawStart) > this.maxRecordChars) {
              const err = this.errorHere('unclosed-quote', `a quoted field opened on line ${this.recordLine} runs on for more than ${this.maxRecordChars} characters`);
              const replay = this.giveUp(err, out, buf, rawStart, i);
              if (replay === null) {
                this.state = State.SkipLine;
              } else {
                buf = replay + buf.slice(i);
                n = buf.length;
                i = 0;
                rawStart = 0;
              }
            }
            break;
          }
          case State.QuoteInQuoted:
            if (c === QUOTE) {
              this.field += '"';
              this.state = State.Quoted;
              i++;
              break;
            }
          // falls through: the quote before c closed the field
          case State.AfterQuote:
            if (c === this.delim) {
              this.pushField();
              i++;
            } else if (c === SPACE || c === TAB) {
              this.state = State.AfterQuote;
              i++;
            } else {
              const replay = this.giveUp(this.afterQuoteError(buf, i), out, buf, rawStart, i);
              if (replay === null) {
                this.state = State.SkipLine;
              } else {
                buf = replay + buf.slice(i);
                n = buf.length;
                i = 0;
                rawStart = 0;
              }
            }
            break;
          case State.SkipLine:
            i++;
            break;
        }
      }
      if (!atEnd) {
        // Keep the raw text of an unfinished record, for a replay after an error.
        if (this.state !== State.SkipLine && rawStart < n) {
          this.raw.push(buf.slice(rawStart));
          this.rawChars += n - rawStart;
        }
        return;
      }
      // End of input: an open quote, or a swallowed last record, is given up and the rest read again.
      if (this.state === State.SkipLine) {
        this.resetRecord();
        return;
      }
      const err =
        this.state === State.Quoted
          ? this.errorHere('unclosed-quote', `a quoted field opened on line ${this.recordLine} is never closed`)
          : this.endRecord(out);
      if (!err) return;
      const replay = this.giveUp(err, out, buf, rawStart, n);
      if (!replay) {
        this.resetRecord();
        return;
      }
      buf = replay;
      i = 0;
      rawStart = 0;
    }
  }

  private pushField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldQuoted = false;
    this.state = State.FieldStart;
  }

  /** Emits the finished record (or nothing for a blank line); returns an error instead of a swallowed record. */
  private endRecord(out: TokenEvent[]): TokenError | null {
    const blank = this.fields.length === 0 && !this.fieldQuoted && this.field.trim() === '';
    if (blank) {
      this.resetRecord();
      return null;
    }
    this.fields.push(this.field);
    const fields = this.fields;
    const columns = this.expectedColumns;
    if (this.spansLines && columns !== undefined && fields.length !== columns && !(fields.length === columns + 1 && fields.at(-1) === '')) {
      return this.errorHere(
        'column-count',
        `a quoted field opened on line ${this.recordLine} spans several lines and the record has ${fields.length} fields where the header has ${columns}`,
      );
    }
    this.expectedColumns ??= fields.length;
    out.push({ type: 'row', line: this.recordLine, fields });
    this.resetRecord();
    return null;
  }

  private resetRecord(): void {
    this.fields = [];
    this.field = '';
    this.fieldQuoted = false;
    this.state = State.FieldStart;
    this.spansLines = false;
    this.raw = [];
    this.rawChars = 0;
    this.recordLine = this.line;
  }

  private errorHere(kind: TokenError['kind'], detail: string): TokenError {
    return tokenError(kind, this.recordLine, detail, (this.raw.join('') + this.field).slice(0, 200));
  }

  private afterQuoteError(buf: string, i: number): TokenError {
    return afterQuoteError(buf[i] ?? '', this.fields.length + 1, this.spansLines, this.recordLine, (this.raw.join('') + this.field).slice(0, 200));
  }

  /**
   * The current record's text after its first line break (to be read again), or null when the
   * record has not yet left its first line.
   */
  private replayAfterFirstLine(buf: string, rawStart: number, i: number): string | null {
    const after = textAfterFirstLineEnd(this.raw.join('') + buf.slice(rawStart, i), this.terminator);
    if (after === null) return null;
    this.resumeLine = this.recordLine + after.breaks;
    return after.rest;
  }

  /**
   * Reports `err` and returns the current record's text after its first line end, to be read
   * again from the line after it (state reset for that), or null when the record has not left
   * its first line (the caller skips or drops it).
   */
  private giveUp(err: TokenError, out: TokenEvent[], buf: string, rawStart: number, i: number): string | null {
    out.push(err);
    const replay = this.replayAfterFirstLine(buf, rawStart, i);
    if (replay !== null) {
      this.line = this.resumeLine;
      this.lastWasCR = false;
      this.resetRecord();
    }
    return replay;
  }
}
