/**
 * `voc analyze` as a library: analyse every document that is new, changed or stale for the current
 * analysis key, in batches of whole documents, one transaction per batch (so an interrupted run
 * resumes where it stopped and never leaves half a document). Then discover themes among the
 * segments no theme claimed (or, when the run added few of them, assign them to the existing
 * proposals: discover-run.ts).
 */
import type { AnalysisConfig } from '../config/analysis.js';
import type { PipelineConfig } from '../config/pipeline.js';
import {
  allDocumentIds,
  countAnalysableSegments,
  loadDocuments,
  registerAnalysisVersion,
  snapshotThemes,
  staleDocumentIds,
  unassignedRate,
  writeAnalysisBatch,
  type BatchWrite,
  type DocRow,
  type SegRow,
} from '../store/analysis.js';
import type { Db } from '../store/db.js';
import { UserError } from '../util/errors.js';
import { Analyzer, type AnalyzeItem } from './analyzer.js';
import { discoverAfterRun, type DiscoveryOutcome } from './discover-run.js';
import type { DocContext } from './journey.js';
import { loadAnalyzerParts, type LoadedParts } from './models.js';

export interface AnalyzeProgress {
  documentsDone: number;
  documentsTotal: number;
  segmentsDone: number;
  segmentsTotal: number;
}

export interface AnalyzeOptions {
  /** stop after about this many segments (whole documents are kept together) */
  limit?: number;
  /** re-analyse everything, even results that are current */
  reanalyze?: boolean;
  /** run theme discovery afterwards (default: analysis.discovery.enabled) */
  discover?: boolean;
  onProgress?: (p: AnalyzeProgress) => void;
  /**
   * Analyse the batches elsewhere instead of here: `voc run --queue` passes the BullMQ coordinator
   * (src/queue/coordinator.ts, docs/scale.md). Injected so that analysis does not depend on the queue.
   */
  distribute?: BatchRunner | null;
}

export interface DistributedStats {
  queue: string;
  batches: number;
  /** batches that needed more than one attempt (a worker failed or was killed) */
  retried: number;
  /** the workers that returned results (host:pid) */
  workers: string[];
  /** time the coordinator spent per batch loading, enqueueing, validating and writing */
  coordinatorMsPerBatch: number;
}

/** Runs planned batches of document ids somewhere else and writes their results to `db`. */
export interface BatchRunner {
  batchSize: number;
  run(args: {
    db: Db;
    config: PipelineConfig;
    batches: number[][];
    counts: Map<number, number>;
    key: string;
    runId: number | null;
    onProgress?: ((p: AnalyzeProgress) => void) | undefined;
  }): Promise<{ progress: AnalyzeProgress; stats: DistributedStats }>;
}

type AnalyzeOutput = Awaited<ReturnType<Analyzer['analyze']>>;

export interface AnalyzeSummary {
  analysisKey: string;
  documentsAnalysed: number;
  segmentsAnalysed: number;
  cacheHits: number;
  cacheMisses: number;
  /** share of all current-key segments in the database without a theme */
  unassignedRate: number;
  /** proposals stored by this run's clustering, or kept when discovery only assigned (see `discovery`) */
  suggestions: number;
  /** what discovery did and why (absent when it did not run: disabled, or nothing analysed) */
  discovery?: DiscoveryOutcome;
  seconds: number;
  segmentsPerSecond: number;
  /** set when the batches were analysed by workers */
  distributed?: DistributedStats;
}

/** Groups document ids into batches of about `batchSize` segments, stopping near `limit`. */
/** Progress at the start of a run over planned batches of document ids (counts: segments per document). */
export function startProgress(batches: number[][], counts: Map<number, number>): AnalyzeProgress {
  const planned = batches.flat();
  return { documentsDone: 0, documentsTotal: planned.length, segmentsDone: 0, segmentsTotal: planned.reduce((a, id) => a + (counts.get(id) ?? 0), 0) };
}

