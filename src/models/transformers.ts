/**
 * Optional encoder backend: any sentence-embedding model in the transformers.js folder layout
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx), run with
 * @huggingface/transformers' feature-extraction pipeline on onnxruntime-node.
 *
 * Local-first: models load from a folder; downloading is off unless the user sets allowRemote,
 * and then goes to `remoteHost` (a mirror) or the Hugging Face Hub.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { Encoder, EncoderSpec } from './encoder-spec.js';

type TransformersSpec = Extract<EncoderSpec, { backend: 'transformers' }>;

const BATCH = 32;
/** Where downloaded models are cached (git-ignored data folder) unless VOC_TRANSFORMERS_CACHE says otherwise. */
const DEFAULT_CACHE = 'data/transformers-cache';

interface Located {
  model: string;
  localPath: string;
}

/** A model given as an existing folder path is split into (parent folder, folder name). */
function locate(spec: TransformersSpec): Located {
  if (spec.localPath) return { model: spec.model, localPath: resolve(spec.localPath) };
  const asPath = resolve(spec.model);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) {
    return { model: basename(asPath), localPath: dirname(asPath) };
  }
  return { model: spec.model, localPath: resolve(process.env.VOC_MODELS_DIR ?? 'models/transformers') };
}

/**
 * transformers.js is an optional dependency (with onnxruntime-node it is most of an install):
 * loaded only for `--encoder transformers:...`, and a clear message when it was left out.
 */
async function loadTransformers(): Promise<typeof import('@huggingface/transformers')> {
  try {
    return await import('@huggingface/transformers');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('@huggingface/transformers')) {
      throw new UserError('The transformers encoder needs the optional package @huggingface/transformers: run `npm install @huggingface/transformers` (or `npm ci` without --omit=optional), or use --encoder use.');
    }
    throw err;
  }
}

export async function createTransformersEncoder(spec: TransformersSpec): Promise<Encoder> {
  const { pipeline, env } = await loadTransformers();
  const { model, localPath } = locate(spec);
  env.localModelPath = localPath.endsWith('/') ? localPath : `${localPath}/`;
  env.allowLocalModels = true;
  env.allowRemoteModels = spec.allowRemote ?? false;
  if (spec.remoteHost) env.remoteHost = spec.remoteHost.endsWith('/') ? spec.remoteHost : `${spec.remoteHost}/`;
  env.cacheDir = resolve(process.env.VOC_TRANSFORMERS_CACHE ?? DEFAULT_CACHE);

  let extractor: FeatureExtractionPipeline;
  try {
    // The generic pipeline() overloads are too large for tsc to resolve; the task is fixed here.
    const make = pipeline as unknown as (task: 'feature-extraction', model: string, options: object) => Promise<FeatureExtractionPipeline>;
    extractor = await make('feature-extraction', model, { dtype: spec.quantized ? 'q8' : 'fp32', device: 'cpu' });
  } catch (err) {
    const where = env.allowRemoteModels ? `${localPath} or ${env.remoteHost}` : `${localPath} (downloads are off; set allowRemote to fetch it)`;
    throw new UserError(`Cannot load transformers model "${model}" from ${where}: ${(err as Error).message}`);
  }
  const pooling = spec.pooling ?? 'mean';
  const id = `transformers:${model}${spec.quantized ? ':q8' : ''}${pooling === 'cls' ? ':cls' : ''}`;

  const embedBatch = async (texts: string[]): Promise<Float32Array[]> => {
    const out = await extractor(texts, { pooling, normalize: true });
    const [rows, dim] = out.dims as [number, number];
    const data = out.data as Float32Array;
    return Array.from({ length: rows }, (_, i) => data.slice(i * dim, (i + 1) * dim));
  };
  const probe = await embedBatch(['dimension probe']);
  const dim = probe[0]!.length;

  return {
    id,
    dim,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const result: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        // Empty strings tokenise to only special tokens, which the pipeline handles fine.
        result.push(...(await embedBatch(texts.slice(i, i + BATCH))));
      }
      return result;
    },
    async dispose(): Promise<void> {
      await extractor.dispose();
    },
  };
}
