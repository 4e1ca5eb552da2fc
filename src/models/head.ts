/**
 * Trainable classifier heads on top of an encoder: features = sentence embedding concatenated
 * with a word unigram+bigram TF-IDF vector; model = multinomial logistic regression (single label)
 * or one-vs-rest logistic regression (multi-label); calibrated on a held-out split (temperature
 * scaling, or Platt scaling + per-label thresholds for multi-label); optionally blended with a
 * nearest-centroid classifier, which helps when there are only a few examples per label.
 *
 * A head is saved as JSON with a model card and refuses to run with an encoder other than the
 * one it was trained with (its vectors would be meaningless).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import type { Encoder } from './encoder.js';
import { fit, mulberry32, scores, shuffled, sigmoid, softmaxInPlace, type Example, type LinearModel } from './linear.js';
import { classificationReport, multiLabelReport } from './metrics.js';
import { TfidfVectorizer, fitTfidf, type TfidfSpec } from './tfidf.js';

export const HEAD_FORMAT = 'voc-head/1';

export interface Prediction {
  /** Most likely label (for multi-label: the highest-probability label). */
  label: string;
  /** Multi-label only: every label whose calibrated probability passes its threshold. */
  labels?: string[];
  probs: Record<string, number>;
}

const cardSchema = z.object({
  name: z.string(),
  task: z.string().optional(),
  description: z.string().optional(),
  trainingData: z.array(z.object({ name: z.string(), rows: z.number().optional(), licence: z.string().optional(), url: z.string().optional() })),
  createdAt: z.string(),
  createdWith: z.string().optional(),
  metrics: z.record(z.string(), z.unknown()),
  notes: z.array(z.string()).optional(),
});
export type ModelCard = z.infer<typeof cardSchema>;

const headFileSchema = z.object({
  format: z.literal(HEAD_FORMAT),
  encoder: z.object({ id: z.string(), dim: z.number().int() }),
  multiLabel: z.boolean(),
  labels: z.array(z.string()).min(1),
  features: z.object({
    embedding: z.boolean(),
    embeddingWeight: z.number(),
    /** Few-shot: lower Cholesky factor L of the shrunk within-class covariance; vectors become L^-1 v, re-normalised. */
    whiten: z.object({ shrinkage: z.number(), factor: z.string() }).optional(),
    tfidf: z
      .object({ vocabulary: z.array(z.string()), idf: z.array(z.number()), stem: z.boolean().optional(), chars: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(), weight: z.number() })
      .nullable(),
  }),
  model: z.object({ denseDim: z.number().int(), sparseDim: z.number().int(), weights: z.string(), bias: z.array(z.number()) }),
  calibration: z.object({
    temperature: z.number().positive(),
    platt: z.array(z.tuple([z.number(), z.number()])).optional(),
    thresholds: z.array(z.number()).optional(),
  }),
  centroids: z.object({ weight: z.number(), scale: z.number(), vectors: z.string() }).nullable(),
  /** Sentiment heads only: the stacked layer over head + lexicon (+ fastText) signals (see sentiment.ts). */
  stack: z.unknown().optional(),
  card: cardSchema,
});
export type HeadFile = z.infer<typeof headFileSchema>;

