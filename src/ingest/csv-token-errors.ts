/**
 * The CSV tokenizer's error events (csv-tokenizer.ts) and their wording. A record given up on
 * (an unclosed quote, a swallowed record, a character after a closing quote) costs its first
 * line; the message says which line was skipped and where reading resumed, so a user can find it.
 */

export interface TokenError {
  type: 'error';
  /** The line that is given up; reading resumed on the line after it. */
  line: number;
  kind: 'unclosed-quote' | 'after-quote' | 'column-count';
  message: string;
  excerpt: string;
}

/** The error for the record that starts on `recordLine`; `excerpt` is its text so far. */
export function tokenError(kind: TokenError['kind'], recordLine: number, detail: string, excerpt: string): TokenError {
  const multi = kind !== 'after-quote';
  return {
    type: 'error',
    line: recordLine,
    kind,
    message: multi
      ? `unbalanced quote: ${detail}; line ${recordLine} was skipped and reading resumed on line ${recordLine + 1}`
      : `malformed CSV: ${detail}; the line was skipped`,
    excerpt,
  };
}

/**
 * A character `char` after the closing quote of field `fieldNumber` (1-based). In a record that
 * already spans lines it is the sign of a stray quote, and it is worded as one.
 */
export function afterQuoteError(char: string, fieldNumber: number, spansLines: boolean, recordLine: number, excerpt: string): TokenError {
  const ch = JSON.stringify(char);
  const err = tokenError('after-quote', recordLine, `character ${ch} after the closing quote of field ${fieldNumber} (a quote inside a quoted field must be doubled)`, excerpt);
  if (spansLines) {
    err.message = `unbalanced quote: a quoted field opened on line ${err.line} ends with a stray ${ch} after its closing quote; line ${err.line} was skipped and reading resumed on line ${err.line + 1}`;
  }
  return err;
}
