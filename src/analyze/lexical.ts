/**
 * Lexical matching: tokenise, Porter-stem and match keyword phrases as contiguous stem sequences.
 * Embeddings find meaning; these exact matches add precision for the words customers actually use
 * ("promo code", "charged twice") and make a keyword in the codeframe a dependable lever.
 */
import { englishStopwords, porterStem, wordTokenize } from '../text/natural.js';

/** natural's English stopword list. */
export const stopwords = englishStopwords;

/** Lower-cased word tokens; apostrophes split ("don't" -> don, t) the same way for text and phrases. */
export function tokenize(text: string): string[] {
  return wordTokenize(text.toLowerCase());
}

export function stem(token: string): string {
  return porterStem(token);
}

export function stems(text: string): string[] {
  return tokenize(text).map(stem);
}

/** Matches many phrases against a text in one pass over its stems. */
export class PhraseMatcher {
  /** first stem -> [class id, the whole stem sequence] */
  private readonly index = new Map<string, Array<{ id: string; seq: string[] }>>();

  constructor(entries: Iterable<{ id: string; phrases: readonly string[] }>) {
    for (const { id, phrases } of entries) {
      for (const phrase of phrases) {
        const seq = stems(phrase);
        if (seq.length === 0) continue;
        const list = this.index.get(seq[0]!) ?? [];
        list.push({ id, seq });
        this.index.set(seq[0]!, list);
      }
    }
  }

  /** Class id -> number of matched phrases (longer phrases count more: they are more specific). */
  match(textStems: readonly string[]): Map<string, number> {
    const hits = new Map<string, number>();
    for (let i = 0; i < textStems.length; i++) {
      const candidates = this.index.get(textStems[i]!);
      if (!candidates) continue;
      for (const { id, seq } of candidates) {
        if (seq.every((s, j) => textStems[i + j] === s)) hits.set(id, (hits.get(id) ?? 0) + seq.length);
      }
    }
    return hits;
  }
}

/** Letter formulas whose words mean nothing here ("To whom it may concern" is not worry, nor a topic). */
const FORMULAS = /\b(to whom it may concern|dear sir or madam|no worries|not to worry|kind regards|best regards)\b/gi;
export function withoutFormulas(text: string): string {
  return text.replace(FORMULAS, ' ');
}
