/**
 * How the library tells its caller what it is doing, without printing anything itself: the CLI
 * passes a reporter that draws progress bars and prints lines (src/cli/progress.ts); a library
 * user passes nothing (silence) or their own logger. Every method is optional.
 *
 * Events carry the typed results as they happen (the ingest report before analysis starts, each
 * export as it is written), so a caller can show them early; the same values come back in the
 * function's result.
 */
import type { AggregateSummary } from '../aggregate/pipeline.js';
import type { AnalyzeSummary } from '../analyze/pipeline.js';
import type { FileReport, IngestReport } from '../ingest/engine.js';

export type PipelineStage = 'ingest' | 'analyze' | 'aggregate' | 'exports';

export type PipelineEvent =
  /** one input file read or skipped (unchanged) */
  | { type: 'file'; file: FileReport }
  | { type: 'ingested'; report: IngestReport }
  | { type: 'analysed'; summary: AnalyzeSummary }
  /** nothing new or changed: the aggregate is kept; `staleExports` exports are written again */
  | { type: 'unchanged'; staleExports: number }
  | { type: 'aggregated'; summary: AggregateSummary }
  | { type: 'exported'; path: string };

export interface Reporter {
  /** a stage starts; `total` when its size is known */
  stage?(name: PipelineStage, total?: number): void;
  /** progress within the current stage */
  progress?(done: number, total?: number): void;
  /** a detail line (a queue event, a training step) */
  log?(line: string): void;
  /** something that deserves attention but does not stop the work */
  warn?(message: string): void;
  event?(event: PipelineEvent): void;
}

/** The reporter used when the caller gives none. */
export const SILENT: Reporter = {};
