/**
 * A `voc worker` process: takes batches from the queue, analyses them with the models of its own
 * pipeline config and returns the rows as the job's return value. Stateless: no database, no
 * files but the config, codeframes and heads. A job made under another analysis key (other
 * models, codeframes or settings) is refused and the worker stops, so that a misconfigured
 * machine cannot write wrong results or keep eating the batches' attempts.
 *
 * A killed worker's batch is taken by another after `lockDurationMs`: BullMQ's stalled-job check
 * (run by every worker every `stalledIntervalMs`) puts it back in the queue.
 */
import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import type { PipelineConfig } from '../config/pipeline.js';
import { Analyzer } from '../analyze/analyzer.js';
import { loadAnalyzerParts } from '../analyze/models.js';
import { resultRows } from '../analyze/pipeline.js';
import type { Encoder } from '../models/encoder.js';
import { UserError } from '../util/errors.js';
import { redactUrl, type QueueSettings } from '../config/queue.js';
import { JOB_NAME, JobPayload, PROTOCOL_VERSION, type JobResult } from './protocol.js';
import { bullConnection, checkRedis } from './redis.js';

export function processName(): string {
  return `${hostname()}:${process.pid}`;
}

/** An encoder that embeds each distinct text of a call once. */
export function embedOnce(encoder: Encoder): Encoder {
  return {
    id: encoder.id,
    dim: encoder.dim,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const distinct = [...new Set(texts)];
      if (distinct.length === texts.length) return encoder.embed(texts);
      const vectors = await encoder.embed(distinct);
      const byText = new Map(distinct.map((t, i) => [t, vectors[i]!]));
      return texts.map((t) => byText.get(t)!);
    },
    dispose: () => encoder.dispose(),
  };
}

export interface RunningWorker {
  analysisKey: string;
  /** resolves when the worker stopped; rejects with a UserError when it refused a job */
  stopped: Promise<void>;
  /** finishes the batches in hand, then stops */
  close(): Promise<void>;
}

export async function startWorker(config: PipelineConfig, settings: QueueSettings, log: (line: string) => void): Promise<RunningWorker> {
  const { warning } = await checkRedis(settings.url);
  if (warning) log(`warning: ${warning}`);
  const acfg = config.analysis;
  const parts = await loadAnalyzerParts(acfg, null);
  let analyzer: Analyzer;
  try {
    // Like the coordinator's embedding cache: a text repeated within a batch is embedded once.
    analyzer = await Analyzer.create(acfg, { ...parts, encoder: embedOnce(parts.encoder) });
  } catch (err) {
    await parts.encoder.dispose();
    throw err;
  }
  const me = processName();
  const { Worker, UnrecoverableError } = await import('bullmq');
  let refused: UserError | null = null;

  const processor = async (job: Job): Promise<JobResult> => {
    if (job.name !== JOB_NAME) throw new UnrecoverableError(`unknown job type "${job.name}"`);
    const parsed = JobPayload.safeParse(job.data);
    if (!parsed.success) {
      const v = (job.data as { protocol?: unknown } | null)?.protocol;
      throw new UnrecoverableError(
        v !== PROTOCOL_VERSION ? `job protocol ${String(v)}, worker ${me} speaks ${PROTOCOL_VERSION}: run the same voc version everywhere` : `invalid job: ${parsed.error.issues[0]?.message}`,
      );
    }
    const p = parsed.data;
    if (p.analysisKey !== parts.key) {
      // Not unrecoverable: the batch is retried, by a worker with the right models and config.
      const msg = `worker ${me} has analysis key ${parts.key}, batch ${p.batch} needs ${p.analysisKey}: start workers with the coordinator's pipeline config, codeframes and heads`;
      refused ??= new UserError(msg);
      queueMicrotask(() => void stop());
      throw new Error(msg);
    }
    const started = performance.now();
    log(`batch ${p.batch}: analysing ${p.items.length} segments (job ${job.id}, attempt ${job.attemptsStarted})`);
    const result = await analyzer.analyze(p.items.map((i) => ({ doc: i.doc, text: i.text, field: i.field })));
    const rows = resultRows(result, p.items.map((i) => i.segmentId));
    const seconds = (performance.now() - started) / 1000;
    log(`batch ${p.batch}: done in ${seconds.toFixed(1)} s`);
    return { protocol: PROTOCOL_VERSION, analysisKey: parts.key, batch: p.batch, worker: me, seconds, ...rows };
  };

  const worker = new Worker(settings.name, processor, {
    connection: bullConnection(settings.url),
    concurrency: settings.concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs ?? settings.lockDurationMs,
    // A batch whose worker was killed is put back this many times before it counts as failed.
    maxStalledCount: 3,
    autorun: false,
  });
  worker.on('error', (err) => log(`queue error: ${err.message}`));
  worker.on('failed', (job, err) => {
    if (job) log(`batch ${String((job.data as { batch?: unknown }).batch)}: failed (${err.message})`);
  });

  let closing: Promise<void> | null = null;
  const stop = () => {
    closing ??= (async () => {
      await worker.close();
      await parts.encoder.dispose();
    })();
    return closing;
  };
  const running = worker.run();
  await worker.waitUntilReady();
  log(`worker ${me} ready: queue ${settings.name} on ${redactUrl(settings.url)}, analysis key ${parts.key}, concurrency ${settings.concurrency}`);
  const stopped = running.then(async () => {
    await stop();
    if (refused) throw refused;
  });
  return { analysisKey: parts.key, stopped, close: stop };
}
