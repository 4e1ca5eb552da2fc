/**
 * An encoder wrapper that remembers vectors in the `embeddings` table, keyed by
 * (encoder id, sha256 of the exact text): re-runs and unchanged texts cost a lookup, not inference.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import { getEmbeddings, putEmbeddings } from '../store/embeddings.js';
import type { Encoder } from './encoder.js';

export type CachedEncoder = Encoder & { stats(): { hits: number; misses: number } };

/** The same hash ingest stores in segments.text_hash (sha256 hex of the UTF-8 text). */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function cachedEncoder(db: Db, encoder: Encoder): CachedEncoder {
  let hits = 0;
  let misses = 0;
  return {
    id: encoder.id,
    dim: encoder.dim,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const hashes = texts.map(textHash);
      const known = getEmbeddings(db, encoder.id, [...new Set(hashes)]);
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
        putEmbeddings(db, encoder.id, entries);
        for (const [h, v] of entries) known.set(h, v);
      }
      return hashes.map((h) => known.get(h)!);
    },
    dispose: () => encoder.dispose(),
    stats: () => ({ hits, misses }),
  };
}
