/**
 * `voc train sentiment`: an in-domain sentiment model from labelled feedback. The in-domain head
 * (embedding + TF-IDF) is stacked with the general signals (shipped general head, VADER, AFINN,
 * fastText when present). The stack learns from out-of-fold head predictions (k-fold cross-fitting),
 * so it sees the head's honest error pattern, not its training fit.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import type { Encoder } from './encoder.js';
import { Head, loadHead, trainHead, type TrainHeadOptions } from './head.js';
import { mulberry32, shuffled } from '../util/random.js';
import { classificationReport } from './metrics.js';
import { cleanForSentiment, loadFastText, resolveFasttextDir } from './signals.js';
import {
  SENTIMENT_LABELS,
  defaultSentimentHeadPath,
  resultFrom,
  stackFeatureNames,
  stackFeatures,
  trainStack,
  type SentimentStack,
} from './sentiment.js';

export interface TrainSentimentOptions {
  encoder: Encoder;
  vectors?: Float32Array[];
  folds?: number;
  seed?: number;
  fasttextDir?: string | null;
  card?: TrainHeadOptions['card'];
  /**
   * Overrides for the in-domain head (defaults: balanced, l2 1e-3 — best of 1e-5..1e-2 on airline
   * tweets —, 15 epochs; character n-grams are on ('auto' for a few thousand examples): +0.4
   * accuracy points on average over three random half-splits of the airline tweets).
   */
  headOptions?: Partial<Omit<TrainHeadOptions, 'encoder' | 'vectors' | 'card'>>;
  log?: (message: string) => void;
}

const SYNONYMS: Record<string, (typeof SENTIMENT_LABELS)[number]> = {
  negative: 'negative',
  neg: 'negative',
  '-1': 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  '0': 'neutral',
  positive: 'positive',
  pos: 'positive',
  '1': 'positive',
};

/** Accepts negative/neutral/positive (any case) and the usual short forms. */
export function normaliseSentimentLabel(label: string): (typeof SENTIMENT_LABELS)[number] {
  const l = SYNONYMS[label.trim().toLowerCase()];
  if (!l) throw new UserError(`Sentiment label "${label}" is not one of negative, neutral, positive.`);
  return l;
}

export async function trainSentimentHead(texts: string[], labels: string[], opts: TrainSentimentOptions): Promise<Head> {
  const log = opts.log ?? (() => undefined);
  const gold = labels.map(normaliseSentimentLabel);
  const missing = SENTIMENT_LABELS.filter((l) => !gold.includes(l));
  if (missing.length) throw new UserError(`Sentiment training data has no "${missing.join('", "')}" examples; all three labels are needed.`);
  const cleaned = texts.map(cleanForSentiment);
  const vectors = opts.vectors ?? (await opts.encoder.embed(cleaned));
  const seed = opts.seed ?? 42;
  const folds = Math.max(2, Math.min(opts.folds ?? 5, Math.floor(texts.length / 10)));
  const headOpts: Omit<TrainHeadOptions, 'vectors'> = {
    encoder: opts.encoder,
    balanced: true,
    l2: 1e-3,
    epochs: 15,
    learningRate: 0.02,
    batchSize: 64,
    centroidWeight: 0,
    seed,
    ...opts.headOptions,
  };

  // Out-of-fold head probabilities.
  const order = shuffled(texts.length, mulberry32(seed));
  const foldOf = new Int32Array(texts.length);
  order.forEach((i, r) => (foldOf[i] = r % folds));
  const oof: Float64Array[] = new Array(texts.length);
  for (let f = 0; f < folds; f++) {
    const tr = [...order].filter((i) => foldOf[i] !== f);
    const te = [...order].filter((i) => foldOf[i] === f);
    const h = await trainHead(
      tr.map((i) => cleaned[i]!),
      tr.map((i) => gold[i]!),
      { ...headOpts, vectors: tr.map((i) => vectors[i]!), holdout: 0 },
    );
    const p = await h.probabilities(te.map((i) => cleaned[i]!), te.map((i) => vectors[i]!));
    te.forEach((i, k) => (oof[i] = p[k]!));
    log(`fold ${f + 1}/${folds} done`);
  }

  const generalPath = defaultSentimentHeadPath();
  const general = existsSync(generalPath) ? loadHead(generalPath, opts.encoder) : null;
  const ftDir = resolveFasttextDir(opts.fasttextDir);
  const fasttext = ftDir ? await loadFastText(ftDir) : null;
  log(`stack signals: in-domain head${general ? ', general head' : ''}, lexicons${fasttext ? ', fastText' : ''}`);

  // Final head on everything; the stack rows use the out-of-fold probabilities as head_*.
  const head = await trainHead(cleaned, gold, { ...headOpts, vectors, card: opts.card });
  const rows = await stackFeatures(cleaned, vectors, { head, general, fasttext });
  rows.forEach((r, i) => SENTIMENT_LABELS.forEach((l) => (r[`head_${l}`] = oof[i]![head.labels.indexOf(l)]!)));

  const metrics: Record<string, unknown> = {};
  const stack: Partial<SentimentStack> = {};
  for (const withFt of fasttext ? [false, true] : [false]) {
    const names = stackFeatureNames({ general: !!general, fasttext: withFt });
    // Honest estimate: stack trained on folds != 0, measured on fold 0 (whose head_* are out-of-fold too).
    const tr = [...order].filter((i) => foldOf[i] !== 0);
    const te = [...order].filter((i) => foldOf[i] === 0);
    const probe = await trainStack(tr.map((i) => rows[i]!), tr.map((i) => gold[i]!), names, seed);
    const pred = te.map((i) => resultFrom(rows[i]!, probe).label);
    const report = classificationReport(te.map((i) => gold[i]!), pred, [...SENTIMENT_LABELS]);
    metrics[withFt ? 'stackWithFasttext' : 'stackWithoutFasttext'] = { accuracy: report.accuracy, macroF1: report.macroF1, n: report.n };
    const params = await trainStack(rows, gold, names, seed);
    if (withFt) stack.withFasttext = params;
    else stack.withoutFasttext = params;
  }
  head.file.stack = stack;
  head.file.card.metrics = { ...head.file.card.metrics, ...metrics };
  head.file.card.notes = [...(head.file.card.notes ?? []), `Stacked with: ${general ? 'general head, ' : ''}VADER, AFINN${fasttext ? ', fastText (optional at run time)' : ''}; stack trained on ${folds}-fold out-of-fold predictions.`];
  return head;
}
