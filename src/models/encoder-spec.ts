/**
 * The encoder interface and its settings, apart from the factory (encoder.ts) so that the
 * backends (use.ts, transformers.ts) and the config schema can import them without importing the
 * factory that loads the backends. Every backend returns L2-normalised vectors in input order and
 * batches internally; `id` names the exact model and package version so cached vectors and
 * trained heads can refuse a different encoder.
 */
import { z } from 'zod';
import { UserError } from '../util/errors.js';

export interface Encoder {
  readonly id: string;
  readonly dim: number;
  embed(texts: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export const encoderSpecSchema = z.discriminatedUnion('backend', [
  z.object({
    backend: z.literal('use'),
    /** Inference worker threads (default the CPU count, at most 8; 1 = in-process). */
    threads: z.number().int().min(1).max(16).optional(),
  }),
  z.object({
    backend: z.literal('transformers'),
    /** Model name as on the hub (e.g. Xenova/all-MiniLM-L6-v2), or a folder name under localPath. */
    model: z.string().min(1),
    /** Folder that contains `<model>/config.json`, tokenizer files and `onnx/model*.onnx`. */
    localPath: z.string().optional(),
    /** Off by default: nothing is downloaded unless the user allows it. */
    allowRemote: z.boolean().optional(),
    /** Download host (e.g. a local mirror) when allowRemote is set. */
    remoteHost: z.string().url().optional(),
    pooling: z.enum(['mean', 'cls']).optional(),
    /** Use the quantized weights file (onnx/model_quantized.onnx). */
    quantized: z.boolean().optional(),
  }),
]);
export type EncoderSpec = z.infer<typeof encoderSpecSchema>;

/**
 * Parses the CLI/config shorthand: `use`, or `transformers:NAME_OR_PATH` (a path that exists
 * locally is loaded from disk; a name is looked up under VOC_MODELS_DIR or ./models/transformers).
 */
export function parseEncoderFlag(flag: string): EncoderSpec {
  if (flag === 'use') return { backend: 'use' };
  const m = /^transformers:(.+)$/.exec(flag);
  if (!m) throw new UserError(`Unknown encoder "${flag}". Use "use" or "transformers:<model folder or name>".`);
  return { backend: 'transformers', model: m[1]! };
}
