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
 * grammar (grammar.ts: whitespace is only space, tab, CR and LF; numbers, escapes and literals
 * are checked). A syntax error stops the scan with V8's wording (without "in JSON at position
 * N") and the 1-based line and column (in UTF-16 code units, as an editor counts them) of the
 * offending character, or of the end of the input when the document stops early (a truncated
 * file). Events before the error are still delivered, so a reader keeps the records it has read.
 * This file is the selection on top of the grammar: which values become events, and their text.
 */

import { EXCERPT } from './chars.js';
import { JsonGrammar } from './grammar.js';
import { JsonSyntaxError, type ElementRef, type JsonType, type Position, type ScanEvent, type Select } from './scan-types.js';

export { JsonSyntaxError, type ElementRef, type JsonType, type Mode, type Position, type ScanEvent, type Select } from './scan-types.js';

/** Feed it with `write(chunk)` and finish with `end()`; each returns the events found so far. */
export class JsonScanner extends JsonGrammar {
  private events: ScanEvent[] = [];

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

  constructor(private readonly select: Select) {
    super();
  }

  write(text: string): ScanEvent[] {
    this.feed(text);
    return this.take();
  }

  /** The input is complete: finishes a number at the very end, or reports a truncated document. */
  end(): ScanEvent[] {
    this.finish();
    return this.take();
  }

  private take(): ScanEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  protected chunkEnds(text: string): void {
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

  protected failed(): void {
    this.capturing = false;
    this.capturePieces = [];
  }

  protected currentElement(): ElementRef | null {
    if (!this.elementOpen) return null;
    return { key: this.rootIsList ? null : this.key, index: this.elementIndex };
  }

  protected keyStarts(i: number): void {
    if (this.rootIsObject && this.stack.length === 1) {
      this.keyStart = i;
      this.keyPieces = [];
    }
  }

  protected keyEnds(end: number): void {
    if (this.keyStart >= 0) {
      const last = this.chunk.slice(this.keyStart, end);
      this.key = JSON.parse(this.keyPieces.length ? this.keyPieces.join('') + last : last) as string;
      this.keyStart = -1;
      this.keyPieces = [];
    }
  }

  /** A value starts at `i` (before its container, if any, is pushed): is it one the reader wants? */
  protected valueStarts(type: JsonType, i: number): void {
    const depth = this.stack.length;
    if (depth === 0) {
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

  protected valueEnds(end: number): void {
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
      this.stop(new JsonSyntaxError(detail, this.capturePosition, text.slice(0, 2 * EXCERPT), this.captureKind === 'element' ? { key: this.captureKey, index: this.captureIndex } : null));
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
