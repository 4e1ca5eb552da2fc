/**
 * The whole pipeline, as `voc run` does it: ingest, analyse new and changed segments, aggregate,
 * write the configured exports and report, inside one recorded run that holds the database lock.
 *
 * The no-op rule: when nothing was ingested new or changed, nothing was analysed and an aggregate
 * exists, the numbers cannot have changed, so the aggregate, the exports and the report are left
 * as they are (a nightly run on unchanged exports writes nothing). Only exports that are missing
 * or older than the latest aggregate (a kill during the exports, a deleted file) are written again.
 *
 * What cannot be checked by the config schema is checked before anything is ingested: export
 * paths outside the working directory and root, and a queue that is misconfigured or unreachable.
 * Heavy stages are imported lazily: loading the models is only worth it when analysis runs.
 */
import type { AggregateSummary } from '../aggregate/pipeline.js';
import type { AnalyzeSummary } from '../analyze/pipeline.js';
import type { ExportSpec } from '../config/aggregate.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { queueSettings, type QueueSettings } from '../config/queue.js';
import { ingestPipeline, type IngestReport } from '../ingest/engine.js';
import { latestAggregate } from '../store/aggregate.js';
import type { Db } from '../store/db.js';
import { withPipelineRun, type RunTarget } from './lifecycle.js';
import { SILENT, type Reporter } from './reporter.js';

export interface RunPipelineOptions extends RunTarget {
  /** write the configured exports and report (default true) */
  exports?: boolean | undefined;
  /** analyse on `voc worker` processes through this Redis (redis://HOST:6379); default: the config's queue section */
  queue?: string | undefined;
}

export interface RunResult {
  runId: number;
  ingest: IngestReport;
  analysis: AnalyzeSummary;
  /** null when nothing changed (the no-op rule) */
  aggregate: AggregateSummary | null;
  /** the files written */
  exports: string[];
  /** true when nothing new or changed was found and the aggregate was kept */
  unchanged: boolean;
}

export async function runPipeline(options: RunPipelineOptions, reporter: Reporter = SILENT): Promise<RunResult> {
  return withPipelineRun(
    options,
    'run',
    async ({ db, config, runId }) => {
      const { exportSpecs, outPath } = await import('../report/exports-config.js');
      for (const spec of exportSpecs(config)) outPath(config, spec.out);
      const queue = queueSettings(config.queue, config.name, options.queue);
      if (queue) await (await import('../queue/redis.js')).checkRedis(queue.url);
      return { runId, ...(await runStages(db, config, runId, options.exports ?? true, reporter, queue)) };
    },
    // What the run record keeps (voc status shows it): counts, not the whole reports.
    (r) => ({
      ingest: r.ingest.totals,
      analysis: r.analysis,
      aggregate: r.aggregate ? { id: r.aggregate.aggregateId, cells: r.aggregate.cells } : null,
      exports: r.exports,
    }),
  );
}

async function runStages(db: Db, config: PipelineConfig, runId: number, withExports: boolean, reporter: Reporter, queue: QueueSettings | null): Promise<Omit<RunResult, 'runId'>> {
  reporter.stage?.('ingest');
  const ingest = await ingestPipeline(db, config, runId, { onFile: (file) => reporter.event?.({ type: 'file', file }) });
  reporter.event?.({ type: 'ingested', report: ingest });

  const { analyzePipeline } = await import('../analyze/pipeline.js');
  reporter.stage?.('analyze');
  const analysis = await analyzePipeline(db, config, runId, {
    onProgress: reporter.progress ? (p) => reporter.progress?.(p.segmentsDone, p.segmentsTotal) : undefined,
    distribute: queue
      ? (await import('../queue/coordinator.js')).queueRunner(queue, (line) => (line.startsWith('warning') ? reporter.warn?.(line) : reporter.log?.(line)))
      : null,
  });
  reporter.event?.({ type: 'analysed', summary: analysis });

  const unchanged = analysis.segmentsAnalysed === 0 && ingest.totals.new + ingest.totals.updated === 0 && latestAggregate(db) !== null;
  if (unchanged) {
    const { staleExports } = await import('../report/exports-config.js');
    const stale = withExports ? staleExports(db, config) : [];
    reporter.event?.({ type: 'unchanged', staleExports: stale.length });
    const exports = stale.length ? await writeExports(db, config, reporter, stale) : [];
    return { ingest, analysis, aggregate: null, exports, unchanged };
  }
  const { aggregatePipeline, mixedVersionsWarning } = await import('../aggregate/pipeline.js');
  reporter.stage?.('aggregate');
  const aggregate = aggregatePipeline(db, config, runId);
  reporter.event?.({ type: 'aggregated', summary: aggregate });
  const mixed = mixedVersionsWarning(aggregate);
  if (mixed) reporter.warn?.(mixed);
  const exports = withExports ? await writeExports(db, config, reporter) : [];
  return { ingest, analysis, aggregate, exports, unchanged };
}

async function writeExports(db: Db, config: PipelineConfig, reporter: Reporter, only?: ExportSpec[]): Promise<string[]> {
  const { exportsFromConfig } = await import('../report/exports-config.js');
  reporter.stage?.('exports');
  const written = exportsFromConfig(db, config, only);
  for (const path of written) reporter.event?.({ type: 'exported', path });
  return written;
}
