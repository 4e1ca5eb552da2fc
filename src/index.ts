/**
 * The library entry point (`import { runPipeline, classify, train } from 'voc-pipeline'`): the
 * stages the `voc` command line runs, as functions with typed options and results, and the zod
 * schemas of the pipeline config. The list is explicit and small on purpose: everything else in
 * src/ is internal and may change without notice. Functions report progress through an optional
 * Reporter and print nothing; failures meant for people are `UserError`s with an `ExitCode`.
 */

// The whole pipeline and its stages (each a recorded run holding the database lock).
export { runPipeline, type RunPipelineOptions, type RunResult } from './pipeline/run.js';
export { ingest, analyze, type IngestOptions, type AnalyzeOptions } from './pipeline/stages.js';
export type { RunTarget } from './pipeline/lifecycle.js';
export type { Reporter, PipelineEvent, PipelineStage } from './pipeline/reporter.js';
export type { IngestReport, FileReport } from './ingest/engine.js';
export type { AnalyzeSummary } from './analyze/pipeline.js';
export type { AggregateSummary } from './aggregate/pipeline.js';

// Without a database: classification, training heads from a coded sample, measuring them.
export { classify, classifyFile, classifyRows, ClassifySettings, ClassifyFileOptions, type Classified, type TextRow } from './pipeline/classify.js';
export { train, TrainOptions, TRAIN_TASKS } from './pipeline/train.js';
export { evaluate, EvalOptions, type EvalResult } from './pipeline/evaluate.js';
export type { Head } from './models/head.js';

// Queries over an analysed database (what voc heatmap, themes and quotes print), read-only.
export { heatmap, themes, quotes, type QueryTarget, type HeatmapQuery } from './pipeline/query.js';
export type { RankThemesOptions, ThemeRank, QuoteQuery, QuoteResult } from './aggregate/query.js';
export type { MatrixResult } from './aggregate/cells.js';

// Codeframes from the data: discovered themes and drafts.
export { suggestThemes, acceptTheme, SuggestThemesOptions, AcceptThemeOptions, type SuggestionRow } from './pipeline/themes.js';
export { writeCodeframeDraft, DraftCodeframeOptions, type DraftCodeframeResult } from './pipeline/codeframe.js';

// The pipeline config: load a file once, or validate an object with the schemas.
export { loadPipelineConfig, type LoadedPipeline } from './config/load.js';
export { PipelineConfig, SourceConfig, type PipelineConfigInput } from './config/pipeline.js';
export { AnalysisConfig } from './config/analysis.js';
export { AggregateConfig, ExportSpec } from './config/aggregate.js';
export { QueueConfig } from './config/queue.js';

export { UserError, ExitCode } from './util/errors.js';