export interface TrainHeadOptions {
  encoder: Encoder;
  multiLabel?: boolean;
  /** Precomputed embeddings of `texts` (same order, from `encoder`), to avoid re-embedding. */
  vectors?: Float32Array[];
  /** Features (default both). */
  useEmbedding?: boolean;
  useTfidf?: boolean;
  /** Weight of the TF-IDF block relative to the (unit-length) embedding block (default 1). */
  tfidfWeight?: number;
  /** Porter-stem words for TF-IDF (default true). */
  stem?: boolean;
  /**
   * Character n-grams [min, max] within words in the TF-IDF block, false for none, or 'auto'
   * (default): 2-4-grams for single-label heads when examples x labels <= 300,000. They see
   * misspellings and word parts and help most on small sets (BANKING77 8-shot +2 points, airline
   * tweets in-domain +0.4); their cost grows with examples x labels, and on large sets the word
   * terms and the embedding already carry the signal. Multi-label heads: unmeasured, so off.
   */
  charNgrams?: [number, number] | false | 'auto';
  /** L2 strength (default 1e-6), epochs (default 15), Adam learning rate (default 0.03). */
  l2?: number;
  epochs?: number;
  learningRate?: number;
  /** Minibatch size (default 128). */
  batchSize?: number;
  /** Weight classes inversely to their frequency (single-label only). */
  balanced?: boolean;
  /** Fraction held out for calibration and metrics (default 0.2; none below 30 examples). */
  holdout?: number;
  /** Blend with nearest-centroid: 'auto' (weight chosen on the held-out split; default), a weight in [0,1], or 0. */
  centroidWeight?: number | 'auto';
  seed?: number;
  /**
   * Whiten the embedding block with the shrunk within-class covariance of the training examples (an
   * LDA-style learned projection that stretches the directions separating close labels). 'auto'
   * (default): on when there are fewer than 20 examples per label, where it helps most.
   */
  whiten?: boolean | 'auto';
  /** Extra examples per label, e.g. its name and description from a codeframe (helps few-shot). */
  labelTexts?: Record<string, string[]>;
  card?: Partial<Omit<ModelCard, 'metrics' | 'createdAt'>>;
  /** Progress messages (e.g. to stderr). */
  log?: (message: string) => void;
}

export class Head {
  /** The abstention threshold stored in the card (journey heads), if any. */
  get abstainBelow(): number | undefined {
    const t = this.file.card.metrics.abstainBelow;
    return typeof t === 'number' ? t : undefined;
  }

  private readonly tfidf: TfidfVectorizer | null;
  private readonly model: LinearModel;
  private readonly centroids: Float32Array | null;
  private readonly whitener: Whitener | null;

  constructor(
    readonly file: HeadFile,
    private readonly encoder: Encoder | null,
  ) {
    this.tfidf = file.features.tfidf ? new TfidfVectorizer(file.features.tfidf) : null;
    this.model = {
      link: file.multiLabel ? 'sigmoid' : 'softmax',
      classes: file.labels.length,
      denseDim: file.model.denseDim,
      sparseDim: file.model.sparseDim,
      weights: decodeFloats(file.model.weights),
      bias: Float32Array.from(file.model.bias),
    };
    this.centroids = file.centroids ? decodeFloats(file.centroids.vectors) : null;
    this.whitener = file.features.whiten ? new Whitener(decodeFloats(file.features.whiten.factor), file.encoder.dim) : null;
  }

  get labels(): string[] {
    return this.file.labels;
  }
  get multiLabel(): boolean {
    return this.file.multiLabel;
  }
  get encoderId(): string {
    return this.file.encoder.id;
  }
  get card(): ModelCard {
    return this.file.card;
  }
  /** Content hash, for analysis_versions keys. */
  get hash(): string {
    return createHash('sha256').update(JSON.stringify(this.file)).digest('hex').slice(0, 16);
  }

  async predict(texts: string[], vectors?: Float32Array[]): Promise<Prediction[]> {
    const vecs = await this.embeddingsFor(texts, vectors);
    return texts.map((t, i) => this.predictOne(t, vecs?.[i]));
  }

  /** Raw class probabilities as arrays in `labels` order (for stacking). */
  async probabilities(texts: string[], vectors?: Float32Array[]): Promise<Float64Array[]> {
    const vecs = await this.embeddingsFor(texts, vectors);
    return texts.map((t, i) => this.probsOne(t, vecs?.[i]));
  }

  private async embeddingsFor(texts: string[], vectors?: Float32Array[]): Promise<Float32Array[] | undefined> {
    if (!this.file.features.embedding && !this.centroids) return undefined;
    if (vectors) {
      if (vectors.length !== texts.length) throw new Error(`predict: ${texts.length} texts but ${vectors.length} vectors`);
      return vectors;
    }
    if (!this.encoder) throw new Error('This head needs an encoder to embed texts; pass vectors or load it with one.');
    return this.encoder.embed(texts);
  }

