/**
 * `voc classify`: analyse a CSV or JSONL file without a database and write one JSON line per input
 * row, in input order (src/pipeline/classify.ts does the work; its option schema is the flags').
 */
import type { Command } from 'commander';
import { ClassifyFileOptions, classifyFile } from '../pipeline/classify.js';
import { parseOptions } from './common.js';

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('Classify texts in a CSV or JSONL file (no database): sentiment, emotions, themes, stage, touchpoint as JSONL')
    .requiredOption('-i, --input <file>', 'CSV (with a header row) or JSONL file')
    .requiredOption('--text-column <name>', 'column / field holding the text')
    .option('--id-column <name>', 'column / field holding the id (default: the row number, from 1)')
    .option('--codeframe <file>', 'themes codeframe YAML (default: the built-in cross-industry; builtin:voc-default.yaml for web shops and subscriptions)')
    .option('--theme-head <file>', 'a themes head trained with `voc train themes`')
    .option('-c, --config <file>', 'take analysis settings from this pipeline config')
    .option('--format <format>', 'auto | csv | jsonl (auto: by file extension)', 'auto')
    .option('--batch-size <n>', 'rows per batch', '64')
    .requiredOption('-o, --output <file>', 'JSONL file to write')
    .action(async (raw: unknown) => {
      const opts = parseOptions(ClassifyFileOptions.omit({ analysis: true }), raw);
      const n = await classifyFile(opts);
      process.stderr.write(`classified ${n} rows -> ${opts.output}\n`);
    });
}
