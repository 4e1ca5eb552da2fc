/**
 * Linear models on "dense block + sparse block" features, trained with seeded minibatch Adam on
 * typed arrays: multinomial logistic regression (softmax) and one-vs-rest logistic regression
 * (independent sigmoids, for multi-label). L2-regularised.
 *
 * The dense block's two GEMMs per minibatch run on TF.js wasm (the same TF.js copy as the
 * encoder). Why not L-BFGS: a full-batch gradient on 10k x (512 + tfidf) x 77 classes costs ~0.5 s in JS and
 * L-BFGS needs 100+ of them; a dozen Adam epochs reach the same accuracy in a few seconds. Sparse
 * columns are updated lazily (only those present in the minibatch), like TensorFlow's LazyAdam.
 */

import type * as Tf from '@tensorflow/tfjs-core';
import { mulberry32, shuffled } from '../util/random.js';

export interface Example {
  /** Dense features (e.g. a sentence embedding); same length for every example. */
  dense: Float32Array;
  /** Sparse features, indices into the sparse block. */
  idx: Int32Array;
  val: Float32Array;
}

export type Link = 'softmax' | 'sigmoid';

export interface LinearModel {
  link: Link;
  classes: number;
  denseDim: number;
  sparseDim: number;
  /** Row-major [classes][denseDim + sparseDim]. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainOptions {
  link: Link;
  classes: number;
  /** L2 strength on weights, per example (default 1e-4). */
  l2?: number;
  epochs?: number;
  /** At least this many minibatch updates, whatever the epochs (default 600). */
  minSteps?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Per-example weights (e.g. balanced class weights); default 1. */
  sampleWeights?: Float32Array;
}

/** Targets: class index per example (softmax) or a 0/1 matrix [n][classes] flattened (sigmoid). */
export type Targets = Int32Array | Uint8Array;

/** Raw scores (logits) of one example into `out`. */
export function scores(model: LinearModel, x: Example, out: Float64Array): void {
  const { classes, denseDim, sparseDim, weights, bias } = model;
  const stride = denseDim + sparseDim;
  const d = x.dense;
  for (let k = 0; k < classes; k++) {
    const base = k * stride;
    let s = bias[k]!;
    for (let j = 0; j < denseDim; j++) s += weights[base + j]! * d[j]!;
    const sb = base + denseDim;
    for (let q = 0; q < x.idx.length; q++) s += weights[sb + x.idx[q]!]! * x.val[q]!;
    out[k] = s;
  }
}

export function softmaxInPlace(z: Float64Array, temperature = 1): void {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]! / temperature);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(z[k]! / temperature - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = z[k]! / sum;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Trains a linear model; the block sizes are given (the sparse one is the vocabulary size, not the max index seen). */
export async function fit(xs: readonly Example[], y: Targets, options: TrainOptions, denseDim: number, sparseDim: number): Promise<LinearModel> {
  // TF.js only for training: inference (scores) is plain JS, so loading a head loads none of it.
  const tf = await import('@tensorflow/tfjs-core');
  await (await import('./use-runtime.js')).initWasmBackend();
  const { link, classes: K } = options;
  const l2 = options.l2 ?? 1e-4;
  const batchSize = options.batchSize ?? 64;
  // Small data sets need more passes to converge: guarantee a minimum number of updates.
  const epochs = Math.max(options.epochs ?? 12, Math.ceil((options.minSteps ?? 600) / Math.ceil(xs.length / batchSize)));
  const lr0 = options.learningRate ?? 0.01;
  const rand = mulberry32(options.seed ?? 42);
  const n = xs.length;
  const D = denseDim;
  // Dense weights are stored [D][K] so both GEMMs run without transposes (TF.js wasm transposed
  // matMul is 6-9x slower than the plain one).
  const dense = new AdamBlock(D, K);
  // Sparse weights are stored [feature][K]: an example's few features then touch contiguous memory.
  const sparse = new AdamBlock(sparseDim, K, 'rows');
  const bias = new AdamBlock(K, 1);
  const z = new Float64Array(K);
  const touched = new Uint8Array(sparseDim);
  const touchedList: number[] = [];
  const totalSteps = epochs * Math.ceil(n / batchSize);
  const xb = new Float32Array(batchSize * D);
  const xt = new Float32Array(D * batchSize);
  const rb = new Float32Array(batchSize * K);
  let step = 0;

  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffled(n, rand);
    for (let start = 0; start < n; start += batchSize) {
      const B = Math.min(n, start + batchSize) - start;
      for (let b = 0; b < B; b++) {
        const d = xs[order[start + b]!]!.dense;
        xb.set(d, b * D);
        for (let j = 0; j < D; j++) xt[j * B + b] = d[j]!;
      }
      // The dense block is the expensive part: two small GEMMs on TF.js wasm (SIMD) per step.
      const denseLogits = D > 0 ? matMul(tf, xb, B, D, dense.w, K) : null;
      touchedList.length = 0;
      let wsum = 0;
      for (let b = 0; b < B; b++) {
        const i = order[start + b]!;
        const x = xs[i]!;
        const w = options.sampleWeights ? options.sampleWeights[i]! : 1;
        wsum += w;
        for (let k = 0; k < K; k++) z[k] = bias.w[k]! + (denseLogits ? denseLogits[b * K + k]! : 0);
        for (let q = 0; q < x.idx.length; q++) {
          const off = x.idx[q]! * K;
          const val = x.val[q]!;
          for (let k = 0; k < K; k++) z[k] = z[k]! + sparse.w[off + k]! * val;
        }
        residuals(link, z, y, i, K);
        for (let k = 0; k < K; k++) {
          const r = z[k]! * w;
          z[k] = r;
          rb[b * K + k] = r;
          bias.g[k] = bias.g[k]! + r;
        }
        for (let q = 0; q < x.idx.length; q++) {
          const off = x.idx[q]! * K;
          const val = x.val[q]!;
          for (let k = 0; k < K; k++) sparse.g[off + k] = sparse.g[off + k]! + z[k]! * val;
        }
        for (let q = 0; q < x.idx.length; q++) {
          const j = x.idx[q]!;
          if (!touched[j]) {
            touched[j] = 1;
            touchedList.push(j);
          }
        }
      }
      if (D > 0) dense.g.set(matMul(tf, xt, D, B, rb, K));
      // Cosine decay keeps late epochs from bouncing around the optimum.
      const lr = lr0 * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
      step++;
      const scale = 1 / wsum;
      dense.step(null, scale, l2, lr);
      sparse.step(touchedList, scale, l2, lr);
      bias.step(null, scale, 0, lr);
      for (const j of touchedList) touched[j] = 0;
    }
  }
  const stride = D + sparseDim;
  const weights = new Float32Array(K * stride);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < D; j++) weights[k * stride + j] = dense.w[j * K + k]!;
    for (let j = 0; j < sparseDim; j++) weights[k * stride + D + j] = sparse.w[j * K + k]!;
  }
  return { link, classes: K, denseDim: D, sparseDim, weights, bias: Float32Array.from(bias.w) };
}

