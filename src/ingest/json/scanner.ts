/**
 * An incremental JSON scanner: it checks a whole JSON document character by character, fed in
 * chunks of any size, and hands out the top-level pieces a reader asks for, one at a time, in
 * flat memory: the elements of the root array, or of arrays under chosen top-level keys
 * (`{"tickets": [...]}`), or the whole value of a chosen top-level key (a side-loaded list).
 *
 * Why hand-written and not `JSON.parse(wholeFile)`: a 210 MB export took 678 MB of memory, and a
 * file over ~512 MB cannot even become one string in V8. Why not a dependency (stream-json and
 * friends): this needs only "give me each element", which is a small state machine; the value of
 * each element is still built by `JSON.parse` on its own text (native, fast, and exactly the
 * values the whole-document parse gave).
 *
 * The scanner validates everything, including the parts nobody asked for, with JSON.parse's
 * grammar: whitespace is only space, tab, CR and LF; numbers, escapes and literals are checked.
 * A syntax error stops the scan with V8's wording (without "in JSON at position N") and the
 * 1-based line and column (in UTF-16 code units, as an editor counts them) of the offending
 * character, or of the end of the input when the document stops early (a truncated file).
 * Events before the error are still delivered, so a reader keeps the records it has read.
 */

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/**
 * What to do with the root value or a top-level member's value (decided when it starts):
 * `elements`: if it is an array, hand out each element; `value`: hand out the whole value;
 * `skip`: check its syntax and drop it.
 */
export type Mode = 'elements' | 'value' | 'skip';

/** Chooses a mode; `key` is null for the root value, else the top-level key (root objects only). */
export type Select = (key: string | null, type: JsonType) => Mode;

export interface Position {
  /** 0-based offset in UTF-16 code units from the start of the decoded text. */
  offset: number;
  line: number;
  column: number;
}

/** Which element of a top-level list the scanner was in (key null: the root array). */
export interface ElementRef {
  key: string | null;
  /** 0-based. */
  index: number;
}

export type ScanEvent =
  | { type: 'root'; jsonType: JsonType }
  /** A top-level member of a root object starts (sent for every member, chosen or not). */
  | { type: 'member'; key: string; jsonType: JsonType; position: Position }
  | { type: 'element'; key: string | null; index: number; value: unknown; position: Position }
  | { type: 'value'; key: string | null; value: unknown; position: Position };

export class JsonSyntaxError extends Error {
  constructor(
    /** V8's wording of the problem, e.g. "Expected ',' or '}' after property value". */
    readonly detail: string,
    readonly position: Position,
    /** Up to 60 characters either side of the position (the scan fills in what follows it). */
    public excerpt: string,
    /** The list element the error is in, if any. */
    readonly element: ElementRef | null,
  ) {
    super(`${detail} at line ${position.line}, column ${position.column}`);
    this.name = 'JsonSyntaxError';
  }
}

const OBJ = 1;
const ARR = 2;

// Scanner states.
const VALUE = 0; // a value must come (root, after ':' or after ',' in an array)
const ARRAY_FIRST = 1; // after '[': a value or ']'
const OBJECT_FIRST = 2; // after '{': a key or '}'
const KEY = 3; // after ',' in an object: a key
const COLON = 4;
const AFTER = 5; // after a value inside a container: ',' or the closing bracket
const STRING = 6;
const ESCAPE = 7;
const UNICODE = 8;
const MINUS = 9;
const ZERO = 10;
const INT = 11;
const DOT = 12;
const FRAC = 13;
const EXP_MARK = 14;
const EXP_SIGN = 15;
const EXP = 16;
const LITERAL = 17;
const DONE = 18; // the root value is complete: only whitespace may follow
const FAILED = 19;

const EXCERPT = 60;

/** Characters allowed after a backslash, besides `u`. */
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function token(c: number): string {
  return `Unexpected token '${String.fromCharCode(c)}'`;
}

