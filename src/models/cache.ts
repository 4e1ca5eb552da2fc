/**
 * An encoder wrapper that remembers vectors in a passed-in vector store, keyed by
 * (encoder id, sha256 of the exact text): re-runs and unchanged texts cost a lookup, not inference.
 * The store's `embeddings` table is one such store (store/embeddings.ts `cachedEncoder(db, encoder)`);
 * models/ itself knows no database.
 */
import { createHash } from 'node:crypto';
import type { Encoder } from './encoder-spec.js';

/** Where cached vectors live: looked up by text hash, written after the misses are embedded. */
export interface VectorStore {
  get(encoderId: string, hashes: readonly string[]): Map<string, Float32Array>;
  put(encoderId: string, entries: ReadonlyArray<readonly [string, Float32Array]>): void;
}

export type CachedEncoder = Encoder & { stats(): { hits: number; misses: number } };

/** The same hash ingest stores in segments.text_hash (sha256 hex of the UTF-8 text). */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function cachingEncoder(store: VectorStore, encoder: Encoder): CachedEncoder {
  let hits = 0;
  let misses = 0;
  return {
    id: encoder.id,
    dim: encoder.dim,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const hashes = texts.map(textHash);
      const known = store.get(encoder.id, [...new Set(hashes)]);
      // Embed each missing text once, even if it repeats within the call.
      const missing = new Map<string, string>();
      hashes.forEach((h, i) => {
        if (!known.has(h) && !missing.has(h)) missing.set(h, texts[i]!);
      });
      const missCount = hashes.filter((h) => !known.has(h)).length;
      hits += texts.length - missCount;
      misses += missCount;
      if (missing.size > 0) {
        const fresh = await encoder.embed([...missing.values()]);
        const entries = [...missing.keys()].map((h, i) => [h, fresh[i]!] as const);
        store.put(encoder.id, entries);
        for (const [h, v] of entries) known.set(h, v);
      }
      return hashes.map((h) => known.get(h)!);
    },
    dispose: () => encoder.dispose(),
    stats: () => ({ hits, misses }),
  };
}
