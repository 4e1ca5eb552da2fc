/**
 * Distributed analysis without models: the queue config (zod, one-line errors), batching that
 * keeps documents whole, the coordinator's validation and idempotent writes of worker results,
 * and (with a Redis server; see test/helpers/redis.ts) the coordinator loop against an
 * in-process BullMQ worker that fails a batch once, so it is retried.
 * The real workers, kill -9 and the demo pipeline: test/e2e/queue-workers.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { parseYamlWith } from '../src/config/load.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { ingestPipeline } from '../src/ingest/engine.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { startRun } from '../src/store/runs.js';
import { loadBatch, planBatches } from '../src/analyze/pipeline.js';
import { countAnalysableSegments, registerAnalysisVersion, staleDocumentIds } from '../src/store/analysis.js';
import { QueueSection, queueSettings, redactUrl } from '../src/config/queue.js';
import { applyResult, runDistributed, type PendingBatch } from '../src/queue/coordinator.js';
import { JobPayload, PROTOCOL_VERSION, type JobResult } from '../src/queue/protocol.js';
import { bullConnection, checkRedis } from '../src/queue/redis.js';
import { UserError } from '../src/util/errors.js';
import { testRedis, requireRedis } from './helpers/redis.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const KEY = 'k-test';
let ws: Workspace;
let config: PipelineConfig;
let db: Db;

beforeAll(async () => {
  ws = makeWorkspace('voc-queue-unit-');
  const rows = Array.from({ length: 12 }, (_, i) => `r${i},2026-06-0${(i % 9) + 1},${i % 11},"Box ${i} arrived late. The courier was rude. I want a refund."`);
  ws.write('surveys/pulse.csv', `ResponseId,SubmittedAt,NPS,Comment\n${rows.join('\n')}\n`);
  config = parseYamlWith(
    `name: queue-test
database: ${ws.dbPath}
root: ${ws.dir}
sources:
  - { name: pulse, kind: survey, format: generic-csv, paths: "surveys/*.csv", mapping: { id: ResponseId, text: [Comment], score: { field: NPS, scale: nps }, date: SubmittedAt } }
queue: redis://127.0.0.1:6379
`,
    PipelineConfig,
    'queue-test.yaml',
  );
  db = openDatabase(ws.dbPath);
  await ingestPipeline(db, config, startRun(db, { command: 'ingest', toolVersion: 'test' }), {});
  registerAnalysisVersion(db, KEY, '{}', new Date().toISOString());
});
afterAll(() => {
  db?.close();
  ws?.cleanup();
});

/** A worker's answer for a batch: made-up but well-formed rows, a function of the segment id. */
function fakeResult(p: Pick<JobPayload, 'batch' | 'items'>, key = KEY): JobResult {
  return {
    protocol: PROTOCOL_VERSION,
    analysisKey: key,
    batch: p.batch,
    worker: 'test:1',
    seconds: 0,
    segments: p.items.map((i) => ({
      segmentId: i.segmentId,
      sentiment: { label: 'negative', score: -0.5, probs: { negative: 0.7, neutral: 0.1, positive: 0.2 } },
      stage: { id: 'onboarding-delivery', confidence: 0.9, signal: 'model', assigned: true },
      touchpoint: null,
      emotions: [{ id: 'anger', score: (i.segmentId % 7) / 10 }],
      themes: [{ id: 'delivery', score: 0.8, signal: 'model' }],
    })),
    documents: [...new Set(p.items.map((i) => Number(i.doc.key)))].map((documentId) => ({
      documentId,
      sentiment: { label: 'negative', score: -0.5, probs: { negative: 0.7, neutral: 0.1, positive: 0.2 } },
      stage: 'onboarding-delivery',
      touchpoint: null,
    })),
  };
}

function payloadOf(ids: number[], batch: number): { payload: Pick<JobPayload, 'batch' | 'items'>; pending: PendingBatch } {
  const b = loadBatch(db, config, ids);
  return {
    payload: { batch, items: b.items.map((it, i) => ({ segmentId: b.segIds[i]!, text: it.text, field: it.field, doc: it.doc })) },
    pending: { batch, docIds: b.docIds, segIds: b.segIds },
  };
}

const tableCounts = () =>
  Object.fromEntries(
    ['segment_analysis', 'segment_themes', 'segment_emotions', 'document_analysis'].map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]),
  );

