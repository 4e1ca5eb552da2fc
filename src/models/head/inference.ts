/**
 * A loaded head: features = sentence embedding (optionally whitened) concatenated with a TF-IDF
 * vector; a linear model; calibrated probabilities (temperature, or Platt + thresholds for
 * multi-label), optionally blended with nearest-centroid probabilities.
 */
import { createHash } from 'node:crypto';
import type { Encoder } from '../encoder-spec.js';
import { scores, sigmoid, softmaxInPlace, type Example, type LinearModel } from '../linear.js';
import { TfidfVectorizer } from '../tfidf.js';
import { decodeFloats, orderedHeadFile, type HeadFile, type ModelCard } from './file.js';
import { Whitener } from './whiten.js';

export interface Prediction {
  /** Most likely label (for multi-label: the highest-probability label). */
  label: string;
  /** Multi-label only: every label whose calibrated probability passes its threshold. */
  labels?: string[];
  probs: Record<string, number>;
}

/** The linear model stored in a head file. */
export function linearModelOf(file: HeadFile): LinearModel {
  return {
    link: file.multiLabel ? 'sigmoid' : 'softmax',
    classes: file.labels.length,
    denseDim: file.model.denseDim,
    sparseDim: file.model.sparseDim,
    weights: decodeFloats(file.model.weights),
    bias: Float32Array.from(file.model.bias),
  };
}

export function tfidfOf(file: HeadFile): TfidfVectorizer | null {
  return file.features.tfidf ? new TfidfVectorizer(file.features.tfidf) : null;
}

export function whitenerOf(file: HeadFile): Whitener | null {
  return file.features.whiten ? new Whitener(decodeFloats(file.features.whiten.factor), file.encoder.dim) : null;
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
    this.tfidf = tfidfOf(file);
    this.model = linearModelOf(file);
    this.centroids = file.centroids ? decodeFloats(file.centroids.vectors) : null;
    this.whitener = whitenerOf(file);
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
    return createHash('sha256').update(JSON.stringify(orderedHeadFile(this.file))).digest('hex').slice(0, 16);
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

export function makeExample(
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

export function centroidProbs(centroids: Float32Array, vec: Float32Array, classes: number, scale: number): Float64Array {
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
