/**
 * `voc train sentiment|themes|stage|touchpoint`: trains a classifier head from labelled CSV/JSONL
 * (src/pipeline/train.ts does the work; its option schema is the flags'); prints what was written.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { Head } from '../models/head.js';
import { DEFAULT_MIN_CONFIDENCE } from '../models/sentiment-adapt.js';
import { TRAIN_TASKS, TrainOptions, train } from '../pipeline/train.js';
import { parseOptions } from './common.js';

const JsonFlag = z.object({ json: z.boolean().default(false) });

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train a classifier head (sentiment, themes, stage or touchpoint) from labelled examples')
    .argument('<task>', `what the labels are: ${TRAIN_TASKS.join(' | ')}`)
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
      const { json } = parseOptions(JsonFlag, raw);
      const head = await train(opts, { log: (line) => void process.stderr.write(`${line}\n`) });
      const metrics = head.card.metrics;
      if (json) process.stdout.write(`${JSON.stringify({ out: opts.out, labels: head.labels, metrics }, null, 2)}\n`);
      else process.stdout.write(`${formatTrainSummary(opts, head)}\n`);
    });
}

function formatTrainSummary(opts: { out: string }, head: Head): string {
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