/** Feed it with `write(chunk)` and finish with `end()`; each returns the events found so far. */
export class JsonScanner {
  /** The first syntax error; once set, the scanner ignores further input. */
  error: JsonSyntaxError | null = null;
  /** Whether the document had a value at all (false: empty or whitespace only). */
  sawRoot = false;

  private state = VALUE;
  private readonly stack: number[] = [];
  private events: ScanEvent[] = [];
  private chunk = '';
  /** Offset of the current chunk's first character in the whole text. */
  private base = 0;
  private line = 1;
  private lineStart = 0;
  /** The last characters before the current chunk, for excerpts. */
  private tail = '';
  /** Characters after the error position in its excerpt. */
  private excerptAfter = EXCERPT;

  private stringIsKey = false;
  private unicodeLeft = 0;
  private literal = '';
  private literalAt = 0;

  /** Root array: depth-1 values are elements. */
  private rootIsList = false;
  private rootIsObject = false;
  private rootElements = false;
  /** The current top-level key, once its string has been read. */
  private key: string | null = null;
  private keyStart = -1;
  private keyPieces: string[] = [];
  /** The current top-level member is an array: its depth-2 values are elements. */
  private memberIsList = false;
  private memberElements = false;
  private elementIndex = -1;
  /** Inside a list element (from its first character to its last), at stack depth `elementDepth`. */
  private elementOpen = false;
  private elementDepth = 0;

  private capturing = false;
  private captureStart = 0;
  private captureDepth = 0;
  private capturePieces: string[] = [];
  private captureKind: 'element' | 'value' = 'value';
  private captureKey: string | null = null;
  private captureIndex = 0;
  private capturePosition: Position = { offset: 0, line: 1, column: 1 };

  constructor(private readonly select: Select) {}