describe('queue config', () => {
  it('takes a URL string or an object, validates it, and names the queue after the pipeline', () => {
    expect(QueueSection.parse('redis://h:6380/2')).toMatchObject({ url: 'redis://h:6380/2', batchSize: 256, attempts: 5 });
    expect(config.queue?.url).toBe('redis://127.0.0.1:6379');
    expect(queueSettings(config.queue, config.name)?.name).toBe('voc-queue-test');
    expect(queueSettings(undefined, 'x')).toBeNull();
    expect(queueSettings(config.queue, 'x', 'redis://other:1')).toMatchObject({ url: 'redis://other:1', name: 'voc-x' });
    expect(QueueSection.safeParse({ url: 'http://h' }).success).toBe(false);
    expect(QueueSection.safeParse({ url: 'redis://h', batchSize: 0 }).success).toBe(false);
    expect(QueueSection.safeParse({ url: 'redis://h', lockMs: 5 }).success).toBe(false);
    expect(() => queueSettings(undefined, 'x', 'localhost:6379')).toThrow(/--queue: must be a redis:\/\/ .*got "localhost:6379"/);
    expect(redactUrl('redis://u:secret@h:1/0')).not.toContain('secret');
  });

  it('an unreachable server is one UserError line naming the socket error', async () => {
    const err = await checkRedis('redis://127.0.0.1:1', 2_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^cannot reach the queue's Redis server at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('batches and idempotent writes', () => {
  it('batches keep documents whole and carry every analysable segment once', () => {
    const ids = staleDocumentIds(db, KEY);
    const counts = countAnalysableSegments(db);
    const batches = planBatches(ids, counts, 5);
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.flat()).toEqual(ids);
    const segs = batches.flatMap((b, i) => payloadOf(b, i).payload.items.map((it) => it.segmentId));
    expect(new Set(segs).size).toBe(segs.length);
    expect(segs.length).toBe([...counts.values()].reduce((a, b) => a + b, 0));
    const parsed = JobPayload.safeParse({ protocol: PROTOCOL_VERSION, analysisKey: KEY, runId: 1, documentIds: batches[0], ...payloadOf(batches[0]!, 0).payload });
    expect(parsed.success).toBe(true);
  });

  it('a result is validated, written once, and a batch written twice leaves the same rows', () => {
    const ids = staleDocumentIds(db, KEY);
    const { payload, pending: entry } = payloadOf(ids.slice(0, 3), 0);
    const ctx = { db, key: KEY, runId: null };
    const pending = new Map([['j0', entry]]);
    expect(() => applyResult(ctx, pending, 'j0', fakeResult(payload, 'other-key'))).toThrow(/analysis key other-key, this run needs k-test/);
    const wrong = fakeResult(payload);
    wrong.segments[0]!.segmentId = 999_999;
    expect(() => applyResult(ctx, pending, 'j0', wrong)).toThrow(/other segments/);
    expect(() => applyResult(ctx, pending, 'j0', { ...fakeResult(payload), segments: 'x' })).toThrow(/invalid result \(segments/);
    expect(tableCounts().segment_analysis).toBe(0);

    expect(applyResult(ctx, pending, 'j0', fakeResult(payload))).toBe(true);
    const once = tableCounts();
    const rows = db.prepare('SELECT segment_id, sentiment, stage FROM segment_analysis ORDER BY segment_id').all();
    expect(once.segment_analysis).toBe(entry.segIds.length);
    expect(once.segment_themes).toBe(entry.segIds.length);
    // The same job completing again (a duplicate completion) is not written again...
    expect(applyResult(ctx, pending, 'j0', fakeResult(payload))).toBe(false);
    // ...and the same batch analysed twice (two jobs) leaves the rows of one write.
    pending.set('j0-again', entry);
    expect(applyResult(ctx, pending, 'j0-again', fakeResult(payload))).toBe(true);
    expect(tableCounts()).toEqual(once);
    expect(db.prepare('SELECT segment_id, sentiment, stage FROM segment_analysis ORDER BY segment_id').all()).toEqual(rows);
    expect(staleDocumentIds(db, KEY)).not.toContain(ids[0]);
  });
});

const redis = await testRedis();

describe.skipIf(redis.skip)('coordinator loop with a real Redis', () => {
  it('enqueues every batch, retries a failed one, and writes all results', async () => {
    const url = requireRedis(redis);
    db.exec('DELETE FROM segment_themes; DELETE FROM segment_emotions; DELETE FROM segment_analysis; DELETE FROM document_analysis');
    const ids = staleDocumentIds(db, KEY);
    const counts = countAnalysableSegments(db);
    const batches = planBatches(ids, counts, 4);
    const name = `voc-unit-${process.pid}-${Date.now()}`;
    const settings = { ...queueSettings({ ...config.queue!, url }, config.name)!, name, batchSize: 4, maxPending: 2, backoffMs: 10 };
    const runId = startRun(db, { command: 'run', toolVersion: 'test' });
    const attempts = new Map<number, number>();
    const worker = new Worker(
      name,
      async (job) => {
        const p = JobPayload.parse(job.data);
        attempts.set(p.batch, (attempts.get(p.batch) ?? 0) + 1);
        if (p.batch === 1 && attempts.get(1) === 1) throw new Error('flaky worker');
        return fakeResult(p);
      },
      { connection: bullConnection(url) },
    );
    try {
      const seen: number[] = [];
      const { progress, stats } = await runDistributed({
        db, config, batches, counts, key: KEY, runId, settings, pollMs: 20, onProgress: (p) => seen.push(p.segmentsDone),
      });
      expect(stats.batches).toBe(batches.length);
      expect(stats.retried).toBe(1);
      expect(attempts.get(1)).toBe(2);
      expect([...attempts.values()].reduce((a, b) => a + b, 0)).toBe(batches.length + 1);
      expect(progress.segmentsDone).toBe(progress.segmentsTotal);
      expect(seen.at(-1)).toBe(progress.segmentsTotal);
      expect(tableCounts().segment_analysis).toBe(progress.segmentsTotal);
      expect(staleDocumentIds(db, KEY)).toEqual([]);
      expect(db.prepare('SELECT DISTINCT run_id FROM segment_analysis').pluck().all()).toEqual([runId]);
    } finally {
      await worker.close();
    }
  });

  it('a batch that keeps failing fails the run with one line naming it', async () => {
    const url = requireRedis(redis);
    db.exec('DELETE FROM segment_analysis');
    const ids = staleDocumentIds(db, KEY);
    const counts = countAnalysableSegments(db);
    const name = `voc-unit-fail-${process.pid}-${Date.now()}`;
    const settings = { ...queueSettings({ ...config.queue!, url }, config.name)!, name, attempts: 2, backoffMs: 10 };
    const worker = new Worker(name, async () => Promise.reject(new Error('model exploded')), { connection: bullConnection(url) });
    try {
      const err = await runDistributed({ db, config, batches: planBatches(ids, counts, 100), counts, key: KEY, runId: null, settings, pollMs: 20 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/^batch 0 failed after 2 attempt\(s\): model exploded/);
    } finally {
      await worker.close();
    }
  });
});

describe.skipIf(redis.skip)('coordinator with no worker', () => {
  it('gives up after noWorkerTimeoutMs with one line, and what was stored stays', async () => {
    const url = requireRedis(redis);
    db.exec('DELETE FROM segment_analysis');
    const ids = staleDocumentIds(db, KEY);
    const counts = countAnalysableSegments(db);
    const name = `voc-unit-idle-${process.pid}-${Date.now()}`;
    const settings = { ...queueSettings({ ...config.queue!, url }, config.name)!, name, noWorkerTimeoutMs: 600 };
    const started = Date.now();
    const err = await runDistributed({ db, config, batches: planBatches(ids, counts, 100), counts, key: KEY, runId: null, settings, pollMs: 20 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^no worker took a batch for 1 s \(queue voc-unit-idle-\d+-\d+ on redis:\/\/127\.0\.0\.1:\d+, 0\/1 batches back\)/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(tableCounts().segment_analysis).toBe(0);
    expect(staleDocumentIds(db, KEY)).toEqual(ids);
  });
});

describe.skipIf(redis.skip)('voc worker with other models than the coordinator', () => {
  it('refuses a batch made under another analysis key, and stops', async () => {
    const url = requireRedis(redis);
    const { Queue, QueueEvents } = await import('bullmq');
    const { startWorker } = await import('../src/queue/worker.js');
    const name = `voc-unit-refuse-${process.pid}-${Date.now()}`;
    const settings = { ...queueSettings({ ...config.queue!, url }, config.name)!, name };
    const lines: string[] = [];
    const worker = await startWorker(config, settings, (l) => lines.push(l));
    const queue = new Queue(name, { connection: bullConnection(url) });
    const events = new QueueEvents(name, { connection: bullConnection(url) });
    try {
      await events.waitUntilReady();
      const { payload } = payloadOf(staleDocumentIds(db, 'never-analysed').slice(0, 1), 0);
      const job = await queue.add('analyze-batch', { protocol: PROTOCOL_VERSION, analysisKey: 'someone-elses-key', runId: null, documentIds: [], ...payload });
      const failed = await job.waitUntilFinished(events).catch((e: unknown) => e);
      expect((failed as Error).message).toMatch(new RegExp(`has analysis key ${worker.analysisKey}, batch 0 needs someone-elses-key`));
      const stopped = await worker.stopped.catch((e: unknown) => e);
      expect(stopped).toBeInstanceOf(UserError);
      expect(lines.join('\n')).toMatch(/ready: queue/);
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
