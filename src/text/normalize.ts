/**
 * Text normalisation applied to every text part before redaction and storage.
 *
 * Unicode NFC (not NFKC): NFKC would rewrite content such as "½" to "1⁄2", "²" to "2" or full-width
 * Japanese forms, changing what customers wrote; NFC only unifies equivalent encodings of the same
 * characters (e.g. "é" as one code point or e + combining accent), which is what hashing and
 * matching need.
 */
import { htmlToText } from './html.js';

/** Zero-width characters, BOMs, soft hyphens and the Mongolian vowel separator: invisible, removed. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060\uFEFF]/g;
/** Line-ending like characters (form feed, vertical tab, NEL, line/paragraph separators) become \n. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const LINE_BREAKS = /\r\n?|[\u000B\u000C\u0085\u2028\u2029]/g;
/** Remaining C0/C1 control characters except \t and \n. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g;
/** Tabs, no-break and typographic spaces (en/em/thin/hair/narrow no-break/ideographic space). */
const ODD_SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;
const SPACE_RUNS = / {2,}/g;
/** Spaces at either end of a line carry no meaning once tabs and indents are flattened. */
const LINE_EDGE_SPACES = / *\n */g;
const MANY_NEWLINES = /\n{3,}/g;

export interface NormalizeOptions {
  /** The text is HTML: convert it to plain text first. */
  html?: boolean;
}

/** Normalises text for storage: see docs/text-preparation.md for the exact steps. */
export function normalizeText(text: string, opts: NormalizeOptions = {}): string {
  let t = opts.html ? htmlToText(text) : text;
  t = t.normalize('NFC');
  t = t.replace(LINE_BREAKS, '\n');
  t = t.replace(INVISIBLE, '');
  t = t.replace(CONTROLS, '');
  t = t.replace(ODD_SPACES, ' ');
  t = t.replace(SPACE_RUNS, ' ');
  t = t.replace(LINE_EDGE_SPACES, '\n');
  t = t.replace(MANY_NEWLINES, '\n\n');
  return t.trim();
}

const HTML_TAG =
  /<\/?(?:p|br|div|span|a|b|i|u|em|strong|ul|ol|li|table|thead|tbody|tr|td|th|h[1-6]|html|body|head|img|blockquote|pre|font|hr|section|article|header|footer|small|sup|sub|center)(?:\s[^<>]*)?\/?>/i;
const HTML_ENTITY = /&(?:[a-z][a-z0-9]{1,7}|#\d{2,7}|#x[0-9a-f]{2,6});/i;

/**
 * True when the text looks like HTML (common tags or character entities). A bare "<3" or an
 * address in angle brackets ("<ann@example.com>") is not HTML.
 */
export function looksLikeHtml(text: string): boolean {
  return HTML_TAG.test(text) || HTML_ENTITY.test(text);
}
