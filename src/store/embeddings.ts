/**
 * The embedding cache table (migration 002): one L2-normalised Float32 vector per
 * (encoder id, sha256 of the text).
 */
import type { Encoder } from '../models/encoder-spec.js';
import { cachingEncoder, type CachedEncoder, type VectorStore } from '../models/cache.js';
import type { Db } from './db.js';

/** SQLite limits bound parameters; look hashes up in chunks well below it. */
const LOOKUP_CHUNK = 500;

export function getEmbeddings(db: Db, modelId: string, hashes: readonly string[]): Map<string, Float32Array> {
  const found = new Map<string, Float32Array>();
  for (let i = 0; i < hashes.length; i += LOOKUP_CHUNK) {
    const chunk = hashes.slice(i, i + LOOKUP_CHUNK);
    const placeholders = chunk.map(() => '?').join(',');
    const rows = db
      .prepare(`SELECT text_hash, vector FROM embeddings WHERE model_id = ? AND text_hash IN (${placeholders})`)
      .all(modelId, ...chunk) as Array<{ text_hash: string; vector: Buffer }>;
    for (const row of rows) found.set(row.text_hash, bufferToVector(row.vector));
  }
  return found;
}

export function putEmbeddings(db: Db, modelId: string, entries: ReadonlyArray<readonly [string, Float32Array]>): void {
  const insert = db.prepare('INSERT OR REPLACE INTO embeddings (model_id, text_hash, vector) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const [hash, vector] of entries) {
      insert.run(modelId, hash, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    }
  })();
}

/** The embeddings table as the encoder cache's vector store. */
export function embeddingStore(db: Db): VectorStore {
  return {
    get: (encoderId, hashes) => getEmbeddings(db, encoderId, hashes),
    put: (encoderId, entries) => putEmbeddings(db, encoderId, entries),
  };
}

/** `encoder` with its vectors remembered in this database's embeddings table. */
export function cachedEncoder(db: Db, encoder: Encoder): CachedEncoder {
  return cachingEncoder(embeddingStore(db), encoder);
}

export function countEmbeddings(db: Db, modelId?: string): number {
  const row = (
    modelId === undefined
      ? db.prepare('SELECT COUNT(*) AS n FROM embeddings').get()
      : db.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE model_id = ?').get(modelId)
  ) as { n: number };
  return row.n;
}

/** Copies out of the SQLite buffer so the vector is aligned and owns its memory. */
function bufferToVector(buf: Buffer): Float32Array {
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}
