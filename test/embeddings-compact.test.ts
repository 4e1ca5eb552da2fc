/**
 * Compact embeddings (issue 11): the int8 / float16 codecs, the embeddings table's format column
 * (migration 007, old float32 rows still read), and determinism: a text gets the same vector,
 * and so the same labels and scores, whether its vector came fresh from the encoder or from the
 * cache, with or without a database. The analysis itself runs on the real encoder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { cachingEncoder, decodeVector, encodeVector, roundTrip, type VectorFormat } from '../src/models/cache.js';
import type { Encoder } from '../src/models/encoder-spec.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { cachedEncoder, countEmbeddingsByFormat, getEmbeddings, putEmbeddings } from '../src/store/embeddings.js';
import { MIGRATIONS } from '../src/store/migrations/index.js';
import { analysisKey } from '../src/analyze/key.js';
import { parseAnalysisConfig } from '../src/config/analysis.js';
import { Analyzer, type AnalyzeItem } from '../src/analyze/analyzer.js';
import { loadAnalyzerParts } from '../src/analyze/models.js';
import { mulberry32 } from '../src/util/random.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const DIM = 512;

/** A unit vector with USE-like spread (components around +-0.05). */
function unitVector(seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const v = new Float32Array(DIM);
  let n = 0;
  for (let i = 0; i < DIM; i++) {
    v[i] = rnd() * 2 - 1;
    n += v[i]! * v[i]!;
  }
  for (let i = 0; i < DIM; i++) v[i] = v[i]! / Math.sqrt(n);
  return v;
}

/** A fake encoder that counts what it embeds (vectors from the text's length and characters). */
function countingEncoder(): Encoder & { embedded: string[] } {
  const embedded: string[] = [];
  return {
    id: 'fake-512',
    dim: DIM,
    embedded,
    embed: (texts) => {
      embedded.push(...texts);
      return Promise.resolve(texts.map((t) => unitVector([...t].reduce((a, c) => a * 31 + c.charCodeAt(0), 7) >>> 0)));
    },
    dispose: () => Promise.resolve(),
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace('voc-embeddings-compact-');
});
afterAll(() => {
  ws.cleanup();
});

describe('vector codecs', () => {
  it('int8 keeps a scale and one byte per component; float16 two bytes; both close to the vector', () => {
    const v = unitVector(1);
    expect(encodeVector(v, 'int8').byteLength).toBe(DIM + 4);
    expect(encodeVector(v, 'float16').byteLength).toBe(DIM * 2);
    expect(encodeVector(v, 'float32').byteLength).toBe(DIM * 4);
    expect(cosine(v, roundTrip(v, 'int8'))).toBeGreaterThan(0.9999);
    expect(cosine(v, roundTrip(v, 'float16'))).toBeGreaterThan(0.999999);
    expect([...roundTrip(v, 'float32')]).toEqual([...v]);
    // The largest component is exact up to float32 rounding of the scale.
    const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const back = roundTrip(v, 'int8');
    expect(back.reduce((m, x) => Math.max(m, Math.abs(x)), 0)).toBeCloseTo(max, 6);
  });

  it('float16 is exact where half precision is, rounds to nearest even, and keeps signs, zero and infinities', () => {
    const v = new Float32Array([0, -0, 1, -2, 0.5, 65504, 1e6, -1e6, 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11]);
    const back = decodeVector(encodeVector(v, 'float16'), 'float16');
    expect([...back]).toEqual([0, -0, 1, -2, 0.5, 65504, Infinity, -Infinity, 2 ** -24, 1, 1 + 2 ** -9]);
  });

  it('the zero vector survives int8', () => {
    expect([...roundTrip(new Float32Array(4), 'int8')]).toEqual([0, 0, 0, 0]);
  });

  it('refuses bytes that do not fit the format', () => {
    expect(() => decodeVector(new Uint8Array(6), 'float32')).toThrow(/float32 vector of 6 bytes/);
    expect(() => decodeVector(new Uint8Array(3), 'float16')).toThrow(/float16/);
    expect(() => decodeVector(new Uint8Array(2), 'int8')).toThrow(/int8/);
  });
});

