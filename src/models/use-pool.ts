/**
 * The USE encoder's pool of inference worker threads, sized to the work (issue 11).
 *
 * Starting a thread (its own TF.js wasm runtime and a copy of the graph) costs about 2.4 s of CPU
 * here, as much as embedding some 250 short texts. A nightly run with 1% new data embeds about 150
 * texts: a second thread would cost more CPU than it saves wall time. So the pool starts one
 * thread on the first batch and adds the next only when the work justifies it
 * (`shouldStartThread`: batches are waiting for a thread, and the pool has been given at least
 * GROW_AFTER_TEXTS texts per thread it already has), up to the configured `threads`. The rule
 * depends only on counts, never on timings, so the same input starts the same threads.
 *
 * Results do not depend on the number of threads: every thread runs the same graph, and a batch
 * (made by the caller, use.ts) is embedded whole by one thread, so its floats are the same
 * whichever thread takes it. Each thread takes one batch at a time from one queue (a batch is
 * 0.1-1 s of work, so the message round trip is negligible, and a busy thread never holds a queue
 * of its own while another is idle).
 */
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './use-worker.js';

/** Texts the pool must have been given per running thread before it starts another (see header). */
export const GROW_AFTER_TEXTS = 500;

export interface PoolState {
  /** threads started or starting */
  threads: number;
  /** the configured maximum */
  max: number;
  /** batches waiting for a thread */
  waiting: number;
  /** texts given to the pool so far (every batch, done or not) */
  submittedTexts: number;
}

/** Whether the pool should start one more thread now (pure: see the header). */
export function shouldStartThread(s: PoolState, growAfterTexts = GROW_AFTER_TEXTS): boolean {
  if (s.threads >= s.max) return false;
  if (s.threads === 0) return s.waiting > 0;
  return s.waiting > 0 && s.submittedTexts >= growAfterTexts * s.threads;
}

export interface PoolBatch {
  rows: number;
  indices: Int32Array;
  values: Int32Array;
}

interface Job {
  batch: PoolBatch;
  resolve(v: Float32Array): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
}

/** What starting one thread takes: the worker, and a promise for its "ready" message. */
export interface ThreadStarter {
  spawn(): Worker;
  waitReady(worker: Worker): Promise<void>;
}

export class GrowingWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private submittedTexts = 0;
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly max: number,
    private readonly starter: ThreadStarter,
    private readonly growAfterTexts = GROW_AFTER_TEXTS,
  ) {}

  /** Threads started so far (the benchmarks and tests read it). */
  get threads(): number {
    return this.slots.length;
  }

  run(batch: PoolBatch): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('USE worker pool used after close()'));
    this.submittedTexts += batch.rows;
    return new Promise<Float32Array>((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.grow();
      this.dispatch();
    });
  }

  private grow(): void {
    while (shouldStartThread({ threads: this.slots.length, max: this.max, waiting: this.queue.length, submittedTexts: this.submittedTexts }, this.growAfterTexts)) {
      const slot: Slot = { worker: this.starter.spawn(), ready: false, job: null };
      this.slots.push(slot);
      slot.worker.on('message', (msg: WorkerReply) => this.onReply(slot, msg));
      slot.worker.on('error', (err) => this.fail(err));
      this.starter.waitReady(slot.worker).then(
        () => {
          slot.ready = true;
          this.dispatch();
        },
        (err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))),
      );
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) {
        // Idle threads must not keep the process alive if a caller forgets close().
        slot.worker.unref();
        continue;
      }
      slot.job = job;
      slot.worker.ref();
      const req: WorkerRequest = { id: this.nextId++, indices: job.batch.indices, values: job.batch.values, rows: job.batch.rows };
      slot.worker.postMessage(req);
    }
  }

  private onReply(slot: Slot, msg: WorkerReply): void {
    if ('ready' in msg) return;
    const job = slot.job;
    slot.job = null;
    if (job) {
      if ('error' in msg) job.reject(new Error(`USE worker failed: ${msg.error}`));
      else job.resolve(msg.vectors);
    }
    this.dispatch();
  }

  /** A thread that fails (to start or later) fails every batch in flight or waiting, and every later one. */
  private fail(err: Error): void {
    this.failure ??= err;
    for (const slot of this.slots) {
      slot.job?.reject(err);
      slot.job = null;
    }
    for (const job of this.queue.splice(0)) job.reject(err);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
