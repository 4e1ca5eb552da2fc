/**
 * The sentiment model: a small stacked logistic layer over several signals.
 *
 *   head   : the head in the sentiment file (USE embedding + TF-IDF -> negative/neutral/positive)
 *   general: the shipped general head, when the file is an in-domain head trained by `voc train`
 *   lexicon: VADER (negation-aware) and AFINN-165 with negation flipping
 *   fasttext: Amazon-review fastText classifiers, when the model files are present
 *   shape  : question mark, exclamation, length
 *   complaint: problem-report cues without emotional words (late, not received, charged, still...)
 *
 * The stack was trained on held-out data the head never saw (general model: public sentences;
 * in-domain model: out-of-fold predictions), and the file carries one stack with and one without
 * fastText, so the model works whether or not the fastText files are installed.
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import type { Encoder } from './encoder.js';
import { loadHead, type Head } from './head.js';
import { fit, scores, softmaxInPlace } from './linear.js';
import {
  COMPLAINT_FEATURES,
  FASTTEXT_FEATURES,
  LEXICON_FEATURES,
  SHAPE_FEATURES,
  cleanForSentiment,
  complaintFeatures,
  lexiconFeatures,
  loadFastText,
  resolveFasttextDir,
  shapeFeatures,
  type FastTextSignals,
} from './signals.js';

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface SentimentResult {
  label: SentimentLabel;
  /** p(positive) - p(negative), in [-1, 1]. */
  score: number;
  probs: { negative: number; neutral: number; positive: number };
  /** The inputs of the stack, for explanations and debugging. */
  signals: Record<string, number>;
}

export interface SentimentModel {
  /** Names the files and signals in use (goes into analysis keys). */
  readonly id: string;
  /** Which signal groups are active: head, general, lexicon, shape, fasttext. */
  readonly signalsUsed: string[];
  predict(texts: string[], vectors?: Float32Array[]): Promise<SentimentResult[]>;
}

export const stackParamsSchema = z.object({
  features: z.array(z.string()),
  mean: z.array(z.number()),
  std: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.array(z.number()),
});
export type StackParams = z.infer<typeof stackParamsSchema>;

export const sentimentStackSchema = z.object({
  withFasttext: stackParamsSchema.optional(),
  withoutFasttext: stackParamsSchema,
});
export type SentimentStack = z.infer<typeof sentimentStackSchema>;

/**
 * A sentiment head file is a generic head file (voc-head/1) with one field of its own, `stack`
 * (written by sentiment-train.ts), which the generic format keeps as it is and this schema checks.
 */
export function sentimentStackOf(head: Head): SentimentStack | null {
  return head.file.stack ? sentimentStackSchema.parse(head.file.stack) : null;
}

/** The shipped general sentiment model, next to the package. */
export function defaultSentimentHeadPath(): string {
  return fileURLToPath(new URL('../../models/heads/sentiment-general.json', import.meta.url));
}

export interface CreateSentimentOptions {
  encoder: Encoder;
  /** A sentiment head file (default: the shipped general model). */
  headPath?: string;
  /** An already-loaded sentiment head (e.g. from the pipeline config); wins over headPath. */
  head?: Head;
  /** fastText model folder; null turns fastText off; default VOC_FASTTEXT_DIR or ../shared/models. */
  fasttextDir?: string | null;
}

export async function createSentimentModel(options: CreateSentimentOptions): Promise<SentimentModel> {
  const head = options.head ?? loadHead(options.headPath ?? requireDefaultPath(), options.encoder);
  if (head.multiLabel || SENTIMENT_LABELS.some((l) => !head.labels.includes(l))) {
    throw new UserError(`Sentiment head "${head.card.name}" must be single-label with labels negative, neutral, positive (it has: ${head.labels.join(', ')}).`);
  }
  const stack = sentimentStackOf(head);
  const ftDir = resolveFasttextDir(options.fasttextDir);
  const wantsFt = stack?.withFasttext !== undefined;
  // The fastText models load on the first prediction (about 0.4 s of wasm), not here: a run with
  // nothing to analyse still builds the model for its analysis key, and never predicts.
  let fasttextLoad: Promise<FastTextSignals> | null = null;
  const fasttext = ftDir && wantsFt ? () => (fasttextLoad ??= loadFastText(ftDir)) : null;
  const params = stack ? (fasttext && stack.withFasttext ? stack.withFasttext : stack.withoutFasttext) : null;
  const needsGeneral = params?.features.some((f) => f.startsWith('general_')) ?? false;
  const general = needsGeneral ? loadHead(requireDefaultPath(), options.encoder) : null;
  const groups = new Set(['head']);
  for (const f of params?.features ?? []) groups.add(featureGroup(f));
  const signalsUsed = [...groups];
  const id = `sentiment:${head.card.name}#${head.hash}${params ? `+stack(${signalsUsed.join(',')})` : ''}`;
  return {
    id,
    signalsUsed,
    async predict(texts: string[], vectors?: Float32Array[]): Promise<SentimentResult[]> {
      const cleaned = texts.map(cleanForSentiment);
      const vecs = vectors ?? (await options.encoder.embed(cleaned));
      const features = await stackFeatures(cleaned, vecs, { head, general, fasttext: fasttext ? await fasttext() : null });
      return features.map((f) => resultFrom(f, params));
    },
  };
}

function requireDefaultPath(): string {
  const path = defaultSentimentHeadPath();
  if (!existsSync(path)) throw new UserError(`The shipped sentiment model is missing (${path}); run \`npx tsx scripts/train-sentiment-head.ts\`.`);
  return path;
}

