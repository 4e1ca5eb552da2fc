/** `voc codeframe draft`: a first themes codeframe drawn from the ingested data, for a researcher to edit. */
import type { Command } from 'commander';
import { z } from 'zod';
import { draftCodeframe } from '../analyze/draft.js';
import { parseAnalysisConfig } from '../config/analysis.js';
import { loadPipelineConfig } from '../config/load.js';
import { cachedEncoder } from '../store/embeddings.js';
import { createEncoder } from '../models/encoder.js';
import { writeFileAtomic } from '../report/files.js';
import { openDatabase } from '../store/db.js';
import { UserError } from '../util/errors.js';
import { confineOutput } from '../util/paths.js';
import { parseOptions } from './common.js';

const DraftOptions = z.object({
  config: z.string().min(1),
  db: z.string().optional(),
  source: z.string().min(1).optional(),
  out: z.string().min(1),
  k: z.coerce.number().int().min(2).max(200).optional(),
  maxSegments: z.coerce.number().int().min(10).default(5000),
  allowOutside: z.boolean().default(false),
});

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
      const o = parseOptions(DraftOptions, raw);
      const { config } = loadPipelineConfig(o.config);
      const out = confineOutput(o.out, { roots: [config.root], allowOutside: o.allowOutside || config.allowOutputOutside, what: '--out' });
      if (o.source && !config.sources.some((s) => s.name === o.source)) {
        throw new UserError(`--source: no source named "${o.source}" in ${o.config} (sources: ${config.sources.map((s) => s.name).join(', ')})`);
      }
      const acfg = parseAnalysisConfig(config.analysis, 'analysis section of the pipeline config');
      const db = openDatabase(o.db ?? config.database);
      const base = await createEncoder(acfg.encoder);
      try {
        const draft = await draftCodeframe(db, cachedEncoder(db, base), { source: o.source, k: o.k, maxSegments: o.maxSegments });
        if (draft.themes === 0) throw new UserError(`not enough sentences to draft themes from (${draft.sampled} usable; ingest more data first)`);
        writeFileAtomic(out, draft.yaml);
        process.stdout.write(`wrote ${out}: ${draft.themes} themes from ${draft.sampled} sentences. Edit it, then set analysis.codeframes.themes: ${o.out}\n`);
      } finally {
        await base.dispose();
        db.close();
      }
    });
}
