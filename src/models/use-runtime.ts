/**
 * Runs the Universal Sentence Encoder lite TF.js graph on the wasm backend in the current thread.
 * Used directly (single thread) or inside a worker (src/models/use-worker.ts), one runtime per
 * thread, so each thread owns exactly one TF.js copy and one wasm instance.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { loadGraphModel, setWasmPaths, tf, type TfCore } from './tfjs.js';
import { USE_DIM, useModelDir } from './use-model.js';

const require = createRequire(import.meta.url);

const modelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(z.unknown()) })),
});

let backendReady: Promise<void> | undefined;

/** Selects the wasm backend once per thread, reading the .wasm binaries from node_modules. */
export function initWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths({
      'tfjs-backend-wasm.wasm': join(wasmDir, 'tfjs-backend-wasm.wasm'),
      'tfjs-backend-wasm-simd.wasm': join(wasmDir, 'tfjs-backend-wasm-simd.wasm'),
      'tfjs-backend-wasm-threaded-simd.wasm': join(wasmDir, 'tfjs-backend-wasm-threaded-simd.wasm'),
    });
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new UserError('TensorFlow.js could not start its wasm backend.');
    await tf.ready();
  })();
  return backendReady;
}

/** Loads the graph from disk through an in-memory IO handler (no fetch, no file:// URLs). */
async function loadUseGraph(dir: string): Promise<GraphModel> {
  const manifest = modelJsonSchema.parse(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')));
  const group = manifest.weightsManifest[0];
  if (!group) throw new UserError(`USE model at ${dir} has no weights manifest.`);
  const shards = await Promise.all(group.paths.map((p) => readFile(join(dir, p))));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  const handler = tf.io.fromMemory({
    modelTopology: manifest.modelTopology,
    weightSpecs: group.weights as TfCore.io.WeightsManifestEntry[],
    weightData,
  });
  return loadGraphModel(handler);
}

export class UseRuntime {
  private constructor(private readonly model: GraphModel) {}

  static async load(dir = useModelDir()): Promise<UseRuntime> {
    await initWasmBackend();
    return new UseRuntime(await loadUseGraph(dir));
  }

  /**
   * Embeds one batch given as a sparse matrix: `indices` holds (row, position) pairs and `values`
   * the piece ids. Returns `rows * 512` floats (the graph already L2-normalises).
   */
  async run(indices: Int32Array, values: Int32Array, rows: number): Promise<Float32Array> {
    const inputs = {
      indices: tf.tensor2d(indices, [values.length, 2], 'int32'),
      values: tf.tensor1d(values, 'int32'),
    };
    try {
      const out = (await this.model.executeAsync(inputs)) as TfCore.Tensor;
      try {
        const data = (await out.data()) as Float32Array;
        if (data.length !== rows * USE_DIM) throw new Error(`USE returned ${data.length} floats for ${rows} rows`);
        return data;
      } finally {
        out.dispose();
      }
    } finally {
      inputs.indices.dispose();
      inputs.values.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
