/** The shape of one redaction pass (redact.ts runs them in order; redact-phone.ts is one). */

/**
 * Replaces one match found at `index` in `text`; returns the placeholder (or the match itself when
 * it must stay, see `insidePlaceholder`). Counts it.
 */
export type Hit = (match: string, index: number, text: string) => string;

/** One redaction pass: returns the new text; `hit` makes each placeholder and counts it under `key`. */
export interface Pass {
  key: string;
  /** The placeholder name: `[EMAIL]`, `[PHONE]`, or the custom rule's name. */
  label: string;
  /** Cheap pre-test: skip the pass when the text cannot contain a match. */
  maybe: (text: string) => boolean;
  run: (text: string, hit: Hit) => string;
}

const HAS_DIGIT = /\d/;
export const hasDigit = (t: string): boolean => HAS_DIGIT.test(t);
