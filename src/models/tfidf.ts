/**
 * Word unigram + bigram TF-IDF features with a vocabulary learned from training texts, optionally
 * with character n-grams inside words. Sublinear tf, smooth idf, L2-normalised rows: the classic
 * strong baseline for short feedback, complementary to sentence embeddings (it sees exact product
 * words and negations; character n-grams also see misspellings, elongations and word parts).
 */
import { porterStem } from '../text/natural.js';

export interface TfidfSpec {
  vocabulary: string[];
  idf: number[];
  /** Porter-stem words before building n-grams (helps when there are few examples per label). */
  stem?: boolean;
  /** Also character n-grams of these lengths [min, max] within each space-padded word. */
  chars?: [number, number];
}

const stemCache = new Map<string, string>();

function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = porterStem(word);
    if (stemCache.size < 200_000) stemCache.set(word, s);
  }
  return s;
}

export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Contractions split the way people mean them, so "don't" and "do not" share the "not" token. */
const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\bcan't\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/n't\b/g, ' not'],
  [/'(re|ve|ll|d|m|s)\b/g, ' $1'],
];

/** Lower-cased word tokens (letters/digits, any script); apostrophes normalised first. */
export function wordTokens(text: string): string[] {
  let t = text.toLowerCase().replace(/[\u2019\u2018`]/g, "'");
  for (const [re, rep] of CONTRACTIONS) t = t.replace(re, rep);
  return t.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Unigrams and adjacent bigrams ("late delivery" -> "late", "delivery", "late delivery"), plus
 * character n-grams of the unstemmed words when `chars` is given (" la", "lat", "ate", "te "...).
 * Character terms start with "#", which no word term can (tokens are letters and digits).
 */
export function terms(text: string, stemmed = false, chars?: readonly [number, number]): string[] {
  const raw = wordTokens(text);
  const words = stemmed ? raw.map(stem) : raw;
  const out = words.slice();
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]} ${words[i + 1]}`);
  if (chars) for (const w of raw) charGrams(w, chars[0], chars[1], out);
  return out;
}

function charGrams(word: string, min: number, max: number, out: string[]): void {
  const padded = ` ${word} `;
  for (let n = min; n <= max; n++) for (let i = 0; i + n <= padded.length; i++) out.push(`#${padded.slice(i, i + n)}`);
}

export interface FitOptions {
  /** A term must occur in at least this many texts (default 2). */
  minDf?: number;
  /** Keep at most this many terms, the most frequent first (default 30,000; 60,000 with chars). */
  maxFeatures?: number;
  stem?: boolean;
  chars?: [number, number];
}

export function fitTfidf(texts: readonly string[], options: FitOptions = {}): TfidfSpec {
  const minDf = options.minDf ?? 2;
  // Character n-grams are many and frequent: room for them without crowding out the word terms.
  const maxFeatures = options.maxFeatures ?? (options.chars ? 60_000 : 30_000);
  const df = new Map<string, number>();
  for (const text of texts) {
    for (const term of new Set(terms(text, options.stem, options.chars))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  const kept = [...df.entries()]
    .filter(([, n]) => n >= minDf)
    // Deterministic order: frequency, then alphabetical.
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxFeatures);
  const n = texts.length;
  return {
    vocabulary: kept.map(([t]) => t),
    idf: kept.map(([, d]) => Math.log((1 + n) / (1 + d)) + 1),
    ...(options.stem ? { stem: true } : {}),
    ...(options.chars ? { chars: options.chars } : {}),
  };
}

export class TfidfVectorizer {
  private readonly index = new Map<string, number>();

  constructor(readonly spec: TfidfSpec) {
    spec.vocabulary.forEach((t, i) => this.index.set(t, i));
  }

  get size(): number {
    return this.spec.vocabulary.length;
  }

  transform(text: string): SparseVector {
    const counts = new Map<number, number>();
    for (const term of terms(text, this.spec.stem, this.spec.chars)) {
      const i = this.index.get(term);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const idx = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
    const val = new Float32Array(idx.length);
    // One norm over words and character grams together: normalising the two separately was
    // measured worse (airline tweets, in-domain: -0.4 points, back to the words-only level).
    let norm = 0;
    idx.forEach((i, k) => {
      const w = (1 + Math.log(counts.get(i)!)) * this.spec.idf[i]!;
      val[k] = w;
      norm += w * w;
    });
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let k = 0; k < val.length; k++) val[k]! *= inv;
    }
    return { idx, val };
  }
}