describe('the embeddings table', () => {
  let db: Db;
  beforeAll(() => {
    db = openDatabase(join(ws.dir, 'cache.sqlite'));
  });
  afterAll(() => db.close());

  it('returns the same vector fresh and cached, stored as int8 by default', async () => {
    const enc = countingEncoder();
    const first = await cachedEncoder(db, enc).embed(['late parcel', 'great recipes', 'late parcel']);
    const second = await cachedEncoder(db, enc).embed(['great recipes', 'late parcel']);
    expect(enc.embedded).toEqual(['late parcel', 'great recipes']);
    expect([...second[0]!]).toEqual([...first[1]!]);
    expect([...second[1]!]).toEqual([...first[0]!]);
    const exact = (await enc.embed(['late parcel']))[0]!;
    expect([...first[0]!]).toEqual([...roundTrip(exact, 'int8')]);
    expect(countEmbeddingsByFormat(db)).toEqual({ int8: 2 });
    const row = db.prepare('SELECT length(vector) AS n FROM embeddings LIMIT 1').get() as { n: number };
    expect(row.n).toBe(DIM + 4);
  });

  it('serves a float32 row in any format (re-quantised, no inference) and re-embeds a row in another lossy format', async () => {
    const enc = countingEncoder();
    const exact = (await enc.embed(['refund never came']))[0]!;
    enc.embedded.length = 0;
    putEmbeddings(db, enc.id, [['h32', exact]], 'float32');
    putEmbeddings(db, enc.id, [['h16', exact]], 'float16');
    for (const format of ['int8', 'float16', 'float32'] as VectorFormat[]) {
      expect([...getEmbeddings(db, enc.id, ['h32'], format).get('h32')!]).toEqual([...roundTrip(exact, format)]);
    }
    expect(getEmbeddings(db, enc.id, ['h16'], 'int8').has('h16')).toBe(false);
    expect(getEmbeddings(db, enc.id, ['h16'], 'float16').has('h16')).toBe(true);
    // Through the cache: a float16 row asked for as int8 is embedded again and overwritten.
    const { textHash } = await import('../src/models/cache.js');
    putEmbeddings(db, enc.id, [[textHash('refund never came'), exact]], 'float16');
    const got = await cachedEncoder(db, enc, 'int8').embed(['refund never came']);
    expect(enc.embedded).toEqual(['refund never came']);
    expect([...got[0]!]).toEqual([...roundTrip(exact, 'int8')]);
    const format = db.prepare('SELECT format FROM embeddings WHERE text_hash = ?').get(textHash('refund never came')) as { format: string };
    expect(format.format).toBe('int8');
  });

  it('keeps nothing with storage none, and returns the exact vectors', async () => {
    const before = countEmbeddingsByFormat(db);
    const enc = countingEncoder();
    const got = await cachedEncoder(db, enc, 'none').embed(['nothing kept']);
    expect(countEmbeddingsByFormat(db)).toEqual(before);
    expect([...got[0]!]).toEqual([...(await enc.embed(['nothing kept']))[0]!]);
  });

  it('a store that cannot serve a format round-trips fresh vectors the same way (no database)', async () => {
    const enc = countingEncoder();
    const none = { get: () => new Map<string, Float32Array>(), put: () => undefined };
    const [a] = await cachingEncoder(none, enc, 'int8').embed(['same text']);
    const [b] = await cachedEncoder(db, enc, 'int8').embed(['same text']);
    expect([...a!]).toEqual([...b!]);
  });
});