  write(text: string): ScanEvent[] {
    if (this.error || text.length === 0) return this.take();
    this.chunk = text;
    const n = text.length;
    let i = 0;
    while (i < n && this.state !== FAILED) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case STRING: {
          // The hot path: run to the next quote, backslash or control character.
          let j = i;
          let d = c;
          while (d !== 0x22 && d !== 0x5c && d >= 0x20) {
            if (++j === n) break;
            d = text.charCodeAt(j);
          }
          if (j === n) {
            i = n;
            break;
          }
          if (d === 0x22) this.closeString(j + 1);
          else if (d === 0x5c) this.state = ESCAPE;
          else {
            this.fail(j, 'Bad control character in string literal');
            break;
          }
          i = j + 1;
          break;
        }
        case ESCAPE:
          if (c === 0x75) {
            this.state = UNICODE;
            this.unicodeLeft = 4;
          } else if (SIMPLE_ESCAPES.has(c)) this.state = STRING;
          else {
            this.fail(i, 'Bad escaped character');
            break;
          }
          i++;
          break;
        case UNICODE:
          if (!isHex(c)) {
            this.fail(i, 'Bad Unicode escape');
            break;
          }
          if (--this.unicodeLeft === 0) this.state = STRING;
          i++;
          break;
        case VALUE:
        case ARRAY_FIRST:
          if (isWhitespace(c)) i = this.skipWhitespace(text, i) - 1;
          else if (c === 0x5d && this.state === ARRAY_FIRST) this.close(i);
          else this.beginValue(c, i);
          i++;
          break;
        case OBJECT_FIRST:
        case KEY:
          if (isWhitespace(c)) i = this.skipWhitespace(text, i) - 1;
          else if (c === 0x7d && this.state === OBJECT_FIRST) this.close(i);
          else if (c === 0x22) this.beginKey(i);
          else {
            this.fail(i, this.state === OBJECT_FIRST ? "Expected property name or '}'" : 'Expected double-quoted property name');
            break;
          }
          i++;
          break;
        case COLON:
          if (isWhitespace(c)) i = this.skipWhitespace(text, i) - 1;
          else if (c === 0x3a) this.state = VALUE;
          else {
            this.fail(i, "Expected ':' after property name");
            break;
          }
          i++;
          break;
        case AFTER: {
          const top = this.stack[this.stack.length - 1];
          if (isWhitespace(c)) i = this.skipWhitespace(text, i) - 1;
          else if (c === 0x2c) this.state = top === ARR ? VALUE : KEY;
          else if ((c === 0x5d && top === ARR) || (c === 0x7d && top === OBJ)) this.close(i);
          else {
            this.fail(i, top === ARR ? "Expected ',' or ']' after array element" : "Expected ',' or '}' after property value");
            break;
          }
          i++;
          break;
        }
        case MINUS:
          if (c === 0x30) this.state = ZERO;
          else if (isDigit(c)) this.state = INT;
          else {
            this.fail(i, 'No number after minus sign');
            break;
          }
          i++;
          break;
        case ZERO:
        case INT:
          if (isDigit(c)) {
            if (this.state === ZERO) {
              this.fail(i, 'Unexpected number');
              break;
            }
          } else if (c === 0x2e) this.state = DOT;
          else if (c === 0x65 || c === 0x45) this.state = EXP_MARK;
          else {
            this.endValue(i); // the number ends before this character, which is read again
            break;
          }
          i++;
          break;
        case DOT:
          if (!isDigit(c)) {
            this.fail(i, 'Unterminated fractional number');
            break;
          }
          this.state = FRAC;
          i++;
          break;
        case FRAC:
          if (c === 0x65 || c === 0x45) this.state = EXP_MARK;
          else if (!isDigit(c)) {
            this.endValue(i);
            break;
          }
          i++;
          break;
        case EXP_MARK:
        case EXP_SIGN:
          if (isDigit(c)) this.state = EXP;
          else if ((c === 0x2b || c === 0x2d) && this.state === EXP_MARK) this.state = EXP_SIGN;
          else {
            this.fail(i, 'Exponent part is missing a number');
            break;
          }
          i++;
          break;
        case EXP:
          if (!isDigit(c)) {
            this.endValue(i);
            break;
          }
          i++;
          break;
        case LITERAL:
          if (c !== this.literal.charCodeAt(this.literalAt)) {
            this.fail(i, token(c));
            break;
          }
          if (++this.literalAt === this.literal.length) this.endValue(i + 1);
          i++;
          break;
        case DONE:
          if (!isWhitespace(c)) {
            this.fail(i, 'Unexpected non-whitespace character after JSON');
            break;
          }
          i = this.skipWhitespace(text, i);
          break;
      }
    }
    if (this.state !== FAILED) {
      // Pieces that go on in the next chunk.
      if (this.capturing) {
        this.capturePieces.push(text.slice(this.captureStart));
        this.captureStart = 0;
      }
      if (this.keyStart >= 0) {
        this.keyPieces.push(text.slice(this.keyStart));
        this.keyStart = 0;
      }
    }
    this.tail = (this.tail + text.slice(-EXCERPT)).slice(-EXCERPT);
    this.base += n;
    this.chunk = '';
    return this.take();
  }

  /** The input is complete: finishes a number at the very end, or reports a truncated document. */
  end(): ScanEvent[] {
    if (this.error) return this.take();
    this.chunk = '';
    switch (this.state) {
      case ZERO:
      case INT:
      case FRAC:
      case EXP:
        this.endValue(0);
        break;
      case MINUS:
        this.fail(0, 'No number after minus sign');
        break;
      case DOT:
        this.fail(0, 'Unterminated fractional number');
        break;
      case EXP_MARK:
      case EXP_SIGN:
        this.fail(0, 'Exponent part is missing a number');
        break;
      case STRING:
      case ESCAPE:
      case UNICODE:
        this.fail(0, 'Unterminated string (the file ends inside a string: truncated?)');
        break;
    }
    if (this.state !== FAILED && this.state !== DONE && this.sawRoot) {
      const open = this.stack.length;
      this.fail(0, open === 0 ? 'Unexpected end of JSON input' : `Unexpected end of JSON input (the file ends inside ${open} unclosed array${open === 1 ? '' : 's'} or object${open === 1 ? '' : 's'}: truncated?)`);
    }
    return this.take();
  }

  /**
   * After an error near the end of a chunk, the following chunks' first characters complete the
   * excerpt; returns true once it has all it needs.
   */
  addExcerpt(text: string): boolean {
    if (!this.error) return true;
    const more = text.slice(0, EXCERPT - this.excerptAfter);
    this.error.excerpt += more;
    this.excerptAfter += more.length;
    return this.excerptAfter >= EXCERPT;
  }

  private take(): ScanEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  private position(i: number): Position {
    const offset = this.base + i;
    return { offset, line: this.line, column: offset - this.lineStart + 1 };
  }

  /** Skips the whitespace run starting at `i`, counting lines; returns the index after it. */
  private skipWhitespace(text: string, i: number): number {
    const n = text.length;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        this.line++;
        this.lineStart = this.base + i + 1;
      } else if (c !== 0x20 && c !== 0x0d && c !== 0x09) break;
    }
    return i;
  }

  private fail(i: number, detail: string): void {
    const text = this.chunk;
    const before = i >= EXCERPT ? text.slice(i - EXCERPT, i) : this.tail.slice(this.tail.length - (EXCERPT - i)) + text.slice(0, i);
    const after = text.slice(i, i + EXCERPT);
    this.excerptAfter = after.length;
    this.error = new JsonSyntaxError(detail, this.position(i), before + after, this.currentElement());
    this.state = FAILED;
    this.capturing = false;
    this.capturePieces = [];
  }

  private currentElement(): ElementRef | null {
    if (!this.elementOpen) return null;
    return { key: this.rootIsList ? null : this.key, index: this.elementIndex };
  }

  private beginKey(i: number): void {
    this.state = STRING;
    this.stringIsKey = true;
    if (this.rootIsObject && this.stack.length === 1) {
      this.keyStart = i;
      this.keyPieces = [];
    }
  }

  private closeString(end: number): void {
    if (!this.stringIsKey) {
      this.endValue(end);
      return;
    }
    this.stringIsKey = false;
    this.state = COLON;
    if (this.keyStart >= 0) {
      const last = this.chunk.slice(this.keyStart, end);
      this.key = JSON.parse(this.keyPieces.length ? this.keyPieces.join('') + last : last) as string;
      this.keyStart = -1;
      this.keyPieces = [];
    }
  }

  private beginValue(c: number, i: number): void {
    let type: JsonType;
    if (c === 0x7b) type = 'object';
    else if (c === 0x5b) type = 'array';
    else if (c === 0x22) type = 'string';
    else if (c === 0x2d || isDigit(c)) type = 'number';
    else if (c === 0x74 || c === 0x66) type = 'boolean';
    else if (c === 0x6e) type = 'null';
    else {
      this.fail(i, token(c));
      return;
    }
    this.valueStarts(type, i);
    switch (c) {
      case 0x7b:
        this.stack.push(OBJ);
        this.state = OBJECT_FIRST;
        break;
      case 0x5b:
        this.stack.push(ARR);
        this.state = ARRAY_FIRST;
        break;
      case 0x22:
        this.stringIsKey = false;
        this.state = STRING;
        break;
      case 0x2d:
        this.state = MINUS;
        break;
      case 0x30:
        this.state = ZERO;
        break;
      case 0x74:
      case 0x66:
      case 0x6e:
        this.literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
        this.literalAt = 1;
        this.state = LITERAL;
        break;
      default:
        this.state = INT;
    }
  }

  /** A value starts at `i` (before its container, if any, is pushed): is it one the reader wants? */
  private valueStarts(type: JsonType, i: number): void {
    const depth = this.stack.length;
    if (depth === 0) {
      this.sawRoot = true;
      this.events.push({ type: 'root', jsonType: type });
      const mode = this.select(null, type);
      this.rootIsList = type === 'array';
      this.rootIsObject = type === 'object';
      this.rootElements = this.rootIsList && mode === 'elements';
      if (mode === 'value') this.startCapture(i, 'value', null, 0);
    } else if (depth === 1) {
      if (this.rootIsList) {
        this.openElement();
        if (this.rootElements) this.startCapture(i, 'element', null, this.elementIndex);
      } else {
        const key = this.key ?? '';
        const mode = this.select(key, type);
        this.events.push({ type: 'member', key, jsonType: type, position: this.position(i) });
        this.memberIsList = type === 'array';
        this.memberElements = this.memberIsList && mode === 'elements';
        this.elementIndex = -1;
        if (mode === 'value') this.startCapture(i, 'value', key, 0);
      }
    } else if (depth === 2 && this.memberIsList) {
      this.openElement();
      if (this.memberElements) this.startCapture(i, 'element', this.key, this.elementIndex);
    }
  }

  private openElement(): void {
    this.elementIndex++;
    this.elementOpen = true;
    this.elementDepth = this.stack.length;
  }

  private startCapture(i: number, kind: 'element' | 'value', key: string | null, index: number): void {
    this.capturing = true;
    this.captureStart = i;
    this.captureDepth = this.stack.length;
    this.capturePieces = [];
    this.captureKind = kind;
    this.captureKey = key;
    this.captureIndex = index;
    this.capturePosition = this.position(i);
  }

  private close(i: number): void {
    this.stack.pop();
    this.endValue(i + 1);
  }

  /** A value ended just before `end` (an index in the current chunk). */
  private endValue(end: number): void {
    this.state = this.stack.length === 0 ? DONE : AFTER;
    if (this.capturing && this.stack.length === this.captureDepth) this.finishCapture(end);
    if (this.elementOpen && this.stack.length === this.elementDepth) this.elementOpen = false;
    if (this.stack.length === 1 && this.rootIsObject) {
      this.memberIsList = false;
      this.memberElements = false;
    }
  }

  private finishCapture(end: number): void {
    const last = this.chunk.slice(this.captureStart, end);
    const text = this.capturePieces.length ? this.capturePieces.join('') + last : last;
    this.capturing = false;
    this.capturePieces = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // Cannot happen while this scanner follows JSON.parse's grammar; if it ever does, the
      // element is reported as invalid JSON at its start rather than crashing the reader.
      const detail = (err instanceof Error ? err.message : String(err)).replace(/ in JSON at position \d+.*$/, '');
      this.error = new JsonSyntaxError(detail, this.capturePosition, text.slice(0, 2 * EXCERPT), this.captureKind === 'element' ? { key: this.captureKey, index: this.captureIndex } : null);
      this.state = FAILED;
      return;
    }
    const position = this.capturePosition;
    if (this.captureKind === 'element') this.events.push({ type: 'element', key: this.captureKey, index: this.captureIndex, value, position });
    else this.events.push({ type: 'value', key: this.captureKey, value, position });
  }
}

/** Scans a chunked text; yields the events, then throws the syntax error if there is one. */
export async function* scanJson(chunks: AsyncIterable<string>, select: Select): AsyncGenerator<ScanEvent> {
  const scanner = new JsonScanner(select);
  for await (const chunk of chunks) {
    if (scanner.error) {
      if (scanner.addExcerpt(chunk)) break;
      continue;
    }
    yield* scanner.write(chunk);
    if (scanner.error && scanner.addExcerpt('')) break;
  }
  if (!scanner.error) yield* scanner.end();
  if (scanner.error) throw scanner.error;
}