/** a (rows x inner) times b (inner x cols), row-major; returns rows x cols. */
function matMul(tf: typeof Tf, a: Float32Array, rows: number, inner: number, b: Float32Array, cols: number): Float32Array {
  // Read the data outside tidy(): tidy walks its return value, which is slow for a big array.
  const out = tf.tidy(() => tf.matMul(tf.tensor2d(a.subarray(0, rows * inner), [rows, inner]), tf.tensor2d(b.subarray(0, inner * cols), [inner, cols])));
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return data;
}

/** Residuals = dLoss/dlogit (prob - target), in place. */
function residuals(link: Link, z: Float64Array, y: Targets, i: number, classes: number): void {
  if (link === 'softmax') {
    softmaxInPlace(z);
    z[y[i]!] = z[y[i]!]! - 1;
    return;
  }
  for (let k = 0; k < classes; k++) z[k] = sigmoid(z[k]!) - y[i * classes + k]!;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/**
 * Adam state of one parameter block (rows x cols, row-major). Lazy updates touch only some
 * columns (`lazy: 'cols'`) or some rows (`lazy: 'rows'`); each of those keeps its own step count,
 * so lazily updated parameters get the right bias correction.
 */
class AdamBlock {
  readonly w: Float32Array;
  readonly g: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly t: Float64Array;

  constructor(
    private readonly rows: number,
    private readonly cols: number,
    private readonly lazy: 'rows' | 'cols' = 'cols',
  ) {
    this.w = new Float32Array(rows * cols);
    this.g = new Float32Array(rows * cols);
    this.m = new Float32Array(rows * cols);
    this.v = new Float32Array(rows * cols);
    this.t = new Float64Array(lazy === 'rows' ? rows : cols);
  }

  /** Updates the given rows or columns (all when null) and clears their gradient. */
  step(touched: readonly number[] | null, scale: number, l2: number, lr: number): void {
    const count = touched ? touched.length : this.t.length;
    const stepSize = new Float64Array(count);
    const c2 = new Float64Array(count);
    for (let q = 0; q < count; q++) {
      const t = ++this.t[touched ? touched[q]! : q]!;
      stepSize[q] = lr / (1 - Math.pow(BETA1, t));
      c2[q] = 1 / (1 - Math.pow(BETA2, t));
    }
    if (this.lazy === 'rows') {
      for (let q = 0; q < count; q++) {
        const base = (touched ? touched[q]! : q) * this.cols;
        for (let c = 0; c < this.cols; c++) this.update(base + c, scale, l2, stepSize[q]!, c2[q]!);
      }
      return;
    }
    for (let r = 0; r < this.rows; r++) {
      const base = r * this.cols;
      for (let q = 0; q < count; q++) this.update(base + (touched ? touched[q]! : q), scale, l2, stepSize[q]!, c2[q]!);
    }
  }

  private update(i: number, scale: number, l2: number, stepSize: number, c2: number): void {
    const w = this.w[i]!;
    const g = this.g[i]! * scale + l2 * w;
    this.g[i] = 0;
    const m = BETA1 * this.m[i]! + (1 - BETA1) * g;
    const v = BETA2 * this.v[i]! + (1 - BETA2) * g * g;
    this.m[i] = m;
    this.v[i] = v;
    this.w[i] = w - (stepSize * m) / (Math.sqrt(v * c2) + EPS);
  }
}
