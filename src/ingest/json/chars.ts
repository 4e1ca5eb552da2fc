/** Character classes of the JSON grammar (grammar.ts) and the size of error excerpts. */

/** Characters of context either side of an error in its excerpt. */
export const EXCERPT = 60;

/** Characters allowed after a backslash, besides `u`. */
export const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

export function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function token(c: number): string {
  return `Unexpected token '${String.fromCharCode(c)}'`;
}
