/**
 * One real encoder per test file, and each text embedded once per test run. Loading the USE-lite
 * graph takes 1-4 s here, but embedding is the real cost (about 40 short texts/s on this machine
 * under load), and every analysis on a fresh test database embeds the same codeframe examples
 * (a few hundred) before its own texts: the same vectors, computed again in every file and test.
 *
 * With this, `createEncoder` is memoised per spec (one load per worker: the copy a caller gets
 * does nothing on `dispose()`; the real encoders live until the worker process ends), and its
 * vectors go through the production embedding cache (models/cache.ts, store/embeddings.ts) over
 * the run's shared database (helpers/global-setup.ts), so a text embedded by one file is looked
 * up by the next. A USE encoder without a thread count runs in-process (threads: 1): two test
 * files run side by side on two cores, and inference worker threads on top only add contention;
 * the vectors are the same. The worker pool itself is tested by test/models-encoder.test.ts,
 * which takes the real module (vi.unmock).
 *
 * `npm test` gives it to every file (helpers/setup-shared-encoder.ts, a set-up file: with
 * `isolate: false` a per-file vi.mock misses modules an earlier file already loaded). The
 * process-level trials (vitest.e2e.config.ts, isolated files) still ask for it per file:
 *
 *     vi.mock('../../src/models/encoder.js', async (importOriginal) =>
 *       (await import('../helpers/shared-encoder.js')).sharedEncoderModule(await importOriginal()));
 *     afterAll(disposeSharedEncoders);
 *
 * The vectors are the real model's, so tests keep checking the real analysis. Tests about loading,
 * batching or disposing an encoder must not use this.
 */
import { appendFileSync } from 'node:fs';
import { expect, inject } from 'vitest';
import { cachingEncoder, type VectorStore } from '../../src/models/cache.js';
import type { Encoder, EncoderSpec } from '../../src/models/encoder-spec.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { embeddingStore } from '../../src/store/embeddings.js';

type EncoderModule = typeof import('../../src/models/encoder.js');

const loaded = new Map<string, Promise<Encoder>>();
let runCache: { db: Db | null; store: VectorStore } | null = null;

/** The run's vector store: memory in front of the run's shared database (if there is one). */
function vectorStore(): VectorStore {
  if (runCache) return runCache.store;
  const memory = new Map<string, Float32Array>();
  const path = inject('vectorCache');
  const db = path ? openDatabase(path) : null;
  const disk = db ? embeddingStore(db) : null;
  const store: VectorStore = {
    get(encoderId, hashes) {
      const found = new Map<string, Float32Array>();
      const rest: string[] = [];
      for (const h of hashes) {
        const v = memory.get(`${encoderId}:${h}`);
        if (v) found.set(h, v);
        else rest.push(h);
      }
      if (disk && rest.length) {
        for (const [h, v] of disk.get(encoderId, rest)) {
          memory.set(`${encoderId}:${h}`, v);
          found.set(h, v);
        }
      }
      return found;
    },
    put(encoderId, entries) {
      for (const [h, v] of entries) memory.set(`${encoderId}:${h}`, v);
      disk?.put(encoderId, entries);
    },
  };
  runCache = { db, store };
  return store;
}

/**
 * VOC_TEST_ENCODER_LOG=<file>: one line per real embed call (test file, texts sent to the model,
 * milliseconds), to see which file pays for which cold texts (test-suite timing, README).
 */
function logged(encoder: Encoder): Encoder {
  const log = process.env.VOC_TEST_ENCODER_LOG;
  if (!log) return encoder;
  return {
    ...encoder,
    async embed(texts) {
      const t0 = performance.now();
      const out = await encoder.embed(texts);
      const file = (expect.getState().testPath ?? '?').replace(/.*\/test\//, 'test/');
      appendFileSync(log, `${file}\t${texts.length}\t${Math.round(performance.now() - t0)}\n`);
      return out;
    },
  };
}

/** The encoder module with `createEncoder` memoised per spec and its vectors cached for the run. */
export function sharedEncoderModule(original: EncoderModule): EncoderModule {
  return {
    ...original,
    async createEncoder(spec: EncoderSpec): Promise<Encoder> {
      const effective: EncoderSpec = spec.backend === 'use' && spec.threads === undefined ? { ...spec, threads: 1 } : spec;
      const key = JSON.stringify(effective);
      let encoder = loaded.get(key);
      if (!encoder) {
        encoder = original.createEncoder(effective);
        loaded.set(key, encoder);
        // A failed load (a bad spec, a missing model) is not kept: the next call tries again.
        encoder.catch(() => loaded.delete(key));
      }
      const cached = cachingEncoder(vectorStore(), logged(await encoder));
      return { id: cached.id, dim: cached.dim, embed: (texts) => cached.embed(texts), dispose: () => Promise.resolve() };
    },
  };
}

/** Disposes the real encoders (their inference threads) and closes the run cache's database. */
export async function disposeSharedEncoders(): Promise<void> {
  const all = [...loaded.values()];
  loaded.clear();
  for (const encoder of all) {
    try {
      await (await encoder).dispose();
    } catch {
      // a load that failed has nothing to dispose
    }
  }
  runCache?.db?.close();
  runCache = null;
}
