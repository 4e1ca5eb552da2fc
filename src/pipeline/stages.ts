/**
 * The recorded stages on their own, as `voc ingest` and `voc analyze` run them: each inside a run
 * record and the database lock (lifecycle.ts), reporting through a Reporter. `runPipeline`
 * (run.ts) chains them with aggregation and the exports.
 */
import { analyzePipeline, type AnalyzeSummary } from '../analyze/pipeline.js';
import { ingestPipeline, type IngestReport } from '../ingest/engine.js';
import { withPipelineRun, type RunTarget } from './lifecycle.js';
import { SILENT, type Reporter } from './reporter.js';

export interface IngestOptions extends RunTarget {
  /** re-read files that were already fully imported (they come out `unchanged`) */
  force?: boolean | undefined;
}

/** Reads every configured export into the database: new and changed records only. */
export async function ingest(options: IngestOptions, reporter: Reporter = SILENT): Promise<IngestReport> {
  return withPipelineRun(
    options,
    'ingest',
    async ({ db, config, runId }) => {
      reporter.stage?.('ingest');
      const report = await ingestPipeline(db, config, runId, { force: options.force, onFile: (file) => reporter.event?.({ type: 'file', file }) });
      reporter.event?.({ type: 'ingested', report });
      return report;
    },
    (report) => ({ ingest: report.totals }),
  );
}

export interface AnalyzeOptions extends RunTarget {
  /** analyse about this many segments, then stop (documents are kept whole) */
  limit?: number | undefined;
  /** analyse everything again, even results that are current */
  reanalyze?: boolean | undefined;
  /** theme discovery among segments no theme claimed (default: the config's analysis.discovery.enabled) */
  discover?: boolean | undefined;
}

/** Sentiment, emotions, themes, journey stage and touchpoint for new or changed segments. */
export async function analyze(options: AnalyzeOptions, reporter: Reporter = SILENT): Promise<AnalyzeSummary> {
  return withPipelineRun(
    options,
    'analyze',
    async ({ db, config, runId }) => {
      reporter.stage?.('analyze');
      const summary = await analyzePipeline(db, config, runId, {
        limit: options.limit,
        reanalyze: options.reanalyze,
        discover: options.discover,
        onProgress: reporter.progress ? (p) => reporter.progress?.(p.segmentsDone, p.segmentsTotal) : undefined,
      });
      reporter.event?.({ type: 'analysed', summary });
      return summary;
    },
    (summary) => ({ analyze: summary }),
  );
}
