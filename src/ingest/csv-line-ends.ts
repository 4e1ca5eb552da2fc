/**
 * Where CSV records end (csv-tokenizer.ts): a file's record end is taken from its first line
 * break outside quotes (LF, CRLF or a lone CR) and only that break ends a record; the others are
 * text. Kept apart from the tokenizer's state machine because the same rule is needed three
 * times: to detect the file's line end, to end a record, and to find where a given-up record's
 * first line ends so that reading starts again after it.
 */

export const CR = 13;
export const LF = 10;
export const QUOTE = 34;

/** A file's record end. */
export type LineEnd = 'lf' | 'crlf' | 'cr';

/**
 * The record end of a file from its first line break outside quotes, or undefined when the text
 * seen so far has none (or ends in a CR whose next character is not known yet).
 */
export function detectTerminator(text: string, atEnd: boolean): LineEnd | undefined {
  let inQuotes = false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && c === LF) return 'lf';
    else if (!inQuotes && c === CR) {
      if (k + 1 < text.length) return text.charCodeAt(k + 1) === LF ? 'crlf' : 'cr';
      return atEnd ? 'cr' : undefined;
    }
  }
  return undefined;
}

/** Whether a break (c is CR or LF; `continuesCRLF`: an LF right after a CR) ends a record. */
export function endsRecord(terminator: LineEnd | undefined, c: number, continuesCRLF: boolean): boolean {
  if (terminator === 'cr') return c === CR;
  if (terminator === 'crlf') return continuesCRLF;
  return c === LF;
}

/**
 * The text after the first record end in `text`, with the number of line breaks up to and
 * including it (as an editor counts lines), or null when `text` has no record end.
 */
export function textAfterFirstLineEnd(text: string, terminator: LineEnd | undefined): { rest: string; breaks: number } | null {
  let k = 0;
  let breaks = 0;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c === LF || c === CR) {
      const crlf = c === CR && text.charCodeAt(k + 1) === LF;
      breaks++;
      const end = terminator === 'cr' ? c === CR : terminator === 'crlf' ? crlf : c === LF || crlf;
      if (end) return { rest: text.slice(crlf ? k + 2 : k + 1), breaks };
      k += crlf ? 2 : 1;
      continue;
    }
    k++;
  }
  return null;
}
