/**
 * Training classifier heads from a coded sample ("code the rest like I coded these"), as `voc
 * train` does: sentiment, themes, journey stage or touchpoint from labelled CSV/JSONL, or, for
 * sentiment without labels, self-training of the general model on a sample of the corpus (a file
 * or the segments in a database). The head is written to `out` and returned; the embedding cache
 * of `db` is used, so re-training on the same texts embeds nothing.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { BUILTIN_CODEFRAMES, loadCodeframe, type CodeframeKind } from '../config/codeframe.js';
import { validateWith } from '../config/issues.js';
import { createEncoder, parseEncoderFlag } from '../models/encoder.js';
import { saveHead, trainHead, type Head } from '../models/head.js';
import { labelTextsFor } from '../models/label-texts.js';
import { readLabelled, readTextSample } from '../models/labelled.js';
import { DEFAULT_MIN_CONFIDENCE, adaptSentimentHead } from '../models/sentiment-adapt.js';
import { trainSentimentHead } from '../models/sentiment-train.js';
import { sampleSegmentTexts } from '../store/analysis.js';
import { openDatabase } from '../store/db.js';
import { cachedEncoder } from '../store/embeddings.js';
import { UserError } from '../util/errors.js';
import { SILENT, type Reporter } from './reporter.js';

export const TRAIN_TASKS = ['sentiment', 'themes', 'stage', 'touchpoint'] as const;

export const TrainOptions = z
  .object({
    task: z.enum(TRAIN_TASKS),
    /** labelled examples (.csv with a header row, or .jsonl); not with fromDb */
    input: z.string().min(1).optional(),
    textColumn: z.string().min(1).default('text'),
    labelColumn: z.string().min(1).default('label'),
    multiLabel: z.boolean().default(false),
    labelSeparator: z.string().min(1).default(';'),
    /** `use` or `transformers:<model folder or name>` */
    encoder: z.string().default('use'),
    /** where to write the head (models/heads/NAME.json) */
    out: z.string().min(1).regex(/\.json$/, 'must be a .json file'),
    /** the database whose embedding cache to use (and whose segments fromDb reads) */
    db: z.string().default('data/voc.sqlite'),
    seed: z.coerce.number().int().default(42),
    /** codeframe whose entries describe the labels (default: the built-in one for the task) */
    codeframe: z.string().min(1).optional(),
    /** add the codeframe entries or label names as extra examples */
    labelTexts: z.boolean().default(true),
    /** sentiment only: no labels; adapt the general model to these texts */
    unlabelled: z.boolean().default(false),
    minConfidence: z.coerce.number().gt(0.34, 'must be above 1/3').max(1).default(DEFAULT_MIN_CONFIDENCE),
    maxRows: z.coerce.number().int().positive().default(20_000),
    /** with unlabelled: the analysable segments stored in db instead of input */
    fromDb: z.boolean().default(false),
    /** with fromDb: only the segments of this source */
    source: z.string().min(1).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.fromDb && !o.unlabelled) ctx.addIssue({ code: 'custom', path: ['fromDb'], message: 'only with --unlabelled (labelled examples come from --input)' });
    if (o.source && !o.fromDb) ctx.addIssue({ code: 'custom', path: ['source'], message: 'only with --from-db' });
    if (o.fromDb && o.input) ctx.addIssue({ code: 'custom', path: ['input'], message: 'give --input or --from-db, not both' });
    if (!o.fromDb && !o.input) ctx.addIssue({ code: 'custom', path: ['input'], message: 'required (a .csv or .jsonl file)' });
  });
export type TrainOptions = z.input<typeof TrainOptions>;
type Parsed = z.output<typeof TrainOptions>;

/** Trains (or, with `unlabelled`, adapts) a head, writes it to `out` and returns it. Notes go to `reporter.log`. */
export async function train(options: TrainOptions, reporter: Reporter = SILENT): Promise<Head> {
  const opts = validateWith(TrainOptions, options, 'train options');
  const log = (m: string): void => reporter.log?.(m);
  if (opts.task === 'sentiment' && opts.multiLabel) throw new UserError('Sentiment has one label per text; drop --multi-label.');
  if (opts.unlabelled) {
    if (opts.task !== 'sentiment') throw new UserError(`--unlabelled adapts the sentiment model only; ${opts.task} needs labelled examples.`);
    return adapt(opts, log);
  }
  const input = opts.input!;
  const data = await readLabelled({ input, textColumn: opts.textColumn, labelColumn: opts.labelColumn, multiLabel: opts.multiLabel, labelSeparator: opts.labelSeparator });
  if (data.skipped) log(`skipped ${data.skipped} row(s) with an empty text or label`);
  const db = openDatabase(opts.db);
  const encoder = cachedEncoder(db, await createEncoder(parseEncoderFlag(opts.encoder)));
  try {
    const card = { name: headName(opts.out), task: opts.task, trainingData: [{ name: input, rows: data.texts.length }], createdWith: `voc train ${opts.task}` };
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

/** Sentiment without labels: self-training on a sample of the corpus (a file or the database). */
async function adapt(opts: Parsed, log: (m: string) => void): Promise<Head> {
  const db = openDatabase(opts.db);
  try {
    const sample = opts.fromDb ? sampleSegmentTexts(db, { source: opts.source, maxRows: opts.maxRows, seed: opts.seed }) : await readTextSample(opts.input!, opts.textColumn, opts.maxRows, opts.seed);
    const from = opts.fromDb ? `segments in ${opts.db}${opts.source ? ` (source ${opts.source})` : ''}` : opts.input!;
    if (sample.total === 0) throw new UserError(`No analysable segments in ${from}: run \`voc ingest\` first.`);
    if ('skipped' in sample && sample.skipped) log(`skipped ${sample.skipped} row(s) with an empty text`);
    if (sample.total > sample.texts.length) log(`using a seeded sample of ${sample.texts.length} of ${sample.total} texts`);
    const encoder = cachedEncoder(db, await createEncoder(parseEncoderFlag(opts.encoder)));
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

const CODEFRAME_KIND: Record<Exclude<Parsed['task'], 'sentiment'>, CodeframeKind> = { themes: 'themes', stage: 'stages', touchpoint: 'touchpoints' };

/** Extra examples per label from the codeframe (given, or the built-in one for the task) and label names. */
function describeLabels(opts: Parsed, labels: string[]): { texts: Record<string, string[]>; note: string } {
  const kind = CODEFRAME_KIND[opts.task as keyof typeof CODEFRAME_KIND];
  const path = opts.codeframe ?? `builtin:${BUILTIN_CODEFRAMES[kind]}`;
  const d = labelTextsFor(labels, loadCodeframe(path, kind));
  const none = labels.length - d.fromCodeframe.length - d.fromName.length;
  return {
    texts: d.texts,
    note: `Label texts as extra examples: ${d.fromCodeframe.length} label(s) from codeframe ${path}, ${d.fromName.length} from their names, ${none} without.`,
  };
}
