/**
 * Worker thread body: one USE runtime (own TF.js + wasm instance) answering batch requests.
 * TF.js wasm threads need SharedArrayBuffer/cross-origin isolation, so parallelism comes from
 * several of these workers instead.
 */
import { parentPort } from 'node:worker_threads';
import { UseRuntime } from './use-runtime.js';

export interface WorkerRequest {
  id: number;
  indices: Int32Array;
  values: Int32Array;
  rows: number;
}
export type WorkerReply = { id: number; vectors: Float32Array } | { id: number; error: string } | { ready: true };

const port = parentPort;
if (port) {
  const runtime = await UseRuntime.load();
  port.postMessage({ ready: true } satisfies WorkerReply);
  port.on('message', (req: WorkerRequest) => {
    runtime.run(req.indices, req.values, req.rows).then(
      (vectors) => port.postMessage({ id: req.id, vectors } satisfies WorkerReply, [vectors.buffer as ArrayBuffer]),
      (err: unknown) => port.postMessage({ id: req.id, error: (err as Error).message ?? String(err) } satisfies WorkerReply),
    );
  });
}
