/**
 * The embedding cache table (migrations 002 and 007): one vector per (encoder id, sha256 of the
 * text), L2-normalised by the encoder, its bytes in the row's `format` (models/cache.ts: int8 with
 * a per-vector scale by default, float16, or float32; rows written before migration 007 are
 * float32 and still read). A row in another lossy format than the one asked for is not returned
 * (the cache re-embeds and overwrites it), so what the analyser sees never depends on which
 * setting wrote the row.
 */
import type { Encoder } from '../models/encoder-spec.js';
import {
  cachingEncoder,
  decodeVector,
  encodeVector,
  roundTrip,
  type CachedEncoder,
  type VectorFormat,
  type VectorStorage,
  type VectorStore,
} from '../models/cache.js';
import type { Db } from './db.js';

/** SQLite limits bound parameters; look hashes up in chunks well below it. */
const LOOKUP_CHUNK = 500;

/** Storage when a caller names none: what `analysis.embeddings.storage` defaults to. */
export const DEFAULT_VECTOR_STORAGE: VectorStorage = 'int8';

interface Row {
  text_hash: string;
  format: string;
  vector: Buffer;
}

/** The vectors of `hashes` as the analyser sees them under `format` (see the header). */
export function getEmbeddings(db: Db, modelId: string, hashes: readonly string[], format: VectorFormat = 'float32'): Map<string, Float32Array> {
  const found = new Map<string, Float32Array>();
  for (let i = 0; i < hashes.length; i += LOOKUP_CHUNK) {
    const chunk = hashes.slice(i, i + LOOKUP_CHUNK);
    const placeholders = chunk.map(() => '?').join(',');
    const rows = db
      .prepare(`SELECT text_hash, format, vector FROM embeddings WHERE model_id = ? AND text_hash IN (${placeholders})`)
      .all(modelId, ...chunk) as Row[];
    for (const row of rows) {
      if (row.format === format) found.set(row.text_hash, decodeVector(row.vector, format));
      else if (row.format === 'float32') found.set(row.text_hash, roundTrip(decodeVector(row.vector, 'float32'), format));
    }
  }
  return found;
}

/** Stores the encoder's exact vectors, encoded in `format`; an existing row for a hash is replaced. */
export function putEmbeddings(
  db: Db,
  modelId: string,
  entries: ReadonlyArray<readonly [string, Float32Array]>,
  format: VectorFormat = 'float32',
): void {
  const insert = db.prepare('INSERT OR REPLACE INTO embeddings (model_id, text_hash, format, vector) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const [hash, vector] of entries) insert.run(modelId, hash, format, encodeVector(vector, format));
  })();
}

/** The embeddings table as the encoder cache's vector store. */
export function embeddingStore(db: Db): VectorStore {
  return {
    get: (encoderId, hashes, format) => getEmbeddings(db, encoderId, hashes, format),
    put: (encoderId, entries, format) => putEmbeddings(db, encoderId, entries, format),
  };
}

/** `encoder` with its vectors remembered in this database's embeddings table, kept as `storage`. */
export function cachedEncoder(db: Db, encoder: Encoder, storage: VectorStorage = DEFAULT_VECTOR_STORAGE): CachedEncoder {
  return cachingEncoder(embeddingStore(db), encoder, storage);
}

export function countEmbeddings(db: Db, modelId?: string): number {
  const row = (
    modelId === undefined
      ? db.prepare('SELECT COUNT(*) AS n FROM embeddings').get()
      : db.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE model_id = ?').get(modelId)
  ) as { n: number };
  return row.n;
}

/** Rows per stored format (how much of a database is still float32 from before migration 007). */
export function countEmbeddingsByFormat(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT format, COUNT(*) AS n FROM embeddings GROUP BY format ORDER BY format').all() as Array<{
    format: string;
    n: number;
  }>;
  return Object.fromEntries(rows.map((r) => [r.format, r.n]));
}
