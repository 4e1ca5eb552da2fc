/**
 * Calibration of a head on its held-out split: temperature scaling (single label) and the
 * nearest-centroid blend weight, or Platt scaling and F1-optimal thresholds per label (multi-label);
 * the held-out metrics that go into the model card.
 */
import { scores, sigmoid, softmaxInPlace } from '../linear.js';
import { classificationReport, multiLabelReport } from '../metrics.js';
import { decodeFloats, type HeadFile } from './file.js';
import { centroidProbs, linearModelOf, makeExample, tfidfOf, whitenerOf } from './inference.js';

export interface CalibrationResult {
  calibration: HeadFile['calibration'];
  centroidWeight: number;
  metrics: Record<string, unknown>;
}

export function calibrate(
  probe: HeadFile,
  texts: string[],
  vectors: Float32Array[] | undefined,
  gold: string[][],
  centroidOption: number | 'auto',
): CalibrationResult {
  const tfidf = tfidfOf(probe);
  const model = linearModelOf(probe);
  const whitener = whitenerOf(probe);
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
function ece(probs: Float64Array[], y: number[]): number {
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
function fitPlatt(z: number[], t: number[]): [number, number] {
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