export function planBatches(ids: number[], counts: Map<number, number>, batchSize: number, limit?: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let inBatch = 0;
  let total = 0;
  for (const id of ids) {
    if (limit !== undefined && total >= limit) break;
    const n = counts.get(id) ?? 0;
    current.push(id);
    inBatch += n;
    total += n;
    if (inBatch >= batchSize) {
      batches.push(current);
      current = [];
      inBatch = 0;
    }
  }
  if (current.length) batches.push(current);
  return batches;
}

export function docContext(doc: DocRow, config: PipelineConfig): DocContext {
  const source = config.sources.find((s) => s.name === doc.source_name);
  let attributes: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(doc.attributes);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) attributes = parsed as Record<string, unknown>;
  } catch {
    // A malformed attributes column only costs the attribute rules; the text is still analysed.
  }
  return {
    key: String(doc.id),
    kind: doc.kind,
    sourceName: doc.source_name,
    channel: doc.channel,
    attributes,
    sourceStage: source?.stage,
    sourceTouchpoint: source?.touchpoint,
  };
}

/** A batch's documents and segments, in order, ready for the analyser (here or on a worker). */
export interface LoadedBatch {
  docIds: number[];
  items: AnalyzeItem[];
  segIds: number[];
}

interface PreparedBatch extends LoadedBatch {
  vectors: Promise<Float32Array[]>;
}

export function loadBatch(db: Db, config: PipelineConfig, ids: number[]): LoadedBatch {
  const { docs, segments } = loadDocuments(db, ids);
  const byDoc = new Map<number, SegRow[]>();
  for (const s of segments) {
    const list = byDoc.get(s.document_id);
    if (list) list.push(s);
    else byDoc.set(s.document_id, [s]);
  }
  const items: AnalyzeItem[] = [];
  const segIds: number[] = [];
  for (const doc of docs) {
    const ctx = docContext(doc, config);
    for (const s of byDoc.get(doc.id) ?? []) {
      items.push({ doc: ctx, text: s.text, field: s.field });
      segIds.push(s.id);
    }
  }
  return { docIds: docs.map((d) => d.id), items, segIds };
}

/**
 * Loads a batch and starts embedding it. The encoder runs in worker threads, so the next batch is
 * embedded while the main thread scores and writes the current one.
 */
function prepareBatch(db: Db, analyzer: Analyzer, config: PipelineConfig, ids: number[]): PreparedBatch {
  const batch = loadBatch(db, config, ids);
  const vectors = analyzer.embed(batch.items.map((i) => i.text));
  // Awaited later; a failure must not count as unhandled in the meantime.
  vectors.catch(() => undefined);
  return { ...batch, vectors };
}

/** The analyser's output for a batch as the rows the store writes (segment ids in item order). */
export function resultRows(result: AnalyzeOutput, segIds: number[]): Pick<BatchWrite, 'segments' | 'documents'> {
  return {
    segments: result.segments.map((r, i) => ({ segmentId: segIds[i]!, ...r })),
    documents: [...result.documents.entries()].map(([docKey, d]) => ({ documentId: Number(docKey), ...d })),
  };
}

async function finishBatch(db: Db, analyzer: Analyzer, batch: PreparedBatch, key: string, runId: number | null) {
  const result = await analyzer.analyzeEmbedded(batch.items, await batch.vectors);
  writeAnalysisBatch(db, {
    key,
    runId,
    now: new Date().toISOString(),
    ...resultRows(result, batch.segIds),
    documentIds: batch.docIds,
  });
  return { documents: batch.docIds.length, segments: batch.items.length };
}

function snapshotCodeframe(db: Db, parts: LoadedParts): void {
  const cf = parts.codeframes.themes;
  snapshotThemes(
    db,
    cf.path,
    cf.themes.map((t) => ({
      theme_id: t.id,
      parent_id: t.parentId,
      label: t.label,
      description: t.description || null,
      origin: t.origin,
      codeframe: cf.path,
    })),
  );
}

