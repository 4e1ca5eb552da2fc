/** `voc analyze`: sentiment, emotions, themes, journey stage and touchpoint for new or stale segments. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { analyzePipeline, type AnalyzeSummary } from '../analyze/pipeline.js';
import { loadPipelineConfig } from '../config/load.js';
import { openDatabase } from '../store/db.js';
import { finishRun, markStaleRunsInterrupted, startRun } from '../store/ingest.js';
import { acquireLock } from '../store/lock.js';
import { TOOL_VERSION } from '../util/version.js';
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
      const summary = await runAnalyzeCommand(opts);
      process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatAnalyzeSummary(summary)}\n`);
    });
}

export async function runAnalyzeCommand(opts: z.infer<typeof AnalyzeOptions>): Promise<AnalyzeSummary> {
  const { config, path, hash } = loadPipelineConfig(opts.config);
  const dbPath = resolve(opts.db ?? config.database);
  const db = openDatabase(dbPath);
  const lock = acquireLock(dbPath, 'analyze');
  try {
    markStaleRunsInterrupted(db);
    const runId = startRun(db, { command: 'analyze', pipeline: config.name, configPath: path, configHash: hash, toolVersion: TOOL_VERSION });
    const tty = process.stderr.isTTY && !opts.json;
    try {
      const summary = await analyzePipeline(db, config, runId, {
        limit: opts.limit,
        reanalyze: opts.reanalyze,
        discover: opts.discover,
        onProgress: tty ? (p) => process.stderr.write(`\ranalysing ${p.segmentsDone}/${p.segmentsTotal} segments`) : undefined,
      });
      if (tty) process.stderr.write('\n');
      finishRun(db, runId, 'ok', { analyze: summary });
      return summary;
    } catch (err) {
      finishRun(db, runId, 'failed', null, (err as Error).message);
      throw err;
    }
  } finally {
    lock.release();
    db.close();
  }
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
