/**
 * An encoder wrapper that remembers vectors in a passed-in vector store, keyed by
 * (encoder id, sha256 of the exact text): re-runs and unchanged texts cost a lookup, not inference.
 * The store's `embeddings` table is one such store (store/embeddings.ts `cachedEncoder(db, encoder)`);
 * models/ itself knows no database.
 *
 * Compact storage (issue 11). Float32 vectors were 79% of a database (a 2 KB blob per segment, one
 * row per 4 KB page). A vector can be kept as:
 * - `int8`: a float32 scale (max |component| / 127) then one signed byte per component
 *   (dim + 4 bytes); the default;
 * - `float16`: IEEE half precision, round to nearest even (2 bytes per component);
 * - `float32`: the exact vector (the layout every row had before migration 007);
 * - `none`: nothing is kept (the cache is bypassed; every run embeds again).
 * Determinism: a text must get the same labels and scores whether its vector came fresh from the
 * encoder or from the store, so the cache returns every vector after the same encode/decode round
 * trip (`roundTrip`), fresh or stored; `none` returns the encoder's exact vectors, as `float32`
 * does. A stored row serves a request in its own format, or from float32 (lossless, round-tripped
 * on read); a row in another lossy format is a miss, re-embedded and overwritten, since
 * re-quantising a float16 vector to int8 would not give what the fresh vector gives.
 */
import { createHash } from 'node:crypto';
import type { Encoder } from './encoder-spec.js';

export const VECTOR_STORAGE = ['int8', 'float16', 'float32', 'none'] as const;
export type VectorStorage = (typeof VECTOR_STORAGE)[number];
/** How a stored row's bytes are laid out (the `format` column of the embeddings table). */
export type VectorFormat = Exclude<VectorStorage, 'none'>;

/** The vectors the analyser consumes under a storage setting (`none` keeps nothing, so exact). */
export function consumedFormat(storage: VectorStorage): VectorFormat {
  return storage === 'none' ? 'float32' : storage;
}

/** Where cached vectors live: looked up by text hash, written after the misses are embedded. */
export interface VectorStore {
  /**
   * The vectors of `hashes` this store can serve in `format` (default float32), already decoded
   * (and round-tripped through `format` when the row is float32). Rows it cannot serve are left out.
   */
  get(encoderId: string, hashes: readonly string[], format?: VectorFormat): Map<string, Float32Array>;
  /** Stores the encoder's exact vectors, encoded in `format` (default float32). */
  put(encoderId: string, entries: ReadonlyArray<readonly [string, Float32Array]>, format?: VectorFormat): void;
}

export type CachedEncoder = Encoder & { stats(): { hits: number; misses: number } };

/** The same hash ingest stores in segments.text_hash (sha256 hex of the UTF-8 text). */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> IEEE half bits, round to nearest even; overflow -> infinity, NaN kept. */
function toHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && r & 1)) r++;
  return sign | r;
}

function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The bytes of `v` in `format` (little-endian, as every supported platform stores typed arrays). */
export function encodeVector(v: Float32Array, format: VectorFormat): Uint8Array {
  if (format === 'float32') return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  if (format === 'float16') {
    const out = new Uint16Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = toHalf(v[i]!);
    return new Uint8Array(out.buffer);
  }
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  const scale = Math.fround(max / 127);
  const out = new Uint8Array(4 + v.length);
  new DataView(out.buffer).setFloat32(0, scale, true);
  const q = new Int8Array(out.buffer, 4);
  if (scale > 0) for (let i = 0; i < v.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(v[i]! / scale)));
  return out;
}

/** The vector that `encodeVector(_, format)` wrote; throws on a length that does not fit. */
export function decodeVector(bytes: Uint8Array, format: VectorFormat): Float32Array {
  if (format === 'float32') {
    if (bytes.byteLength % 4 !== 0) throw new Error(`a float32 vector of ${bytes.byteLength} bytes`);
    const out = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  if (format === 'float16') {
    if (bytes.byteLength % 2 !== 0) throw new Error(`a float16 vector of ${bytes.byteLength} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(bytes.byteLength / 2);
    for (let i = 0; i < out.length; i++) out[i] = fromHalf(view.getUint16(i * 2, true));
    return out;
  }
  if (bytes.byteLength < 4) throw new Error(`an int8 vector of ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scale = view.getFloat32(0, true);
  const out = new Float32Array(bytes.byteLength - 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt8(4 + i) * scale;
  return out;
}

/** What the analyser sees of `v` under `format`: the same for a fresh and a stored vector. */
export function roundTrip(v: Float32Array, format: VectorFormat): Float32Array {
  return format === 'float32' ? v : decodeVector(encodeVector(v, format), format);
}

/**
 * `encoder` behind `store`, vectors kept in `storage` (default float32: exact, what a store of raw
 * vectors wants; the database cache passes the configured setting). With `none` the store is not
 * used at all.
 */
export function cachingEncoder(store: VectorStore, encoder: Encoder, storage: VectorStorage = 'float32'): CachedEncoder {
  let hits = 0;
  let misses = 0;
  const format = consumedFormat(storage);
  // Texts being embedded right now, by hash. Calls that overlap (the analyser embeds slices side by
  // side) wait for the one embedding instead of embedding the same text again: the encoder's
  // floats depend slightly on the batch a text is in, so two embeddings of one text could give two
  // segments with the same text different scores, and the cache whichever finished last.
  const pending = new Map<string, Promise<Float32Array>>();
  return {
    id: encoder.id,
    dim: encoder.dim,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const hashes = texts.map(textHash);
      const known = storage === 'none' ? new Map<string, Float32Array>() : store.get(encoder.id, [...new Set(hashes)], format);
      // Embed each missing text once, even if it repeats within the call or is on its way already.
      const missing = new Map<string, string>();
      const waiting = new Map<string, Promise<Float32Array>>();
      hashes.forEach((h, i) => {
        if (known.has(h) || missing.has(h) || waiting.has(h)) return;
        const inFlight = pending.get(h);
        if (inFlight) waiting.set(h, inFlight);
        else missing.set(h, texts[i]!);
      });
      misses += hashes.filter((h) => missing.has(h)).length;
      hits += hashes.filter((h) => !missing.has(h)).length;
      if (missing.size > 0) {
        const keys = [...missing.keys()];
        const batch = encoder.embed([...missing.values()]).then((fresh) => {
          const entries = keys.map((h, i) => [h, fresh[i]!] as const);
          if (storage !== 'none') store.put(encoder.id, entries, format);
          return entries.map(([, v]) => roundTrip(v, format));
        });
        keys.forEach((h, i) => {
          const one = batch.then((vs) => vs[i]!);
          one.catch(() => undefined); // the caller awaits `batch` and sees the error there
          pending.set(h, one);
          waiting.set(h, one);
        });
        try {
          await batch;
        } finally {
          for (const h of keys) pending.delete(h);
        }
      }
      for (const [h, p] of waiting) known.set(h, await p);
      return hashes.map((h) => known.get(h)!);
    },
    dispose: () => encoder.dispose(),
    stats: () => ({ hits, misses }),
  };
}
