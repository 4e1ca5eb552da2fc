/**
 * Training a head: seeded stratified hold-out split, a probe model fitted on the training part and
 * calibrated on the held-out part (calibrate.ts), then the final model on all examples with that
 * calibration. Label texts (codeframe names and descriptions) are extra training examples.
 */
import type { Encoder } from '../encoder-spec.js';
import { fit } from '../linear.js';
import { mulberry32, shuffled } from '../../util/random.js';
import { TfidfVectorizer, fitTfidf, type TfidfSpec } from '../tfidf.js';
import { UserError } from '../../util/errors.js';
import { calibrate } from './calibrate.js';
import { HEAD_FORMAT, encodeFloats, type HeadFile, type ModelCard } from './file.js';
import { Head, makeExample } from './inference.js';
import { WHITEN_BELOW_PER_LABEL, WHITEN_SHRINKAGE, Whitener, fitWhitener } from './whiten.js';

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
