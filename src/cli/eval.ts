/** `voc eval sentiment|themes|stage|touchpoint`: scores a model against labelled examples (src/pipeline/evaluate.ts). */
import type { Command } from 'commander';
import { z } from 'zod';
import { formatReport } from '../models/metrics.js';
import { EvalOptions, evaluate, type EvalResult } from '../pipeline/evaluate.js';
import { TRAIN_TASKS } from '../pipeline/train.js';
import { parseOptions } from './common.js';

const JsonFlag = z.object({ json: z.boolean().default(false) });

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
      const result = await evaluate(opts);
      if (parseOptions(JsonFlag, raw).json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(`${formatEval(result)}\n`);
    });
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
