/**
 * Measuring a model on labelled examples (`voc eval`): the sentiment model (shipped, or with a
 * head), a trained head, or without a head the analysis stage's zero-shot classifier over a
 * codeframe. Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix; for a
 * multi-label head micro/macro-F1 and exact match.
 */
import { z } from 'zod';
import { validateWith } from '../config/issues.js';
import { createEncoder, parseEncoderFlag, type Encoder } from '../models/encoder.js';
import { loadHead } from '../models/head.js';
import { readLabelled } from '../models/labelled.js';
import { classificationReport, multiLabelReport, type ClassificationReport } from '../models/metrics.js';
import { createSentimentModel } from '../models/sentiment.js';
import { normaliseSentimentLabel } from '../models/sentiment-train.js';
import { openDatabase } from '../store/db.js';
import { cachedEncoder } from '../store/embeddings.js';
import { TRAIN_TASKS } from './train.js';

export const EvalOptions = z.object({
  task: z.enum(TRAIN_TASKS),
  input: z.string().min(1),
  textColumn: z.string().min(1).default('text'),
  labelColumn: z.string().min(1).default('label'),
  labelSeparator: z.string().min(1).default(';'),
  /** the head to evaluate (default for sentiment: the shipped model; otherwise zero-shot) */
  head: z.string().optional(),
  /** without a head: zero-shot classification with this codeframe (default: the built-in one for the task) */
  codeframe: z.string().optional(),
  encoder: z.string().default('use'),
  /** the database whose embedding cache to use */
  db: z.string().default('data/voc.sqlite'),
});
export type EvalOptions = z.input<typeof EvalOptions>;
type Parsed = z.output<typeof EvalOptions>;

export type EvalResult =
  | { kind: 'single'; model: string; report: ClassificationReport }
  | { kind: 'multi'; model: string; report: ReturnType<typeof multiLabelReport> & { n: number } };

export async function evaluate(options: EvalOptions): Promise<EvalResult> {
  const opts = validateWith(EvalOptions, options, 'eval options');
  const db = openDatabase(opts.db);
  const encoder = cachedEncoder(db, await createEncoder(parseEncoderFlag(opts.encoder)));
  try {
    const head = opts.head ? loadHead(opts.head, encoder) : null;
    const data = await readLabelled({
      input: opts.input,
      textColumn: opts.textColumn,
      labelColumn: opts.labelColumn,
      // Zero-shot gold labels may list several themes; the top-1 prediction counts if it is any of them.
      multiLabel: head ? head.multiLabel : opts.task !== 'sentiment',
      labelSeparator: opts.labelSeparator,
    });
    if (opts.task === 'sentiment') {
      const model = await createSentimentModel({ encoder, head: head ?? undefined });
      const gold = data.labels.map((l) => normaliseSentimentLabel(l[0]!));
      const predicted = (await model.predict(data.texts)).map((p) => p.label);
      return { kind: 'single', model: model.id, report: classificationReport(gold, predicted, ['negative', 'neutral', 'positive']) };
    }
    if (!head) return await zeroShotEval(opts, encoder, data.texts, data.labels);
    const preds = await head.predict(data.texts);
    if (head.multiLabel) {
      const report = multiLabelReport(data.labels, preds.map((p) => p.labels ?? []), head.labels);
      return { kind: 'multi', model: opts.head!, report: { ...report, n: data.texts.length } };
    }
    return { kind: 'single', model: opts.head!, report: classificationReport(data.labels.map((l) => l[0]!), preds.map((p) => p.label), head.labels) };
  } finally {
    await encoder.dispose();
    db.close();
  }
}

const CODEFRAME_KIND = { themes: 'themes', stage: 'stages', touchpoint: 'touchpoints' } as const;

/** Top-1 zero-shot class from the analysis stage's classifier (codeframe names, descriptions, examples). */
async function zeroShotEval(opts: Parsed, encoder: Encoder, texts: string[], gold: string[][]): Promise<EvalResult> {
  const kind = CODEFRAME_KIND[opts.task as keyof typeof CODEFRAME_KIND];
  const { loadCodeframe, BUILTIN_CODEFRAMES } = await import('../config/codeframe.js');
  const { parseAnalysisConfig } = await import('../config/analysis.js');
  const { ZeroShotClassifier } = await import('../analyze/zeroshot.js');
  const { stems } = await import('../analyze/lexical.js');
  const path = opts.codeframe ?? `builtin:${BUILTIN_CODEFRAMES[kind]}`;
  const codeframe = loadCodeframe(path, kind);
  const zs = await ZeroShotClassifier.build(codeframe.themes, encoder, parseAnalysisConfig({}).zeroShot);
  const vectors = await encoder.embed(texts);
  const predicted = texts.map((t, i) => {
    const scores = zs.score(vectors[i]!, stems(t));
    return scores.reduce((a, b) => (b.sim > a.sim ? b : a)).id;
  });
  const goldOne = gold.map((g, i) => (g.includes(predicted[i]!) ? predicted[i]! : g[0]!));
  return { kind: 'single', model: `zero-shot ${path}`, report: classificationReport(goldOne, predicted) };
}