  private probsOne(text: string, vec: Float32Array | undefined): Float64Array {
    const dense = vec && this.whitener ? this.whitener.apply(vec) : vec;
    const x = makeExample(text, dense, this.file.features.embedding, this.file.features.embeddingWeight, this.tfidf, this.file.features.tfidf?.weight ?? 1);
    const z = new Float64Array(this.model.classes);
    scores(this.model, x, z);
    const cal = this.file.calibration;
    if (this.file.multiLabel) {
      return z.map((v, k) => {
        const [a, b] = cal.platt?.[k] ?? [1, 0];
        return sigmoid(a * v + b);
      });
    }
    softmaxInPlace(z, cal.temperature);
    if (this.centroids && vec && this.file.centroids) {
      const c = centroidProbs(this.centroids, vec, this.model.classes, this.file.centroids.scale);
      const w = this.file.centroids.weight;
      for (let k = 0; k < z.length; k++) z[k] = (1 - w) * z[k]! + w * c[k]!;
    }
    return z;
  }

  private predictOne(text: string, vec: Float32Array | undefined): Prediction {
    const p = this.probsOne(text, vec);
    const labels = this.file.labels;
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    const probs: Record<string, number> = {};
    labels.forEach((l, k) => (probs[l] = p[k]!));
    if (!this.file.multiLabel) return { label: labels[best]!, probs };
    const th = this.file.calibration.thresholds;
    const chosen = labels.filter((_, k) => p[k]! >= (th?.[k] ?? 0.5));
    return { label: labels[best]!, labels: chosen, probs };
  }
}

function makeExample(
  text: string,
  vec: Float32Array | undefined,
  useEmbedding: boolean,
  embeddingWeight: number,
  tfidf: TfidfVectorizer | null,
  tfidfWeight: number,
): Example {
  let dense: Float32Array = new Float32Array(0);
  if (useEmbedding) {
    if (!vec) throw new Error('missing embedding vector');
    dense = embeddingWeight === 1 ? vec : vec.map((v) => v * embeddingWeight);
  }
  if (!tfidf) return { dense, idx: new Int32Array(0), val: new Float32Array(0) };
  const s = tfidf.transform(text);
  if (tfidfWeight !== 1) for (let q = 0; q < s.val.length; q++) s.val[q] = s.val[q]! * tfidfWeight;
  return { dense, idx: s.idx, val: s.val };
}

function centroidProbs(centroids: Float32Array, vec: Float32Array, classes: number, scale: number): Float64Array {
  const dim = vec.length;
  const z = new Float64Array(classes);
  for (let k = 0; k < classes; k++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += centroids[k * dim + j]! * vec[j]!;
    z[k] = s * scale;
  }
  softmaxInPlace(z);
  return z;
}

// ---------------------------------------------------------------------------------------------
// Training

const SMALL = 30;
/**
 * Defaults measured on BANKING77 (see docs/models.md): weak L2, 15 epochs of 128-example minibatches,
 * Adam 0.03 with cosine decay (as accurate as 20 epochs of 64, in half the time).
 */
const DEFAULT_L2 = 1e-6;
const DEFAULT_EPOCHS = 15;
const DEFAULT_LR = 0.03;
const DEFAULT_BATCH = 128;

