/** `voc eval sentiment|themes|stage|touchpoint`: scores a model against labelled examples. */
import type { Command } from 'commander';
import { z } from 'zod';
import { openDatabase } from '../store/db.js';
import { cachedEncoder } from '../store/embeddings.js';
import { createEncoder, parseEncoderFlag, type Encoder } from '../models/encoder.js';
import { loadHead } from '../models/head.js';
import { readLabelled } from '../models/labelled.js';
import { classificationReport, formatReport, multiLabelReport, type ClassificationReport } from '../models/metrics.js';
import { createSentimentModel } from '../models/sentiment.js';
import { normaliseSentimentLabel } from '../models/sentiment-train.js';
import { parseOptions } from './common.js';
import { TRAIN_TASKS } from '../pipeline/train.js';

const EvalOptions = z.object({
  task: z.enum(TRAIN_TASKS),
  input: z.string().min(1),
  textColumn: z.string().min(1).default('text'),
  labelColumn: z.string().min(1).default('label'),
  labelSeparator: z.string().min(1).default(';'),
  head: z.string().optional(),
  codeframe: z.string().optional(),
  encoder: z.string().default('use'),
  db: z.string().default('data/voc.sqlite'),
  json: z.boolean().default(false),
});
type EvalOptions = z.infer<typeof EvalOptions>;

export type EvalResult =
  | { kind: 'single'; model: string; report: ClassificationReport }
  | { kind: 'multi'; model: string; report: ReturnType<typeof multiLabelReport> & { n: number } };

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Measure a sentiment model or classifier head on labelled examples (accuracy, macro-F1, per class, confusion)')
    .argument('<task>', `what the labels are: ${TRAIN_TASKS.join(' | ')}`)
    .requiredOption('-i, --input <file>', 'labelled examples (.csv with a header row, or .jsonl)')
    .option('--text-column <name>', 'column with the text', 'text')
    .option('--label-column <name>', 'column with the gold label(s)', 'label')
    .option('--label-separator <sep>', 'separator of gold labels for multi-label heads', ';')
    .option('--head <file>', 'head to evaluate (default for sentiment: the shipped model)')
    .option('--codeframe <file>', 'without --head: zero-shot classification with this codeframe (default: the built-in one for the task)')
    .option('--encoder <spec>', 'use | transformers:<model folder or name> (must match the head)', 'use')
    .option('--db <file>', 'database whose embedding cache to use', 'data/voc.sqlite')
    .option('--json', 'print the report as JSON')
    .action(async (task: string, raw: Record<string, unknown>) => {
      const opts = parseOptions(EvalOptions, { ...raw, task });
      const result = await runEval(opts);
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(`${formatEval(result)}\n`);
    });
}

export async function runEval(opts: EvalOptions): Promise<EvalResult> {
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
async function zeroShotEval(opts: EvalOptions, encoder: Encoder, texts: string[], gold: string[][]): Promise<EvalResult> {
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

export function formatEval(result: EvalResult): string {
  if (result.kind === 'single') return `model: ${result.model}\n${formatReport(result.report)}`;
  const r = result.report;
  const lines = [
    `model: ${result.model}`,
    `examples: ${r.n}   micro-F1: ${r.microF1.toFixed(3)}   macro-F1: ${r.macroF1.toFixed(3)}   exact match: ${r.exactMatch.toFixed(3)}`,
    '',
    'label  precision  recall  f1  support',
    ...r.perClass.map((c) => `${c.label}  ${c.precision.toFixed(3)}  ${c.recall.toFixed(3)}  ${c.f1.toFixed(3)}  ${c.support}`),
  ];
  return lines.join('\n');
}
