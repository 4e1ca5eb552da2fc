/**
 * `voc run`: the nightly job. Ingest, analyse new and changed segments, aggregate, write the
 * configured exports; exit 0, or non-zero with a clear message. A lock keeps two runs off one
 * database; a run with no new data changes nothing.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { ingestPipeline } from '../ingest/engine.js';
import { latestAggregate } from '../store/aggregate.js';
import { parseAggregateConfig, parseExports, type ExportSpec } from '../config/aggregate.js';
import { parseAnalysisConfig } from '../config/analysis.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { queueSettings, type QueueSettings } from '../config/queue.js';
import type { Db } from '../store/db.js';
import { parseOptions } from './common.js';
import { withPipelineRun } from './pipeline-run.js';
import { formatIngestReport, strictCheck } from './ingest.js';
import { createProgress, type Progress } from './progress.js';

const RunOptions = z.object({
  config: z.string().min(1),
  db: z.string().optional(),
  strict: z.boolean().default(false),
  quiet: z.boolean().default(false),
  exports: z.boolean().default(true),
  queue: z.string().min(1).optional(),
});
type RunOptions = z.infer<typeof RunOptions>;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('The whole pipeline: ingest, analyse new and changed segments, aggregate, write the configured exports and report')
    .requiredOption('-c, --config <file>', 'pipeline config (pipelines/*.yaml)')
    .option('--db <file>', 'database file (default: the config\'s "database")')
    .option('--strict', 'fail (exit 3) when any row or file is quarantined or any value warned about')
    .option('--no-exports', 'skip the configured exports and report')
    .option('-q, --quiet', 'print only the final summary')
    .option('--queue <url>', "analyse on `voc worker` processes through this Redis (redis://HOST:6379; default: the config's queue section)")
    .action(async (raw: unknown) => {
      const opts = parseOptions(RunOptions, raw);
      await runPipeline(opts);
    });
}

export async function runPipeline(opts: RunOptions): Promise<void> {
  const progress = createProgress({ quiet: opts.quiet });
  const started = performance.now();
  try {
    const summary = await withPipelineRun(
      opts,
      'run',
      async ({ db, config, runId }) => {
        // A mistake in a later stage's section fails now, before anything is ingested.
        parseAnalysisConfig(config.analysis, 'analysis section of the pipeline config');
        parseAggregateConfig(config.aggregate);
        parseExports(config.exports);
        // So does an export path outside the working directory and root.
        const { exportSpecs, outPath } = await import('../report/exports-config.js');
        for (const spec of exportSpecs(config)) outPath(config, spec.out);
        // And a queue that is misconfigured or unreachable.
        const queue = queueSettings(config.queue, config.name, opts.queue);
        if (queue) await (await import('../queue/redis.js')).checkRedis(queue.url);
        return { runId, ...(await runStages(db, config, runId, opts, progress, queue)) };
      },
      ({ runId: _runId, ingestFiles: _files, ...counts }) => counts,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`Run ${summary.runId} finished in ${seconds} s.\n`);
    strictCheck(opts.strict, { files: summary.ingestFiles, totals: summary.ingest });
  } finally {
    progress.done();
  }
}


async function runStages(db: Db, config: PipelineConfig, runId: number, opts: RunOptions, progress: Progress, queue: QueueSettings | null) {
  progress.stage('ingest');
  const ingest = await ingestPipeline(db, config, runId, {
    onFile: (f) => progress.log(`  ${f.skippedFile ? 'skip' : 'read'} ${f.path}${f.skippedFile ? ' (unchanged)' : `: ${f.read} records, ${f.new} new, ${f.updated} updated, ${f.quarantined} quarantined`}`),
  });
  process.stdout.write(`${formatIngestReport(ingest)}\n`);

  // Imported lazily: loading the models is only worth it when this stage runs.
  const { analyzePipeline } = await import('../analyze/pipeline.js');
  progress.stage('analyze');
  const analysis = await analyzePipeline(db, config, runId, {
    onProgress: (p) => progress.update(p.segmentsDone, p.segmentsTotal),
    distribute: queue
      ? (await import('../queue/coordinator.js')).queueRunner(queue, (line) =>
          line.startsWith('warning') ? process.stderr.write(`voc: ${line}\n`) : progress.log(`  ${line}`),
        )
      : null,
  });
  progress.done();
  const d = analysis.distributed;
  if (d) {
    process.stdout.write(
      `Distributed: ${d.batches} batches on queue ${d.queue} by ${d.workers.length} worker(s), ${d.retried} retried; ` +
        `coordinator ${d.coordinatorMsPerBatch.toFixed(1)} ms per batch.\n`,
    );
  }
  process.stdout.write(
    `Analysis: ${analysis.segmentsAnalysed} segments in ${analysis.documentsAnalysed} documents ` +
      `(${analysis.segmentsPerSecond.toFixed(0)}/s; embedding cache ${analysis.cacheHits} hits, ${analysis.cacheMisses} misses); ` +
      `unassigned rate ${(analysis.unassignedRate * 100).toFixed(1)}%; ${analysis.suggestions} theme suggestion(s).\n`,
  );

  // Nothing new analysed and an aggregate exists: the numbers cannot have changed.
  const unchanged = analysis.segmentsAnalysed === 0 && ingest.totals.new + ingest.totals.updated === 0 && latestAggregate(db) !== null;
  if (unchanged) {
    // Exports a kill cut short, or that someone deleted, are written again from the aggregate.
    const { staleExports } = await import('../report/exports-config.js');
    const stale = opts.exports ? staleExports(db, config) : [];
    if (stale.length === 0) {
      process.stdout.write('No new or changed data: aggregates, exports and report left as they are.\n');
      return { ingest: ingest.totals, ingestFiles: ingest.files, analysis, aggregate: null, exports: [] as string[] };
    }
    process.stdout.write(`No new or changed data; ${stale.length} export(s) missing or older than the latest aggregate are written again.\n`);
    return { ingest: ingest.totals, ingestFiles: ingest.files, analysis, aggregate: null, exports: await writeConfiguredExports(db, config, progress, stale) };
  }
  const { aggregatePipeline, mixedVersionsWarning } = await import('../aggregate/pipeline.js');
  progress.stage('aggregate');
  const aggregate = aggregatePipeline(db, config, runId);
  process.stdout.write(
    `Aggregate ${aggregate.aggregateId}: ${aggregate.cells} cells over ${aggregate.segments} segments; ` +
      `top pain: ${aggregate.topPain.slice(0, 3).map((p) => `${p.stage} x ${p.theme}`).join(', ') || 'none'}.\n`,
  );
  const mixed = mixedVersionsWarning(aggregate);
  if (mixed) process.stderr.write(`${mixed}\n`);
  const exports = opts.exports ? await writeConfiguredExports(db, config, progress) : [];
  return { ingest: ingest.totals, ingestFiles: ingest.files, analysis, aggregate: { id: aggregate.aggregateId, cells: aggregate.cells }, exports };
}

async function writeConfiguredExports(db: Db, config: PipelineConfig, progress: Progress, only?: ExportSpec[]): Promise<string[]> {
  const { exportsFromConfig } = await import('../report/exports-config.js');
  progress.stage('exports');
  const written = exportsFromConfig(db, config, only);
  for (const file of written) process.stdout.write(`Wrote ${file}\n`);
  return written;
}
