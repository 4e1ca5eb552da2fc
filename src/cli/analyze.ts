/** `voc analyze`: sentiment, emotions, themes, journey stage and touchpoint for new or stale segments (src/pipeline/stages.ts). */
import type { Command } from 'commander';
import { z } from 'zod';
import type { AnalyzeSummary } from '../analyze/pipeline.js';
import { analyze } from '../pipeline/stages.js';
import { parseOptions } from './common.js';

const AnalyzeOptions = z.object({
  config: z.string().min(1),
  db: z.string().optional(),
  limit: z.coerce.number().int().positive().optional(),
  reanalyze: z.boolean().default(false),
  discover: z.boolean().default(true),
  json: z.boolean().default(false),
});

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Analyse new or changed segments: sentiment, emotions, themes, journey stage and touchpoint')
    .requiredOption('-c, --config <file>', 'pipeline config (pipelines/*.yaml)')
    .option('--db <file>', 'database file (default: the config\'s "database")')
    .option('--limit <n>', 'analyse about this many segments, then stop (documents are kept whole)')
    .option('--reanalyze', 'analyse everything again, even results that are current')
    .option('--no-discover', 'skip theme discovery among segments no theme claimed')
    .option('--json', 'print the summary as JSON')
    .action(async (raw: unknown) => {
      const opts = parseOptions(AnalyzeOptions, raw);
      // A counter on a terminal; nothing in logs or with --json.
      const tty = process.stderr.isTTY && !opts.json;
      const progress = (done: number, total?: number) => void process.stderr.write(`\ranalysing ${done}/${total ?? '?'} segments`);
      const summary = await analyze({ ...opts, exitOnSignal: true }, tty ? { progress } : {});
      if (tty) process.stderr.write('\n');
      process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatAnalyzeSummary(summary)}\n`);
    });
}

export function formatAnalyzeSummary(s: AnalyzeSummary): string {
  return [
    `segments analysed:  ${s.segmentsAnalysed} (${s.documentsAnalysed} documents)`,
    `embedding cache:    ${s.cacheHits} hits, ${s.cacheMisses} misses`,
    `unassigned rate:    ${(s.unassignedRate * 100).toFixed(1)}% of analysed segments have no theme`,
    `theme suggestions:  ${s.suggestions}${s.suggestions ? ' (list them with `voc themes suggest`)' : ''}`,
    `time:               ${s.seconds.toFixed(1)} s (${s.segmentsPerSecond.toFixed(1)} segments/s)`,
    `analysis key:       ${s.analysisKey}`,
  ].join('\n');
}
