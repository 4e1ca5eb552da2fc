/**
 * The encoder's thread pool sized to the work (src/models/use-pool.ts): the decision as a pure
 * function, and the pool itself on real worker threads that answer like the USE worker (each
 * reply is a function of the batch, so a wrong routing shows), without loading the model.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { GROW_AFTER_TEXTS, GrowingWorkerPool, shouldStartThread, type ThreadStarter } from '../src/models/use-pool.js';

describe('shouldStartThread', () => {
  const base = { threads: 0, max: 2, waiting: 1, submittedTexts: 64 };
  it('starts the first thread on the first batch, and none without work', () => {
    expect(shouldStartThread(base)).toBe(true);
    expect(shouldStartThread({ ...base, waiting: 0 })).toBe(false);
  });
  it('adds a thread only when batches wait and the work is large', () => {
    // a nightly run's 150 new texts: one thread
    expect(shouldStartThread({ ...base, threads: 1, submittedTexts: 150, waiting: 2 })).toBe(false);
    expect(shouldStartThread({ ...base, threads: 1, submittedTexts: GROW_AFTER_TEXTS - 1, waiting: 5 })).toBe(false);
    expect(shouldStartThread({ ...base, threads: 1, submittedTexts: GROW_AFTER_TEXTS, waiting: 5 })).toBe(true);
    // much work given but nothing waiting: the running thread keeps up
    expect(shouldStartThread({ ...base, threads: 1, submittedTexts: 10 * GROW_AFTER_TEXTS, waiting: 0 })).toBe(false);
  });
  it('never exceeds the configured maximum', () => {
    expect(shouldStartThread({ threads: 2, max: 2, waiting: 9, submittedTexts: 1e6 })).toBe(false);
    expect(shouldStartThread({ threads: 2, max: 4, waiting: 9, submittedTexts: 2 * GROW_AFTER_TEXTS })).toBe(true);
    expect(shouldStartThread({ threads: 1, max: 1, waiting: 9, submittedTexts: 1e6 })).toBe(false);
  });
});

// Replies with rows * 2 floats: [row count, first piece id] per row, after "ready".
const ECHO = `
const { parentPort } = require('node:worker_threads');
setTimeout(() => parentPort.postMessage({ ready: true }), 20);
parentPort.on('message', (req) => {
  if (req.values[0] === -1) { parentPort.postMessage({ id: req.id, error: 'bad batch' }); return; }
  const out = new Float32Array(req.rows * 2);
  for (let r = 0; r < req.rows; r++) { out[2 * r] = req.rows; out[2 * r + 1] = req.values[0]; }
  setTimeout(() => parentPort.postMessage({ id: req.id, vectors: out }, [out.buffer]), 5);
});`;

const starter: ThreadStarter = {
  spawn: () => new Worker(ECHO, { eval: true }),
  waitReady: (w) =>
    new Promise((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    }),
};

const batch = (rows: number, first: number) => ({ rows, indices: new Int32Array(2), values: Int32Array.of(first) });

describe('GrowingWorkerPool', () => {
  let pool: GrowingWorkerPool | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });

  it('starts no thread until the first batch', () => {
    pool = new GrowingWorkerPool(2, starter);
    expect(pool.threads).toBe(0);
  });

  it('embeds a small run on one thread and returns each batch its own answer', async () => {
    pool = new GrowingWorkerPool(2, starter);
    const out = await Promise.all([batch(64, 7), batch(64, 8), batch(23, 9)].map((b) => pool!.run(b)));
    expect(pool.threads).toBe(1);
    expect(out.map((o) => [o.length, o[0], o[1]])).toEqual([
      [128, 64, 7],
      [128, 64, 8],
      [46, 23, 9],
    ]);
  });

  it('adds threads up to the maximum when the work is large', async () => {
    pool = new GrowingWorkerPool(3, starter, 100);
    const batches = Array.from({ length: 12 }, (_, i) => batch(64, i));
    const out = await Promise.all(batches.map((b) => pool!.run(b)));
    expect(pool.threads).toBe(3);
    expect(out.map((o) => o[1])).toEqual(batches.map((_, i) => i));
  });

  it('fails the batch a thread reports as failed, and keeps serving the others', async () => {
    pool = new GrowingWorkerPool(1, starter);
    const bad = pool.run(batch(1, -1));
    const good = pool.run(batch(2, 5));
    await expect(bad).rejects.toThrow('USE worker failed: bad batch');
    expect((await good)[1]).toBe(5);
  });

  it('fails every waiting batch when a thread cannot start', async () => {
    pool = new GrowingWorkerPool(2, { spawn: () => new Worker('throw new Error("no wasm")', { eval: true }), waitReady: starter.waitReady });
    const runs = [pool.run(batch(3, 1)), pool.run(batch(3, 2))];
    for (const r of runs) await expect(r).rejects.toThrow('no wasm');
    await expect(pool.run(batch(1, 1))).rejects.toThrow('no wasm');
  });
});
