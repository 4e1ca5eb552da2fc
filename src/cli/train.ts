/** `voc train sentiment|themes|stage|touchpoint`: trains a classifier head from labelled CSV/JSONL. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { openDatabase } from '../store/db.js';
import { sampleSegmentTexts } from '../store/analysis.js';
import { cachedEncoder } from '../store/embeddings.js';
import { createEncoder, parseEncoderFlag } from '../models/encoder.js';
import { saveHead, trainHead, type Head } from '../models/head.js';
import { readLabelled, readTextSample } from '../models/labelled.js';
import { DEFAULT_MIN_CONFIDENCE, adaptSentimentHead } from '../models/sentiment-adapt.js';
import { labelTextsFor } from '../models/label-texts.js';
import { BUILTIN_CODEFRAMES, loadCodeframe, type CodeframeKind, type LoadedCodeframe } from '../config/codeframe.js';
import { trainSentimentHead } from '../models/sentiment-train.js';
import { UserError } from '../util/errors.js';
import { parseOptions } from './common.js';

export const TASKS = ['sentiment', 'themes', 'stage', 'touchpoint'] as const;

const TrainOptions = z
  .object({
    task: z.enum(TASKS),
    input: z.string().min(1).optional(),
    textColumn: z.string().min(1).default('text'),
    labelColumn: z.string().min(1).default('label'),
    multiLabel: z.boolean().default(false),
    labelSeparator: z.string().min(1).default(';'),
    encoder: z.string().default('use'),
    out: z.string().min(1).regex(/\.json$/, 'must be a .json file'),
    db: z.string().default('data/voc.sqlite'),
    seed: z.coerce.number().int().default(42),
    codeframe: z.string().min(1).optional(),
    labelTexts: z.boolean().default(true),
    unlabelled: z.boolean().default(false),
    minConfidence: z.coerce.number().gt(0.34, 'must be above 1/3').max(1).default(DEFAULT_MIN_CONFIDENCE),
    maxRows: z.coerce.number().int().positive().default(20_000),
    fromDb: z.boolean().default(false),
    source: z.string().min(1).optional(),
    json: z.boolean().default(false),
  })
  .superRefine((o, ctx) => {
    if (o.fromDb && !o.unlabelled) ctx.addIssue({ code: 'custom', path: ['fromDb'], message: 'only with --unlabelled (labelled examples come from --input)' });
    if (o.source && !o.fromDb) ctx.addIssue({ code: 'custom', path: ['source'], message: 'only with --from-db' });
    if (o.fromDb && o.input) ctx.addIssue({ code: 'custom', path: ['input'], message: 'give --input or --from-db, not both' });
    if (!o.fromDb && !o.input) ctx.addIssue({ code: 'custom', path: ['input'], message: 'required (a .csv or .jsonl file)' });
  });
type TrainOptions = z.infer<typeof TrainOptions>;

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train a classifier head (sentiment, themes, stage or touchpoint) from labelled examples')
    .argument('<task>', `what the labels are: ${TASKS.join(' | ')}`)
    .option('-i, --input <file>', 'labelled examples (.csv with a header row, or .jsonl); required unless --from-db')
    .option('--text-column <name>', 'column with the text', 'text')
    .option('--label-column <name>', 'column with the label(s)', 'label')
    .option('--multi-label', 'several labels per row, split by --label-separator')
    .option('--label-separator <sep>', 'separator for --multi-label', ';')
    .option('--encoder <spec>', 'use | transformers:<model folder or name>', 'use')
    .requiredOption('-o, --out <file>', 'where to write the head (models/heads/NAME.json)')
    .option('--db <file>', 'database whose embedding cache to use', 'data/voc.sqlite')
    .option('--seed <n>', 'random seed', '42')
    .option('--codeframe <file>', 'codeframe whose themes describe the labels (default: the built-in one for the task)')
    .option('--no-label-texts', 'do not add the codeframe entries or label names as extra examples')
    .option('--unlabelled', 'sentiment only: no labels; adapt the general model to these texts (self-training)')
    .option('--min-confidence <p>', 'with --unlabelled: keep pseudo-labels at least this probable', String(DEFAULT_MIN_CONFIDENCE))
    .option('--max-rows <n>', 'with --unlabelled: a seeded sample of at most this many texts', '20000')
    .option('--from-db', 'with --unlabelled: adapt to the analysable segments stored in --db instead of --input')
    .option('--source <name>', 'with --from-db: only the segments of this source')
    .option('--json', 'print the metrics as JSON')
    .action(async (task: string, raw: Record<string, unknown>) => {
      const opts = parseOptions(TrainOptions, { ...raw, task });
      const head = await runTrain(opts);
      const metrics = head.card.metrics;
      if (opts.json) process.stdout.write(`${JSON.stringify({ out: opts.out, labels: head.labels, metrics }, null, 2)}\n`);
      else process.stdout.write(`${formatTrainSummary(opts, head)}\n`);
    });
}

export async function runTrain(opts: TrainOptions): Promise<Head> {
  if (opts.task === 'sentiment' && opts.multiLabel) throw new UserError('Sentiment has one label per text; drop --multi-label.');
  if (opts.unlabelled) {
    if (opts.task !== 'sentiment') throw new UserError(`--unlabelled adapts the sentiment model only; ${opts.task} needs labelled examples.`);
    return runAdapt(opts);
  }
  const data = await readLabelled({
    input: opts.input!,
    textColumn: opts.textColumn,
    labelColumn: opts.labelColumn,
    multiLabel: opts.multiLabel,
    labelSeparator: opts.labelSeparator,
  });
  if (data.skipped) process.stderr.write(`skipped ${data.skipped} row(s) with an empty text or label\n`);
  const db = openDatabase(opts.db);
  const base = await createEncoder(parseEncoderFlag(opts.encoder));
  const encoder = cachedEncoder(db, base);
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  try {
    const card = {
      name: headName(opts.out),
      task: opts.task,
      trainingData: [{ name: opts.input!, rows: data.texts.length }],
      createdWith: `voc train ${opts.task}`,
    };
    const described = opts.task !== 'sentiment' && opts.labelTexts ? describeLabels(opts, [...new Set(data.labels.flat())]) : null;
    if (described) log(described.note);
    const head =
      opts.task === 'sentiment'
        ? await trainSentimentHead(data.texts, data.labels.map((l) => l[0]!), { encoder, seed: opts.seed, card, log })
        : await trainHead(data.texts, opts.multiLabel ? data.labels : data.labels.map((l) => l[0]!), {
            encoder,
            multiLabel: opts.multiLabel,
            seed: opts.seed,
            card: described ? { ...card, notes: [described.note] } : card,
            labelTexts: described?.texts,
            log,
          });
    saveHead(head, opts.out);
    return head;
  } finally {
    await encoder.dispose();
    db.close();
  }
}

/** The head's name on its card: the output file's name without folder and extension. */
function headName(out: string): string {
  return basename(out, '.json');
}

