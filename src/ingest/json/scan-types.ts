/**
 * The types the JSON scanner (scanner.ts) hands out and its syntax error, apart from the grammar
 * (grammar.ts) and the selection (scanner.ts) so that both, and the readers, import them from one
 * place.
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