export async function trainHead(texts: string[], labels: string[] | string[][], opts: TrainHeadOptions): Promise<Head> {
  if (texts.length !== labels.length) throw new UserError(`trainHead: ${texts.length} texts but ${labels.length} labels.`);
  if (texts.length < 2) throw new UserError('Training needs at least 2 labelled examples.');
  const multiLabel = opts.multiLabel ?? Array.isArray(labels[0]);
  const labelSets = labels.map((l) => (Array.isArray(l) ? l : [l]));
  const labelNames = [...new Set(labelSets.flat())].sort();
  if (labelNames.length < 2) throw new UserError(`Training needs at least 2 different labels; found ${labelNames.length} (${labelNames.join(', ')}).`);
  if (!multiLabel && labelSets.some((s) => s.length !== 1)) throw new UserError('Single-label training needs exactly one label per example (use --multi-label).');
  const log = opts.log ?? (() => undefined);
  const useEmbedding = opts.useEmbedding ?? true;
  const useTfidf = opts.useTfidf ?? true;
  const needVectors = useEmbedding || opts.centroidWeight !== 0;
  let vectors = opts.vectors;
  if (!vectors && needVectors) {
    const t0 = Date.now();
    vectors = await opts.encoder.embed(texts);
    log(`embedded ${texts.length} texts in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const seed = opts.seed ?? 42;
  const { train, held } = split(labelSets, opts.holdout ?? 0.2, seed);
  const extra = await labelTextExamples(opts, labelNames, needVectors);
  const whitenOn = opts.whiten === 'auto' || opts.whiten === undefined ? !multiLabel && texts.length < WHITEN_BELOW_PER_LABEL * labelNames.length : opts.whiten;
  const charNgrams = opts.charNgrams === 'auto' || opts.charNgrams === undefined ? (!multiLabel && texts.length * labelNames.length <= CHARS_MAX_COST ? DEFAULT_CHARS : false) : opts.charNgrams;
  const settings = { ...opts, multiLabel, useEmbedding, useTfidf, seed, labelNames, whitenOn, charNgrams };

  let calibration: HeadFile['calibration'] = { temperature: 1 };
  let centroidWeight = typeof opts.centroidWeight === 'number' ? opts.centroidWeight : 0;
  let metrics: Record<string, unknown> = { heldOut: null };
  if (held.length > 0) {
    const t0 = Date.now();
    // The probe carries centroids (weight decided below) so the blend can be tuned on held-out data.
    const probeCentroids = opts.centroidWeight === 0 ? 0 : 1;
    const probe = await fitHeadFile(
      [...pick(texts, train), ...extra.texts],
      [...pick(labelSets, train), ...extra.labels],
      vectors && [...pick(vectors, train), ...extra.vectors],
      settings,
      { temperature: 1 },
      probeCentroids,
    );
    const heldTexts = pick(texts, held);
    const heldVecs = vectors && pick(vectors, held);
    const heldLabels = pick(labelSets, held);
    const result = calibrate(probe, heldTexts, heldVecs, heldLabels, opts.centroidWeight ?? 'auto');
    calibration = result.calibration;
    centroidWeight = result.centroidWeight;
    metrics = result.metrics;
    log(`held-out (${held.length} examples) metrics computed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  // Final model on all examples with the calibration learned above.
  const t0 = Date.now();
  const file = await fitHeadFile(
    [...texts, ...extra.texts],
    [...labelSets, ...extra.labels],
    vectors && [...vectors, ...extra.vectors],
    settings,
    calibration,
    centroidWeight,
  );
  file.card = {
    name: opts.card?.name ?? 'head',
    task: opts.card?.task,
    description: opts.card?.description,
    trainingData: opts.card?.trainingData ?? [{ name: 'unspecified', rows: texts.length }],
    createdAt: new Date().toISOString(),
    createdWith: opts.card?.createdWith,
    notes: opts.card?.notes,
    metrics: { ...metrics, trainingExamples: texts.length, heldOutExamples: held.length, trainSeconds: (Date.now() - t0) / 1000 },
  };
  log(`trained on ${texts.length} examples in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return new Head(file, opts.encoder);
}

/** Label names/descriptions as extra training examples (always in training, never held out). */
async function labelTextExamples(
  opts: TrainHeadOptions,
  labelNames: string[],
  needVectors: boolean,
): Promise<{ texts: string[]; labels: string[][]; vectors: Float32Array[] }> {
  const texts: string[] = [];
  const labels: string[][] = [];
  for (const [label, list] of Object.entries(opts.labelTexts ?? {})) {
    if (!labelNames.includes(label)) continue;
    for (const t of list) {
      texts.push(t);
      labels.push([label]);
    }
  }
  const vectors = needVectors && texts.length ? await opts.encoder.embed(texts) : [];
  return { texts, labels, vectors };
}

/** 'auto' character n-grams: their lengths, and the examples x labels up to which they are used. */
const DEFAULT_CHARS: [number, number] = [2, 4];
const CHARS_MAX_COST = 300_000;

interface Settings extends Omit<TrainHeadOptions, 'charNgrams'> {
  charNgrams: [number, number] | false;
  multiLabel: boolean;
  whitenOn: boolean;
  useEmbedding: boolean;
  useTfidf: boolean;
  seed: number;
  labelNames: string[];
}

async function fitHeadFile(
  texts: string[],
  labelSets: string[][],
  vectors: Float32Array[] | undefined,
  s: Settings,
  calibration: HeadFile['calibration'],
  centroidWeight: number,
): Promise<HeadFile> {
  const tfidfSpec: TfidfSpec | null = s.useTfidf ? fitTfidf(texts, { minDf: texts.length >= 2000 ? 2 : 1, stem: s.stem ?? true, chars: s.charNgrams || undefined }) : null;
  const tfidf = tfidfSpec ? new TfidfVectorizer(tfidfSpec) : null;
  const tfidfWeight = s.tfidfWeight ?? 1;
  const K = s.labelNames.length;
  const index = new Map(s.labelNames.map((l, k) => [l, k]));
  const whitenSpec = s.useEmbedding && vectors && s.whitenOn ? fitWhitener(vectors, labelSets.map((set) => index.get(set[0]!) ?? 0), K) : null;
  const whitener = whitenSpec ? new Whitener(whitenSpec.factor, vectors![0]!.length) : null;
  const xs = texts.map((t, i) => makeExample(t, whitener ? whitener.apply(vectors![i]!) : vectors?.[i], s.useEmbedding, 1, tfidf, tfidfWeight));
  let y: Int32Array | Uint8Array;
  let sampleWeights: Float32Array | undefined;
  if (s.multiLabel) {
    y = new Uint8Array(texts.length * K);
    labelSets.forEach((set, i) => set.forEach((l) => (y[i * K + index.get(l)!] = 1)));
  } else {
    y = Int32Array.from(labelSets.map((set) => index.get(set[0]!) ?? 0));
    if (s.balanced) sampleWeights = balancedWeights(y, K);
  }
  const denseDim = s.useEmbedding ? (vectors?.[0]?.length ?? 0) : 0;
  const model = await fit(
    xs,
    y,
    {
      link: s.multiLabel ? 'sigmoid' : 'softmax',
      classes: K,
      l2: s.l2 ?? DEFAULT_L2,
      epochs: s.epochs ?? DEFAULT_EPOCHS,
      learningRate: s.learningRate ?? DEFAULT_LR,
      batchSize: s.batchSize ?? DEFAULT_BATCH,
      seed: s.seed,
      sampleWeights,
    },
    denseDim,
    tfidf?.size ?? 0,
  );
  let centroids: HeadFile['centroids'] = null;
  if (!s.multiLabel && vectors && centroidWeight > 0) {
    centroids = { weight: centroidWeight, scale: CENTROID_SCALE, vectors: encodeFloats(classCentroids(vectors, y as Int32Array, K)) };
  }
  return {
    format: HEAD_FORMAT,
    encoder: { id: s.encoder.id, dim: s.encoder.dim },
    multiLabel: s.multiLabel,
    labels: s.labelNames,
    features: {
      embedding: s.useEmbedding,
      embeddingWeight: 1,
      ...(whitenSpec ? { whiten: { shrinkage: WHITEN_SHRINKAGE, factor: encodeFloats(whitenSpec.factor) } } : {}),
      tfidf: tfidfSpec ? { ...tfidfSpec, weight: tfidfWeight } : null,
    },
    model: { denseDim, sparseDim: tfidf?.size ?? 0, weights: encodeFloats(model.weights), bias: Array.from(model.bias) },
    calibration,
    centroids,
    card: { name: '', trainingData: [], createdAt: '', metrics: {} },
  };
}

/** Cosine similarities are in [-1, 1]; this sharpens them into usable class probabilities. */
const CENTROID_SCALE = 20;

function classCentroids(vectors: Float32Array[], y: Int32Array, K: number): Float32Array {
  const dim = vectors[0]!.length;
  const c = new Float32Array(K * dim);
  vectors.forEach((v, i) => {
    const base = y[i]! * dim;
    for (let j = 0; j < dim; j++) c[base + j] = c[base + j]! + v[j]!;
  });
  for (let k = 0; k < K; k++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += c[k * dim + j]! ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dim; j++) c[k * dim + j] = c[k * dim + j]! * inv;
  }
  return c;
}

function balancedWeights(y: Int32Array, K: number): Float32Array {
  const counts = new Float64Array(K);
  for (const v of y) counts[v]!++;
  return Float32Array.from(y, (v) => y.length / (K * counts[v]!));
}

/** Stratified (by first label) seeded split; no hold-out for tiny sets. */
function split(labelSets: string[][], fraction: number, seed: number): { train: number[]; held: number[] } {
  const n = labelSets.length;
  if (n < SMALL || fraction <= 0) return { train: [...Array(n).keys()], held: [] };
  const rand = mulberry32(seed ^ 0x9e3779b9);
  const byLabel = new Map<string, number[]>();
  for (const i of shuffled(n, rand)) {
    const key = labelSets[i]![0] ?? '';
    if (!byLabel.has(key)) byLabel.set(key, []);
    byLabel.get(key)!.push(i);
  }
  const train: number[] = [];
  const held: number[] = [];
  for (const idx of byLabel.values()) {
    // Keep at least one training example per label.
    const h = idx.length >= 2 ? Math.round(idx.length * fraction) : 0;
    held.push(...idx.slice(0, Math.min(h, idx.length - 1)));
    train.push(...idx.slice(Math.min(h, idx.length - 1)));
  }
  return { train: train.sort((a, b) => a - b), held: held.sort((a, b) => a - b) };
}

function pick<T>(xs: readonly T[], idx: readonly number[]): T[] {
  return idx.map((i) => xs[i]!);
}

interface CalibrationResult {
  calibration: HeadFile['calibration'];
  centroidWeight: number;
  metrics: Record<string, unknown>;
}

function calibrate(
  probe: HeadFile,
  texts: string[],
  vectors: Float32Array[] | undefined,
  gold: string[][],
  centroidOption: number | 'auto',
): CalibrationResult {
  const tfidf = probe.features.tfidf ? new TfidfVectorizer(probe.features.tfidf) : null;
  const model: LinearModel = {
    link: probe.multiLabel ? 'sigmoid' : 'softmax',
    classes: probe.labels.length,
    denseDim: probe.model.denseDim,
    sparseDim: probe.model.sparseDim,
    weights: decodeFloats(probe.model.weights),
    bias: Float32Array.from(probe.model.bias),
  };
  const whitener = probe.features.whiten ? new Whitener(decodeFloats(probe.features.whiten.factor), probe.encoder.dim) : null;
  const logits = texts.map((t, i) => {
    const z = new Float64Array(model.classes);
    const v = vectors?.[i];
    scores(model, makeExample(t, v && whitener ? whitener.apply(v) : v, probe.features.embedding, 1, tfidf, probe.features.tfidf?.weight ?? 1), z);
    return z;
  });
  const K = probe.labels.length;
  const index = new Map(probe.labels.map((l, k) => [l, k]));
  if (probe.multiLabel) return calibrateMultiLabel(logits, gold, probe.labels);
  const y = gold.map((g) => index.get(g[0]!) ?? -1);
  const temperature = fitTemperature(logits, y);
  // Nearest-centroid blend weight, picked on the held-out split.
  let centroidWeight = typeof centroidOption === 'number' ? centroidOption : 0;
  const base = logits.map((z) => {
    const p = Float64Array.from(z);
    softmaxInPlace(p, temperature);
    return p;
  });
  const candidates = centroidOption === 'auto' && probe.centroids ? [0, 0.2, 0.4, 0.6] : [centroidWeight];
  const centroidParts = heldCentroidProbs(vectors, probe, K);
  const correctWith = (w: number): number => base.filter((p, i) => blendArgmax(p, centroidParts?.[i], w) === y[i]).length;
  // Ties keep the smaller weight (candidates are ascending).
  centroidWeight = candidates.reduce((bestW, w) => (correctWith(w) > correctWith(bestW) ? w : bestW), candidates[0]!);
  const predicted = base.map((p, i) => probe.labels[blendArgmax(p, centroidParts?.[i], centroidWeight)]!);
  const report = classificationReport(gold.map((g) => g[0]!), predicted, probe.labels);
  return {
    calibration: { temperature },
    centroidWeight,
    metrics: {
      heldOut: { accuracy: report.accuracy, macroF1: report.macroF1, n: report.n, temperature, centroidWeight, expectedCalibrationError: ece(base, y) },
      heldOutReport: report,
    },
  };
}

/** Argmax of (1 - w) * p + w * c (c absent: argmax of p). */
function blendArgmax(p: Float64Array, c: Float64Array | undefined, w: number): number {
  let bestK = 0;
  let bestV = -Infinity;
  for (let k = 0; k < p.length; k++) {
    const v = (1 - w) * p[k]! + (c ? w * c[k]! : 0);
    if (v > bestV) {
      bestV = v;
      bestK = k;
    }
  }
  return bestK;
}

/** Centroid probabilities of held-out examples (the probe's centroids come from its training part). */
function heldCentroidProbs(vectors: Float32Array[] | undefined, probe: HeadFile, K: number): Float64Array[] | null {
  if (!vectors || !probe.centroids) return null;
  const c = decodeFloats(probe.centroids.vectors);
  return vectors.map((v) => centroidProbs(c, v, K, probe.centroids!.scale));
}

/** Temperature minimising held-out negative log-likelihood (golden-section search on log T). */
export function fitTemperature(logits: Float64Array[], y: number[]): number {
  const nll = (logT: number): number => {
    const T = Math.exp(logT);
    let total = 0;
    logits.forEach((z, i) => {
      if (y[i]! < 0) return;
      const p = Float64Array.from(z);
      softmaxInPlace(p, T);
      total -= Math.log(Math.max(p[y[i]!]!, 1e-12));
    });
    return total;
  };
  let a = Math.log(0.05);
  let b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nll(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/** Expected calibration error over 10 confidence bins. */
export function ece(probs: Float64Array[], y: number[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, correct: 0 }));
  probs.forEach((p, i) => {
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    const bin = bins[Math.min(9, Math.floor(p[best]! * 10))]!;
    bin.n++;
    bin.conf += p[best]!;
    if (best === y[i]) bin.correct++;
  });
  const n = probs.length || 1;
  return bins.reduce((acc, b) => acc + (b.n ? (b.n / n) * Math.abs(b.conf / b.n - b.correct / b.n) : 0), 0);
}

const MIN_CALIBRATION_POSITIVES = 5;

function calibrateMultiLabel(logits: Float64Array[], gold: string[][], labels: string[]): CalibrationResult {
  const K = labels.length;
  const platt: Array<[number, number]> = [];
  const thresholds: number[] = [];
  for (let k = 0; k < K; k++) {
    const z = logits.map((l) => l[k]!);
    const t: number[] = gold.map((g) => (g.includes(labels[k]!) ? 1 : 0));
    const positives = t.reduce((x, y) => x + y, 0);
    // With a handful of held-out positives Platt and F1-optimal thresholds are noise: keep the raw sigmoid and 0.5.
    const enough = positives >= MIN_CALIBRATION_POSITIVES && t.length - positives >= MIN_CALIBRATION_POSITIVES;
    const fitted = enough ? fitPlatt(z, t) : ([1, 0] as [number, number]);
    const [a, b] = fitted[0] > 0 ? fitted : [1, 0];
    platt.push([a, b]);
    thresholds.push(enough ? bestThreshold(z.map((v) => sigmoid(a * v + b)), t) : 0.5);
  }
  const predicted = logits.map((l) => labels.filter((_, k) => sigmoid(platt[k]![0] * l[k]! + platt[k]![1]) >= thresholds[k]!));
  const report = multiLabelReport(gold, predicted, labels);
  return {
    calibration: { temperature: 1, platt, thresholds },
    centroidWeight: 0,
    metrics: { heldOut: { microF1: report.microF1, macroF1: report.macroF1, exactMatch: report.exactMatch, n: gold.length }, heldOutPerClass: report.perClass },
  };
}

/** Platt scaling with Platt's target smoothing, fitted by Newton's method. */
export function fitPlatt(z: number[], t: number[]): [number, number] {
  const nPos = t.reduce((a, b) => a + b, 0);
  const nNeg = t.length - nPos;
  if (nPos === 0 || nNeg === 0) return [1, 0];
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const target = t.map((v) => (v ? hi : lo));
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    z.forEach((zi, i) => {
      const p = sigmoid(a * zi + b);
      const r = p - target[i]!;
      const w = p * (1 - p);
      ga += r * zi;
      gb += r;
      haa += w * zi * zi;
      hab += w * zi;
      hbb += w;
    });
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-7) break;
  }
  return [a, b];
}

/** Threshold maximising F1 on held-out data; 0.5 when the label never occurs there. */
function bestThreshold(p: number[], t: number[]): number {
  if (!t.some((v) => v)) return 0.5;
  const cands = [...new Set(p)].sort((a, b) => a - b);
  let best = { th: 0.5, f1: -1 };
  for (const th of cands) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    p.forEach((v, i) => {
      if (v >= th && t[i]) tp++;
      else if (v >= th) fp++;
      else if (t[i]) fn++;
    });
    const f1 = (2 * tp) / (2 * tp + fp + fn);
    if (f1 > best.f1) best = { th, f1 };
  }
  // Never stricter than "certain" nor looser than a tenth: tiny held-out sets overfit thresholds.
  return Math.min(0.9, Math.max(0.1, best.th));
}

// ---------------------------------------------------------------------------------------------
// Whitening (few-shot)

/**
 * Shrinkage towards a scaled identity (as in shrinkage LDA): with 8 examples per label the
 * within-class covariance is poorly estimated. 0.5 was best among 0.3/0.5/0.8 on a validation split
 * of BANKING77's training part (8 per intent; the evaluation fifth was not used).
 */
const WHITEN_SHRINKAGE = 0.5;
/** 'auto' whitens below this many examples per label (with thousands of examples the LR learns the metric itself). */
const WHITEN_BELOW_PER_LABEL = 20;

/** Lower Cholesky factor of (1 - a) * Sw + a * (trace(Sw) / d) * I, Sw = within-class covariance. */
function fitWhitener(vectors: Float32Array[], y: ArrayLike<number>, K: number): { factor: Float32Array } {
  const d = vectors[0]!.length;
  const mean = Array.from({ length: K }, () => new Float64Array(d));
  const count = new Float64Array(K);
  vectors.forEach((v, i) => {
    count[y[i]!]!++;
    const m = mean[y[i]!]!;
    for (let a = 0; a < d; a++) m[a] = m[a]! + v[a]!;
  });
  mean.forEach((m, k) => m.forEach((x, a) => (m[a] = x / Math.max(1, count[k]!))));
  const S = new Float64Array(d * d);
  const r = new Float64Array(d);
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i]!;
    const m = mean[y[i]!]!;
    for (let a = 0; a < d; a++) r[a] = v[a]! - m[a]!;
    // Lower triangle only (symmetric).
    for (let a = 0; a < d; a++) {
      const ra = r[a]!;
      if (ra === 0) continue;
      const row = a * d;
      for (let b = 0; b <= a; b++) S[row + b] = S[row + b]! + ra * r[b]!;
    }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) trace += S[a * d + a]! / vectors.length;
  const ridge = (WHITEN_SHRINKAGE * trace) / d;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) S[a * d + b] = ((1 - WHITEN_SHRINKAGE) * S[a * d + b]!) / vectors.length + (a === b ? ridge : 0);
  }
  return { factor: Float32Array.from(cholesky(S, d)) };
}

/** In-place-free Cholesky of a symmetric positive definite matrix given by its lower triangle. */
function cholesky(A: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j]!;
      for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
      L[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * d + j]!;
    }
  }
  return L;
}

/** v -> L^-1 v (forward substitution), L2-normalised so the dense block keeps unit length. */
class Whitener {
  constructor(
    private readonly L: Float32Array,
    private readonly d: number,
  ) {}

  apply(v: Float32Array): Float32Array {
    const { L, d } = this;
    const out = new Float32Array(d);
    let norm = 0;
    for (let i = 0; i < d; i++) {
      let s = v[i]!;
      const row = i * d;
      for (let k = 0; k < i; k++) s -= L[row + k]! * out[k]!;
      out[i] = s / L[row + i]!;
      norm += out[i]! * out[i]!;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < d; i++) out[i] = out[i]! * inv;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Persistence

function encodeFloats(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decodeFloats(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function saveHead(head: Head, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(head.file, null, 1)}\n`);
}

/** Reads a head file; refuses an encoder other than the one the head was trained with. */
export function loadHead(path: string, encoder: Encoder | null): Head {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`Cannot read classifier head "${path}": ${(err as Error).message}`);
  }
  const parsed = headFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(`"${path}" is not a voc classifier head (${HEAD_FORMAT}): ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  }
  const file = parsed.data;
  if (encoder && encoder.id !== file.encoder.id) {
    throw new UserError(
      `Classifier head "${path}" was trained with encoder "${file.encoder.id}" but the pipeline uses "${encoder.id}". Retrain the head with \`voc train\` using this encoder, or switch the encoder back.`,
    );
  }
  return new Head(file, encoder);
}
