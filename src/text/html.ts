/**
 * HTML to plain text for ticket bodies and survey answers exported as HTML.
 *
 * We keep what a person wrote and drop what a browser would add: link text stays but link URLs are
 * not appended (they are noise for analysis and often carry tracking ids), images are dropped, list
 * items become lines, block elements are separated by blank lines. Word wrap is off because line
 * breaks end sentences downstream.
 */
import { compile, type HtmlToTextOptions } from 'html-to-text';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  // Upper-casing headings would change the words the models see.
  options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
}));

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  preserveNewlines: false,
  decodeEntities: true,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'ol', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: 'p', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    { selector: 'hr', format: 'skip' },
    ...HEADINGS,
  ],
};

// Compiling once is several times faster than calling `convert` per document.
const converter = compile(OPTIONS);

/** Converts an HTML fragment or document to plain text (entities decoded, no link URLs). */
export function htmlToText(html: string): string {
  if (!html) return '';
  return converter(html);
}
