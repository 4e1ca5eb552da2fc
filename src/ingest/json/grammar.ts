/**
 * The JSON grammar, checked character by character over chunks of any size, exactly as
 * JSON.parse reads it (whitespace is only space, tab, CR and LF; numbers, escapes and literals are
 * checked), with V8's wording for errors and the 1-based line and column (UTF-16 code units) of
 * the offending character, or of the end of the input when the document stops early.
 *
 * This class only validates and keeps the position; it tells a subclass where keys and values
 * start and end (the hooks below), and the subclass (scanner.ts) decides what to hand out. Split
 * this way so that the hot loop over characters stays in one place, apart from the bookkeeping of
 * which elements a reader asked for.
 */
import { EXCERPT, isDigit, isHex, isWhitespace, SIMPLE_ESCAPES, token } from './chars.js';
import { JsonSyntaxError, type ElementRef, type JsonType, type Position } from './scan-types.js';

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

export abstract class JsonGrammar {
  /** The first syntax error; once set, further input is ignored. */
  error: JsonSyntaxError | null = null;
  /** Whether the document had a value at all (false: empty or whitespace only). */
  sawRoot = false;

  protected state = VALUE;
  protected readonly stack: number[] = [];
  /** The chunk being read (indices passed to the hooks are into it). */
  protected chunk = '';
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

  /** A value of this type starts at `i`; `stack.length` is its depth (its own bracket not pushed yet). */
  protected abstract valueStarts(type: JsonType, i: number): void;
  /** The value that started last at the current depth ended just before `end`. */
  protected abstract valueEnds(end: number): void;
  /** An object key (its opening quote) starts at `i`. */
  protected abstract keyStarts(i: number): void;
  /** The key's closing quote is just before `end`. */
  protected abstract keyEnds(end: number): void;
  /** The current chunk is read to its end without an error; `text` is that chunk. */
  protected abstract chunkEnds(text: string): void;
  /** A syntax error was found (after `error` is set). */
  protected abstract failed(): void;
  /** The list element the scan is in, for the error. */
  protected abstract currentElement(): ElementRef | null;

  /** Reads the next chunk of the document. */
  protected feed(text: string): void {
    if (this.error || text.length === 0) return;
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
    if (this.state !== FAILED) this.chunkEnds(text);
    this.tail = (this.tail + text.slice(-EXCERPT)).slice(-EXCERPT);
    this.base += n;
    this.chunk = '';
  }

  /** The input is complete: finishes a number at the very end, or reports a truncated document. */
  protected finish(): void {
    if (this.error) return;
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

  /** Stops the scan with `error` (a problem found outside the grammar). */
  protected stop(error: JsonSyntaxError): void {
    this.error = error;
    this.state = FAILED;
  }

  protected position(i: number): Position {
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

  protected fail(i: number, detail: string): void {
    const text = this.chunk;
    const before = i >= EXCERPT ? text.slice(i - EXCERPT, i) : this.tail.slice(this.tail.length - (EXCERPT - i)) + text.slice(0, i);
    const after = text.slice(i, i + EXCERPT);
    this.excerptAfter = after.length;
    this.error = new JsonSyntaxError(detail, this.position(i), before + after, this.currentElement());
    this.state = FAILED;
    this.failed();
  }

  private beginKey(i: number): void {
    this.state = STRING;
    this.stringIsKey = true;
    this.keyStarts(i);
  }

  private closeString(end: number): void {
    if (!this.stringIsKey) {
      this.endValue(end);
      return;
    }
    this.stringIsKey = false;
    this.state = COLON;
    this.keyEnds(end);
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
    if (this.stack.length === 0) this.sawRoot = true;
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

  private close(i: number): void {
    this.stack.pop();
    this.endValue(i + 1);
  }

  /** A value ended just before `end` (an index in the current chunk). */
  private endValue(end: number): void {
    this.state = this.stack.length === 0 ? DONE : AFTER;
    this.valueEnds(end);
  }
}
