/**
 * The coordinator side of a distributed analysis (`voc run --queue`). The planned batches (whole
 * documents, about `batchSize` segments each) are loaded from SQLite and added to a BullMQ queue a
 * window at a time; `voc worker` processes analyse them and return the rows as the job's return
 * value; the coordinator validates each result and writes it in one transaction, exactly like a
 * local batch. SQLite keeps one writer, and workers need no database.
 *
 * Idempotent: a batch is written only while it is pending in this run, the write itself replaces a
 * segment's rows (writing a batch twice leaves them as once), and results for another analysis key
 * or other segments are refused.
 */
import type { Job } from 'bullmq';
import type { PipelineConfig } from '../config/pipeline.js';
import { loadBatch, startProgress, type AnalyzeProgress, type BatchRunner, type DistributedStats } from '../analyze/pipeline.js';
import { writeAnalysisBatch } from '../store/analysis.js';
import type { Db } from '../store/db.js';
import { UserError } from '../util/errors.js';
import { redactUrl, type QueueSettings } from '../config/queue.js';
import { JOB_NAME, JobResult, PROTOCOL_VERSION, type JobPayload } from './protocol.js';
import { bullConnection, checkRedis } from './redis.js';

export type { DistributedStats };


export interface PendingBatch {
  batch: number;
  docIds: number[];
  segIds: number[];
}

export interface WriteContext {
  db: Db;
  key: string;
  runId: number | null;
}

/**
 * Validates one job's return value against the batch that was sent and writes it. Returns false
 * (nothing written) when the batch is not pending any more (a duplicate completion); throws a
 * UserError when the result is malformed or was made under another analysis key.
 */
export function applyResult(ctx: WriteContext, pending: Map<string, PendingBatch>, jobId: string, value: unknown): boolean {
  const entry = pending.get(jobId);
  if (!entry) return false;
  const parsed = JobResult.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`batch ${entry.batch}: a worker returned an invalid result (${issue?.path.join('.')}: ${issue?.message})`);
  }
  const r = parsed.data;
  if (r.analysisKey !== ctx.key) {
    throw new UserError(`batch ${entry.batch}: worker ${r.worker} analysed it under analysis key ${r.analysisKey}, this run needs ${ctx.key}`);
  }
  const got = r.segments.map((s) => s.segmentId);
  if (got.length !== entry.segIds.length || got.some((id, i) => id !== entry.segIds[i])) {
    throw new UserError(`batch ${entry.batch}: worker ${r.worker} returned results for other segments than were sent`);
  }
  const docs = new Set(entry.docIds);
  if (r.documents.some((d) => !docs.has(d.documentId))) {
    throw new UserError(`batch ${entry.batch}: worker ${r.worker} returned results for other documents than were sent`);
  }
  writeAnalysisBatch(ctx.db, {
    key: ctx.key,
    runId: ctx.runId,
    now: new Date().toISOString(),
    segments: r.segments,
    documents: r.documents,
    documentIds: entry.docIds,
  });
  pending.delete(jobId);
  return true;
}