describe('overlapping embed calls', () => {
  /** An encoder whose floats depend on the batch a text is in, as USE's do (padding to the longest). */
  function batchDependentEncoder(): Encoder & { embedded: string[] } {
    const embedded: string[] = [];
    return {
      id: 'fake-batch',
      dim: 4,
      embedded,
      embed: async (texts) => {
        embedded.push(...texts);
        await new Promise((r) => setTimeout(r, 5));
        return texts.map((t) => new Float32Array([t.length, texts.length, 1, 0.5]));
      },
      dispose: () => Promise.resolve(),
    };
  }

  it('embed a text that is on its way once, so every caller gets the same vector', async () => {
    for (const storage of ['float32', 'none'] as const) {
      const enc = batchDependentEncoder();
      const store = new Map<string, Float32Array>();
      const cached = cachingEncoder(
        { get: (_id, hashes) => new Map(hashes.filter((h) => store.has(h)).map((h) => [h, store.get(h)!])), put: (_id, entries) => entries.forEach(([h, v]) => store.set(h, v)) },
        enc,
        storage,
      );
      // Two slices side by side, as Analyzer.embed sends them; "Great" is in both.
      const [a, b] = await Promise.all([cached.embed(['Great', 'Late box']), cached.embed(['Great', 'Cold food', 'Wet bag'])]);
      expect(enc.embedded.filter((t) => t === 'Great'), storage).toHaveLength(1);
      expect([...b![0]!], storage).toEqual([...a![0]!]);
      expect(store.size, storage).toBe(storage === 'none' ? 0 : 4);
    }
  });
});

describe('migration 007', () => {
  it('upgrades a schema-6 database: its float32 rows read exactly and new rows are int8', async () => {
    const path = join(ws.dir, 'old.sqlite');
    const old = new Database(path);
    for (const m of MIGRATIONS.slice(0, 6)) old.exec(m.sql);
    old.pragma('user_version = 6');
    const v = unitVector(9);
    old.prepare('INSERT INTO embeddings (model_id, text_hash, vector) VALUES (?, ?, ?)').run('fake-512', 'old', Buffer.from(v.buffer));
    old.close();
    const db = openDatabase(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(countEmbeddingsByFormat(db)).toEqual({ float32: 1 });
      expect([...getEmbeddings(db, 'fake-512', ['old']).get('old')!]).toEqual([...v]);
      await cachedEncoder(db, countingEncoder()).embed(['new text']);
      expect(countEmbeddingsByFormat(db)).toEqual({ float32: 1, int8: 1 });
    } finally {
      db.close();
    }
  });
});

describe('the analysis key and the analyser', () => {
  const key = (storage: string) =>
    analysisKey({ encoderId: 'e', sentimentId: 's', heads: {}, codeframes: { themes: 't', stages: 's', touchpoints: 'p', emotions: 'm' }, config: parseAnalysisConfig({ embeddings: { storage } }) }).key;

  it('changes with the vectors the analyser consumes (none and float32 both consume exact vectors)', () => {
    expect(key('int8')).not.toBe(key('float32'));
    expect(key('int8')).not.toBe(key('float16'));
    expect(key('none')).toBe(key('float32'));
    expect(() => parseAnalysisConfig({ embeddings: { storage: 'int4' } })).toThrow(/embeddings\.storage/);
  });

  it('labels and scores a text the same with fresh, cached and database-free vectors (real encoder)', async () => {
    const acfg = parseAnalysisConfig({});
    const doc = { key: 'd1', kind: 'survey' as const, sourceName: 's', channel: null, attributes: {} };
    const texts = ['My parcel arrived two weeks late and nobody answered my emails.', 'The recipes are lovely and easy to follow.', 'I was charged twice for one order.'];
    const items: AnalyzeItem[] = texts.map((text) => ({ doc, text, field: null }));
    const run = async (db: Db | null) => {
      const parts = await loadAnalyzerParts(acfg, db);
      try {
        const analyzer = await Analyzer.create(acfg, parts);
        return { result: await analyzer.analyze(items), stats: parts.cacheStats() };
      } finally {
        await parts.encoder.dispose();
      }
    };
    const db = openDatabase(join(ws.dir, 'analysis.sqlite'));
    try {
      const fresh = await run(db);
      const cached = await run(db);
      expect(fresh.stats.misses).toBeGreaterThan(0);
      expect(cached.stats.misses).toBe(0);
      const noDb = await run(null);
      const json = (r: typeof fresh) => JSON.stringify({ s: r.result.segments, d: [...r.result.documents] });
      expect(json(cached)).toBe(json(fresh));
      expect(json(noDb)).toBe(json(fresh));
      expect(fresh.result.segments[0]!.sentiment.label).toBe('negative');
      expect(countEmbeddingsByFormat(db)).toEqual({ int8: expect.any(Number) as number });
    } finally {
      db.close();
    }
  });
});
