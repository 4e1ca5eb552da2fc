/**
 * The record list of a single-document JSON export, streamed: a bare array of records, or an
 * object holding the array under one key (`{"conversations": [...]}`, `{"items": [...]}`), read
 * from `file.chunks()` one element at a time in flat memory (see scanner.ts), never whole.
 *
 * The container rules are the ones the whole-document readers had: other top-level members are
 * checked for syntax and ignored; an empty document, a document that is not such a list, and
 * invalid JSON reject the file. Two differences follow from streaming and are deliberate:
 * - invalid JSON after some records: those records are yielded first, then the file is rejected
 *   (the engine keeps them and quarantines the rest of the file as one entry naming the line and
 *   column); before, nothing was kept;
 * - the list key twice at the top level (`JSON.parse` silently kept the last one) rejects the
 *   file when the second one starts, rather than guessing.
 * Container problems (no list, a list that is not an array) are reported at the end of the
 * document, so a syntax error anywhere still wins, as it did with `JSON.parse`.
 */
import { FileRejected, type SourceFile } from '../types.js';
import { JsonSyntaxError, scanJson, type JsonType, type Position } from './scanner.js';

export interface ListElement {
  /** 0-based position in the list: locators say `record ${index + 1}`. */
  index: number;
  value: unknown;
  /** Where the element starts in the file. */
  position: Position;
}

/** What a reader says about invalid JSON, in its own words. */
export interface InvalidJson {
  detail: string;
  line: number;
  column: number;
  /** 1-based number of the record the error is in, when it is inside one. */
  record: number | null;
  /** Records read before the error (already handed to the reader). */
  recordsBefore: number;
  excerpt: string;
}

export interface ListReasons {
  /** The document has no value at all (empty or whitespace only). */
  empty: string;
  /** Neither an array nor an object with an array under the list key. */
  shape: string;
  invalid: (problem: InvalidJson) => FileRejected;
}

/** The facts a reader needs to word an invalid-JSON rejection. */
export function invalidJson(err: JsonSyntaxError, listKey: string, recordsBefore: number): InvalidJson {
  const inList = err.element !== null && (err.element.key === null || err.element.key === listKey);
  return {
    detail: err.detail,
    line: err.position.line,
    column: err.position.column,
    record: inList && err.element ? err.element.index + 1 : null,
    recordsBefore,
    excerpt: err.excerpt,
  };
}

/** "; the 41 records before it were read, nothing after it" (empty when none were). */
export function keptNote(recordsBefore: number): string {
  if (recordsBefore === 0) return '';
  return `; the ${recordsBefore} record${recordsBefore === 1 ? '' : 's'} before it ${recordsBefore === 1 ? 'was' : 'were'} read, nothing after it`;
}

export function duplicateKey(key: string): FileRejected {
  return new FileRejected(`the key "${key}" appears more than once at the top level of the document; keep one "${key}" list (merge them)`);
}

/** Streams the elements of the root array, or of the array under `listKey` of the root object. */
export async function* listElements(file: SourceFile, listKey: string, reasons: ListReasons): AsyncGenerator<ListElement> {
  let root: JsonType | null = null;
  let list: JsonType | null = null;
  let read = 0;
  const events = scanJson(file.chunks(), (key) => (key === null || key === listKey ? 'elements' : 'skip'));
  try {
    for await (const ev of events) {
      if (ev.type === 'root') root = ev.jsonType;
      else if (ev.type === 'member' && ev.key === listKey) {
        if (list !== null) throw duplicateKey(listKey);
        list = ev.jsonType;
      } else if (ev.type === 'element') {
        read++;
        yield { index: ev.index, value: ev.value, position: ev.position };
      }
    }
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw reasons.invalid(invalidJson(err, listKey, read));
    throw err;
  }
  if (root === null) throw new FileRejected(reasons.empty);
  if (root !== 'array' && list !== 'array') throw new FileRejected(reasons.shape);
}