function featureGroup(name: string): string {
  if (name.startsWith('head_')) return 'head';
  if (name.startsWith('general_')) return 'general';
  if (name.startsWith('ft_')) return 'fasttext';
  if ((SHAPE_FEATURES as readonly string[]).includes(name)) return 'shape';
  if ((COMPLAINT_FEATURES as readonly string[]).includes(name)) return 'complaint';
  return 'lexicon';
}

export interface SignalSources {
  head: Head;
  general: Head | null;
  fasttext: FastTextSignals | null;
}

/** Every available named signal for each (already cleaned) text. */
export async function stackFeatures(cleaned: string[], vectors: Float32Array[], src: SignalSources): Promise<Array<Record<string, number>>> {
  const headProbs = await src.head.probabilities(cleaned, vectors);
  const generalProbs = src.general ? await src.general.probabilities(cleaned, vectors) : null;
  const order = SENTIMENT_LABELS.map((l) => src.head.labels.indexOf(l));
  const generalOrder = src.general ? SENTIMENT_LABELS.map((l) => src.general!.labels.indexOf(l)) : [];
  return cleaned.map((text, i) => {
    const f: Record<string, number> = {};
    SENTIMENT_LABELS.forEach((l, k) => (f[`head_${l}`] = headProbs[i]![order[k]!]!));
    if (generalProbs) SENTIMENT_LABELS.forEach((l, k) => (f[`general_${l}`] = generalProbs[i]![generalOrder[k]!]!));
    lexiconFeatures(text).forEach((v, k) => (f[LEXICON_FEATURES[k]!] = v));
    shapeFeatures(text).forEach((v, k) => (f[SHAPE_FEATURES[k]!] = v));
    complaintFeatures(text).forEach((v, k) => (f[COMPLAINT_FEATURES[k]!] = v));
    if (src.fasttext) src.fasttext.features(text).forEach((v, k) => (f[FASTTEXT_FEATURES[k]!] = v));
    return f;
  });
}

/** Probabilities enter the stack as logs (a linear layer over log-probs = a product of experts). */
function featureValue(f: Record<string, number>, name: string): number {
  const v = f[name] ?? 0;
  return name.startsWith('head_') || name.startsWith('general_') ? Math.log(Math.max(v, 1e-4)) : v;
}

/** Applies a stack (or, without one, passes the head's probabilities through). */
export function resultFrom(f: Record<string, number>, params: StackParams | null): SentimentResult {
  const p = new Float64Array(3);
  if (!params) {
    SENTIMENT_LABELS.forEach((l, k) => (p[k] = f[`head_${l}`] ?? 0));
  } else {
    const x = Float32Array.from(params.features, (name, j) => (featureValue(f, name) - params.mean[j]!) / params.std[j]!);
    scores(
      { link: 'softmax', classes: 3, denseDim: x.length, sparseDim: 0, weights: Float32Array.from(params.weights), bias: Float32Array.from(params.bias) },
      { dense: x, idx: new Int32Array(0), val: new Float32Array(0) },
      p,
    );
    softmaxInPlace(p);
  }
  let best = 0;
  for (let k = 1; k < 3; k++) if (p[k]! > p[best]!) best = k;
  const signals: Record<string, number> = {};
  for (const [k, v] of Object.entries(f)) signals[k] = Math.round(v * 1000) / 1000;
  return {
    label: SENTIMENT_LABELS[best]!,
    score: p[2]! - p[0]!,
    probs: { negative: p[0]!, neutral: p[1]!, positive: p[2]! },
    signals,
  };
}

/**
 * Trains the stacked layer on held-out feature rows (labels are negative/neutral/positive).
 * `balanced` weights each class equally, so a rare class (often neutral) is not drowned out.
 */
export async function trainStack(rows: Array<Record<string, number>>, labels: string[], features: string[], seed = 42, l2 = 1e-3, balanced = false): Promise<StackParams> {
  const n = rows.length;
  const raw = rows.map((r) => features.map((name) => featureValue(r, name)));
  const mean = features.map((_, j) => raw.reduce((a, r) => a + r[j]!, 0) / n);
  const std = features.map((_, j) => Math.sqrt(raw.reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const xs = raw.map((r) => ({ dense: Float32Array.from(r, (v, j) => (v - mean[j]!) / std[j]!), idx: new Int32Array(0), val: new Float32Array(0) }));
  const y = Int32Array.from(labels, (l) => SENTIMENT_LABELS.indexOf(l as SentimentLabel));
  if (y.some((v) => v < 0)) throw new UserError('Sentiment labels must be negative, neutral or positive.');
  const sampleWeights = balanced ? balancedWeights(y) : undefined;
  const model = await fit(xs, y, { link: 'softmax', classes: 3, l2, epochs: 30, learningRate: 0.02, seed, sampleWeights }, features.length, 0);
  return { features, mean, std, weights: Array.from(model.weights), bias: Array.from(model.bias) };
}

/** n / (classes * count of the example's class): each class carries the same total weight. */
function balancedWeights(y: Int32Array): Float32Array {
  const counts = [0, 0, 0];
  for (const v of y) counts[v]!++;
  return Float32Array.from(y, (v) => y.length / (3 * counts[v]!));
}

/** The stack's feature names for the given signal groups (complaint cues on unless turned off). */
export function stackFeatureNames(opts: { general: boolean; fasttext: boolean; complaint?: boolean }): string[] {
  return [
    ...SENTIMENT_LABELS.map((l) => `head_${l}`),
    ...(opts.general ? SENTIMENT_LABELS.map((l) => `general_${l}`) : []),
    ...LEXICON_FEATURES,
    ...SHAPE_FEATURES,
    ...(opts.complaint === false ? [] : COMPLAINT_FEATURES),
    ...(opts.fasttext ? FASTTEXT_FEATURES : []),
  ];
}