/** Runs the planned batches in order, embedding batch b+1 while batch b is scored and written. */
async function runBatches(
  db: Db,
  analyzer: Analyzer,
  config: PipelineConfig,
  batches: number[][],
  counts: Map<number, number>,
  key: string,
  runId: number | null,
  onProgress: AnalyzeOptions['onProgress'],
): Promise<AnalyzeProgress> {
  const progress = startProgress(batches, counts);
  let next = batches.length ? prepareBatch(db, analyzer, config, batches[0]!) : null;
  for (let b = 0; next; b++) {
    const current = next;
    next = b + 1 < batches.length ? prepareBatch(db, analyzer, config, batches[b + 1]!) : null;
    const done = await finishBatch(db, analyzer, current, key, runId);
    progress.documentsDone += done.documents;
    progress.segmentsDone += done.segments;
    onProgress?.({ ...progress });
  }
  return progress;
}

/** A source's `stage` / `touchpoint` must be a codeframe id, or it would silently never count. */
function checkSourceIds(config: PipelineConfig, parts: LoadedParts): void {
  const stages = new Set(parts.codeframes.stages.themes.map((t) => t.id));
  const touchpoints = new Set(parts.codeframes.touchpoints.themes.map((t) => t.id));
  const bad = config.sources.flatMap((s, i) => [
    ...(s.stage && !stages.has(s.stage) ? [`sources.${i}.stage: "${s.stage}" is not a stage (${[...stages].join(', ')})`] : []),
    ...(s.touchpoint && !touchpoints.has(s.touchpoint)
      ? [`sources.${i}.touchpoint: "${s.touchpoint}" is not a touchpoint (${[...touchpoints].join(', ')})`]
      : []),
  ]);
  if (bad.length) throw new UserError(`Invalid pipeline config:\n  ${bad.join('\n  ')}`);
}

export async function analyzePipeline(
  db: Db,
  config: PipelineConfig,
  runId: number | null,
  options: AnalyzeOptions = {},
): Promise<AnalyzeSummary> {
  const acfg: AnalysisConfig = config.analysis;
  const started = performance.now();
  const parts = await loadAnalyzerParts(acfg, db);
  try {
    checkSourceIds(config, parts);
    const analyzer = await Analyzer.create(acfg, parts);
    const before = parts.cacheStats();
    registerAnalysisVersion(db, parts.key, parts.modelsJson, new Date().toISOString());
    snapshotCodeframe(db, parts);
    const ids = options.reanalyze ? allDocumentIds(db) : staleDocumentIds(db, parts.key);
    const counts = countAnalysableSegments(db);
    const distribute = options.distribute ?? null;
    const batches = planBatches(ids, counts, distribute?.batchSize ?? acfg.batchSize, options.limit);
    let distributed: DistributedStats | undefined;
    let progress: AnalyzeProgress;
    if (distribute) {
      ({ progress, stats: distributed } = await distribute.run({ db, config, batches, counts, key: parts.key, runId, onProgress: options.onProgress }));
    } else {
      progress = await runBatches(db, analyzer, config, batches, counts, parts.key, runId, options.onProgress);
    }
    const after = parts.cacheStats();
    const discover = options.discover ?? acfg.discovery.enabled;
    const discovery = discover && progress.segmentsDone > 0 ? await discoverAfterRun(db, parts, acfg, runId) : undefined;
    const seconds = (performance.now() - started) / 1000;
    const rate = unassignedRate(db, parts.key);
    return {
      analysisKey: parts.key,
      documentsAnalysed: progress.documentsDone,
      segmentsAnalysed: progress.segmentsDone,
      cacheHits: after.hits - before.hits,
      cacheMisses: after.misses - before.misses,
      unassignedRate: rate.analysed ? rate.unassigned / rate.analysed : 0,
      suggestions: discovery?.suggestions ?? 0,
      ...(discovery ? { discovery } : {}),
      seconds,
      segmentsPerSecond: seconds > 0 ? progress.segmentsDone / seconds : 0,
      ...(distributed ? { distributed } : {}),
    };
  } finally {
    await parts.encoder.dispose();
  }
}
