/**
 * `voc codeframe draft`: a first themes codeframe drawn from the ingested data, for a researcher to
 * edit (src/pipeline/codeframe.ts does the work; its option schema is the flags').
 */
import type { Command } from 'commander';
import { DraftCodeframeOptions, writeCodeframeDraft } from '../pipeline/codeframe.js';
import { parseOptions } from './common.js';

export function registerCodeframe(program: Command): void {
  const cf = program.command('codeframe').description('Codeframes: draft one from your data');
  cf.command('draft')
    .description('Cluster the ingested customer sentences into a first themes codeframe (YAML) to edit and use')
    .requiredOption('-c, --config <file>', 'pipeline config (its database and encoder)')
    .option('--db <file>', 'database file (default: the config\'s "database")')
    .option('--source <name>', 'only this source')
    .option('--k <n>', 'number of themes (default: chosen by silhouette, up to 25)')
    .option('--max-segments <n>', 'sentences sampled, newest first', '5000')
    .requiredOption('-o, --out <file>', 'YAML file to write')
    .option('--allow-outside', 'allow --out outside the working directory and the pipeline root')
    .action(async (raw: unknown) => {
      const o = parseOptions(DraftCodeframeOptions, raw);
      const draft = await writeCodeframeDraft(o);
      process.stdout.write(`wrote ${draft.out}: ${draft.themes} themes from ${draft.sampled} sentences. Edit it, then set analysis.codeframes.themes: ${o.out}\n`);
    });
}