/** `voc train sentiment --unlabelled`: self-training on a sample of the corpus (a file or the database). */
async function runAdapt(opts: TrainOptions): Promise<Head> {
  const log = (m: string): void => void process.stderr.write(`${m}\n`);
  const db = openDatabase(opts.db);
  try {
    const sample = opts.fromDb ? sampleSegmentTexts(db, { source: opts.source, maxRows: opts.maxRows, seed: opts.seed }) : await readTextSample(opts.input!, opts.textColumn, opts.maxRows, opts.seed);
    const from = opts.fromDb ? `segments in ${opts.db}${opts.source ? ` (source ${opts.source})` : ''}` : opts.input!;
    if (sample.total === 0) throw new UserError(`No analysable segments in ${from}: run \`voc ingest\` first.`);
    if ('skipped' in sample && sample.skipped) log(`skipped ${sample.skipped} row(s) with an empty text`);
    if (sample.total > sample.texts.length) log(`using a seeded sample of ${sample.texts.length} of ${sample.total} texts`);
    const base = await createEncoder(parseEncoderFlag(opts.encoder));
    const encoder = cachedEncoder(db, base);
    try {
      const card = {
        name: headName(opts.out),
        task: 'sentiment',
        trainingData: [{ name: `${from} (unlabelled; pseudo-labels from the general model)`, rows: sample.texts.length }],
        createdWith: 'voc train sentiment --unlabelled',
      };
      const { head } = await adaptSentimentHead(sample.texts, { encoder, minConfidence: opts.minConfidence, seed: opts.seed, card, log });
      saveHead(head, opts.out);
      return head;
    } finally {
      await encoder.dispose();
    }
  } finally {
    db.close();
  }
}

const CODEFRAME_KIND: Record<Exclude<TrainOptions['task'], 'sentiment'>, CodeframeKind> = { themes: 'themes', stage: 'stages', touchpoint: 'touchpoints' };

/** Extra examples per label from the codeframe (given, or the built-in one for the task) and label names. */
function describeLabels(opts: TrainOptions, labels: string[]): { texts: Record<string, string[]>; note: string } {
  const kind = CODEFRAME_KIND[opts.task as keyof typeof CODEFRAME_KIND];
  const path = opts.codeframe ?? `builtin:${BUILTIN_CODEFRAMES[kind]}`;
  const codeframe: LoadedCodeframe = loadCodeframe(path, kind);
  const d = labelTextsFor(labels, codeframe);
  const none = labels.length - d.fromCodeframe.length - d.fromName.length;
  return {
    texts: d.texts,
    note: `Label texts as extra examples: ${d.fromCodeframe.length} label(s) from codeframe ${path}, ${d.fromName.length} from their names, ${none} without.`,
  };
}

function formatTrainSummary(opts: TrainOptions, head: Head): string {
  const m = head.card.metrics as Record<string, unknown>;
  const lines = [`wrote ${opts.out}: ${head.labels.length} labels, ${String(m.trainingExamples)} examples, encoder ${head.encoderId}`];
  const held = m.heldOut as Record<string, number> | null;
  if (held) {
    const parts = Object.entries(held).map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}`);
    lines.push(`held-out split: ${parts.join(', ')}`);
  } else {
    lines.push('held-out split: none (fewer than 30 examples); no metrics or calibration');
  }
  for (const key of ['stackWithoutFasttext', 'stackWithFasttext']) {
    const s = m[key] as { accuracy: number; macroF1: number; n: number } | undefined;
    if (s) lines.push(`${key === 'stackWithFasttext' ? 'stack with fastText' : 'stack'} (held-out fold ${s.n}): accuracy ${s.accuracy.toFixed(3)}, macro-F1 ${s.macroF1.toFixed(3)}`);
  }
  return lines.join('\n');
}