export interface DistributedArgs extends WriteContext {
  config: PipelineConfig;
  batches: number[][];
  counts: Map<number, number>;
  settings: QueueSettings;
  onProgress?: ((p: AnalyzeProgress) => void) | undefined;
  onLog?: ((line: string) => void) | undefined;
  /** poll interval for results (ms) */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DistributedResult {
  progress: AnalyzeProgress;
  stats: DistributedStats;
  /** the analysis time the workers reported, summed over the batches written */
  analysisSeconds: number;
  /** time spent on polls that found nothing to do (waiting for workers, not counted as work) */
  idlePollMs: number;
}

export async function runDistributed(args: DistributedArgs): Promise<DistributedResult> {
  const { db, config, batches, counts, settings, key, runId } = args;
  const log = args.onLog ?? (() => undefined);
  const progress = startProgress(batches, counts);
  const stats: DistributedStats = { queue: settings.name, batches: 0, retried: 0, workers: [], coordinatorMsPerBatch: 0 };
  if (batches.length === 0) return { progress, stats, analysisSeconds: 0, idlePollMs: 0 };

  const { warning } = await checkRedis(settings.url);
  if (warning) log(`warning: ${warning}`);
  const { Queue } = await import('bullmq');
  const queue = new Queue(settings.name, { connection: bullConnection(settings.url) });
  queue.on('error', () => undefined);
  const pending = new Map<string, PendingBatch>();
  const workers = new Set<string>();
  // The coordinator's work (filling the window, polls that brought results or failures, writing),
  // the polls that found nothing, and the workers' analysis time.
  let overheadMs = 0;
  let idlePollMs = 0;
  let analysisSeconds = 0;
  let next = 0;
  // Liveness: the last batch back, the last time a worker was connected, the last "waiting" line.
  let lastNews = Date.now();
  let lastWorkerSeen = lastNews;
  let lastWorkerCheck = 0;
  let lastWaitLog = lastNews;
  const ctx: WriteContext = { db, key, runId };
  const done = (entry: PendingBatch) => {
    progress.documentsDone += entry.docIds.length;
    progress.segmentsDone += entry.segIds.length;
    args.onProgress?.({ ...progress });
  };
  try {
    // Jobs an earlier, killed coordinator of this queue left behind are of no use: this run planned
    // its batches again from the database. (The lock file keeps two coordinators of one database apart.)
    await queue.obliterate({ force: true });
    log(`queue ${settings.name} on ${redactUrl(settings.url)}: ${batches.length} batch(es) of about ${settings.batchSize} segments`);

    const fill = async () => {
      while (next < batches.length && pending.size < settings.maxPending) {
        const t = performance.now();
        const b = next++;
        const loaded = loadBatch(db, config, batches[b]!);
        const entry: PendingBatch = { batch: b, docIds: loaded.docIds, segIds: loaded.segIds };
        if (loaded.items.length === 0) {
          // Documents without analysable segments: nothing to analyse, only their state to clear.
          writeAnalysisBatch(db, { key, runId, now: new Date().toISOString(), segments: [], documents: [], documentIds: loaded.docIds });
          done(entry);
          overheadMs += performance.now() - t;
          continue;
        }
        const payload: JobPayload = {
          protocol: PROTOCOL_VERSION,
          analysisKey: key,
          runId,
          batch: b,
          documentIds: loaded.docIds,
          items: loaded.items.map((item, i) => ({ segmentId: loaded.segIds[i]!, text: item.text, field: item.field, doc: item.doc })),
        };
        const jobId = `r${runId ?? 0}-b${b}`;
        pending.set(jobId, entry);
        await queue.add(JOB_NAME, payload, {
          jobId,
          attempts: settings.attempts,
          backoff: { type: 'exponential', delay: settings.backoffMs },
          removeOnComplete: false,
          removeOnFail: false,
        });
        stats.batches++;
        overheadMs += performance.now() - t;
      }
    };

    await fill();
    while (pending.size > 0) {
      let news = false;
      const polled = performance.now();
      const completed = (await queue.getJobs(['completed'], 0, 99, true)) as Job[];
      for (const job of completed) {
        const id = job.id ?? '';
        const value: unknown = job.returnvalue;
        const entry = pending.get(id);
        if (entry && applyResult(ctx, pending, id, value)) {
          if (job.attemptsStarted > 1) stats.retried++;
          const { worker, seconds } = value as { worker: string; seconds: number }; // checked by applyResult
          workers.add(worker);
          analysisSeconds += seconds;
          done(entry);
          news = true;
        }
        await job.remove();
      }
      const failed = (await queue.getJobs(['failed'], 0, 9, true)) as Job[];
      for (const job of failed) {
        const entry = pending.get(job.id ?? '');
        if (entry) {
          throw new UserError(
            `batch ${entry.batch} failed after ${job.attemptsMade} attempt(s): ${job.failedReason ?? 'unknown error'} (queue ${settings.name})`,
          );
        }
        await job.remove();
      }
      if (completed.length || failed.length) overheadMs += performance.now() - polled;
      else idlePollMs += performance.now() - polled;
      await fill();
      const now = Date.now();
      if (news) lastNews = lastWorkerSeen = lastWaitLog = now;
      else {
        const idleCheck = settings.noWorkerTimeoutMs > 0 && now - lastWorkerCheck >= Math.min(5_000, settings.noWorkerTimeoutMs / 4);
        if (idleCheck || now - lastWaitLog > 30_000) {
          const n = await queue.getWorkersCount();
          lastWorkerCheck = now;
          if (n > 0) lastWorkerSeen = now;
          if (settings.noWorkerTimeoutMs > 0 && now - Math.max(lastNews, lastWorkerSeen) >= settings.noWorkerTimeoutMs) {
            throw new UserError(
              `no worker took a batch for ${Math.round(settings.noWorkerTimeoutMs / 1000)} s (queue ${settings.name} on ${redactUrl(settings.url)}, ` +
                `${stats.batches - pending.size}/${stats.batches} batches back): start voc worker --config FILE where it reaches that Redis, ` +
                `or run without --queue; what came back is stored and the next run resumes from it`,
            );
          }
          if (now - lastWaitLog > 30_000) {
            log(
              `waiting: ${stats.batches - pending.size}/${stats.batches} batches back, ${n} worker(s) connected to ${settings.name}` +
                (n === 0 ? ` (start some: voc worker --config FILE on any machine that reaches ${redactUrl(settings.url)})` : ''),
            );
            lastWaitLog = now;
          }
        }
        await sleep(args.pollMs ?? 200);
      }
    }
  } finally {
    await queue.close().catch(() => undefined);
  }
  stats.workers = [...workers].sort();
  stats.coordinatorMsPerBatch = stats.batches ? overheadMs / stats.batches : 0;
  return { progress, stats, analysisSeconds, idlePollMs };
}

/** The analysis pipeline's BatchRunner for this queue (`voc run --queue`). */
export function queueRunner(settings: QueueSettings, onLog?: (line: string) => void): BatchRunner {
  return { batchSize: settings.batchSize, run: (args) => runDistributed({ ...args, settings, onLog }) };
}
