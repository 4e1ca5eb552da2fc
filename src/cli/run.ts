/**
 * `voc run`: the nightly job (src/pipeline/run.ts does the work and owns the no-op rule). This file
 * parses the flags, passes a reporter that draws progress and prints each stage's summary as it
 * happens, and applies --strict at the end.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { AnalyzeSummary } from '../analyze/pipeline.js';
import type { AggregateSummary } from '../aggregate/pipeline.js';
import type { PipelineEvent } from '../pipeline/reporter.js';
import { runPipeline } from '../pipeline/run.js';
import { parseOptions } from './common.js';
import { formatIngestReport, strictCheck } from './ingest.js';
import { createProgress, progressReporter, type Progress } from './progress.js';

const RunOptions = z.object({
  config: z.string().min(1),
  db: z.string().optional(),
  strict: z.boolean().default(false),
  quiet: z.boolean().default(false),
  exports: z.boolean().default(true),
  queue: z.string().min(1).optional(),
});

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
      const progress = createProgress({ quiet: opts.quiet });
      const started = performance.now();
      try {
        const result = await runPipeline({ ...opts, exitOnSignal: true }, progressReporter(progress, (e) => printEvent(e, progress)));
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(`Run ${result.runId} finished in ${seconds} s.\n`);
        strictCheck(opts.strict, result.ingest);
      } finally {
        progress.done();
      }
    });
}

function printEvent(e: PipelineEvent, progress: Progress): void {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  switch (e.type) {
    case 'file': {
      const f = e.file;
      progress.log(`  ${f.skippedFile ? 'skip' : 'read'} ${f.path}${f.skippedFile ? ' (unchanged)' : `: ${f.read} records, ${f.new} new, ${f.updated} updated, ${f.quarantined} quarantined`}`);
      return;
    }
    case 'ingested':
      return out(formatIngestReport(e.report));
    case 'analysed':
      progress.done();
      return out(formatAnalysis(e.summary));
    case 'unchanged':
      return out(
        e.staleExports === 0
          ? 'No new or changed data: aggregates, exports and report left as they are.'
          : `No new or changed data; ${e.staleExports} export(s) missing or older than the latest aggregate are written again.`,
      );
    case 'aggregated':
      return out(formatAggregate(e.summary));
    case 'exported':
      return out(`Wrote ${e.path}`);
  }
}

function formatAnalysis(a: AnalyzeSummary): string {
  const d = a.distributed;
  const lines = d
    ? [`Distributed: ${d.batches} batches on queue ${d.queue} by ${d.workers.length} worker(s), ${d.retried} retried; coordinator ${d.coordinatorMsPerBatch.toFixed(1)} ms per batch.`]
    : [];
  lines.push(
    `Analysis: ${a.segmentsAnalysed} segments in ${a.documentsAnalysed} documents ` +
      `(${a.segmentsPerSecond.toFixed(0)}/s; embedding cache ${a.cacheHits} hits, ${a.cacheMisses} misses); ` +
      `unassigned rate ${(a.unassignedRate * 100).toFixed(1)}%; ${a.suggestions} theme suggestion(s).`,
  );
  return lines.join('\n');
}

function formatAggregate(s: AggregateSummary): string {
  const top = s.topPain.slice(0, 3).map((p) => `${p.stage} x ${p.theme}`).join(', ') || 'none';
  return `Aggregate ${s.aggregateId}: ${s.cells} cells over ${s.segments} segments; top pain: ${top}.`;
}
