import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type Encoder } from '../src/models/encoder.js';
import { fitTemperature, loadHead, saveHead, trainHead, type Head } from '../src/models/head.js';
import { mulberry32 } from '../src/util/random.js';
import { readLabelled, readTextSample } from '../src/models/labelled.js';
import { classificationReport, rocAuc } from '../src/models/metrics.js';
import { fitTfidf, terms, TfidfVectorizer, wordTokens } from '../src/models/tfidf.js';
import { labelAsText, labelTextsFor } from '../src/models/label-texts.js';
import { loadCodeframe } from '../src/config/codeframe.js';
import { UserError } from '../src/util/errors.js';

const FIXTURE = join(import.meta.dirname, 'fixtures-models', 'feedback.csv');

describe('TF-IDF features', () => {
  it('splits contractions into "not" and builds unit-length unigram+bigram vectors', () => {
    expect(wordTokens("Didn't arrive, can't log in")).toEqual(['did', 'not', 'arrive', 'can', 'not', 'log', 'in']);
    const spec = fitTfidf(['late box', 'late delivery', 'great box'], { minDf: 1, stem: false });
    expect(spec.vocabulary).toContain('late box');
    const v = new TfidfVectorizer(spec).transform('late late box');
    const norm = Math.sqrt([...v.val].reduce((a, x) => a + x * x, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect(new TfidfVectorizer(spec).transform('unrelated words').idx).toHaveLength(0);
  });
});

describe('character n-grams', () => {
  it('adds "#"-marked grams of the unstemmed, space-padded words, and a misspelling shares them', () => {
    const t = terms('Sooo late', true, [2, 3]);
    expect(t).toContain('sooo');
    expect(t).toContain('#la');
    expect(t).toContain('# la');
    expect(t).toContain('#te ');
    expect(terms('Sooo late', true)).not.toContain('#la');
    const spec = fitTfidf(['delivery was late', 'great delivery'], { minDf: 1, chars: [2, 4] });
    expect(spec.chars).toEqual([2, 4]);
    // "delivry" is not in the word vocabulary, but its character grams are.
    expect(new TfidfVectorizer(spec).transform('delivry').idx.length).toBeGreaterThan(3);
    expect(new TfidfVectorizer(fitTfidf(['delivery was late'], { minDf: 1 })).transform('delivry').idx).toHaveLength(0);
  });
});

describe('label texts for voc train', () => {
  it('turns label ids into phrases and leaves codes alone', () => {
    expect(labelAsText('card_arrival')).toBe('card arrival');
    expect(labelAsText('LateDelivery')).toBe('Late Delivery');
    expect(labelAsText('42')).toBeNull();
    expect(labelAsText('A1')).toBeNull();
  });

  it('describes labels from a codeframe by id or label, else by name, and skips codes', () => {
    const cf = loadCodeframe('builtin:voc-default.yaml');
    const d = labelTextsFor(['late-delivery', 'Cancellation', 'card_arrival', 'A1'], cf);
    expect(d.fromCodeframe).toEqual(['late-delivery', 'Cancellation']);
    expect(d.fromName).toEqual(['card_arrival']);
    expect(d.texts['late-delivery']![0]).toBe(cf.themes.find((t) => t.id === 'late-delivery')!.label);
    expect(d.texts['late-delivery']!.length).toBeGreaterThan(2);
    expect(d.texts['card_arrival']).toEqual(['card arrival']);
    expect(d.texts.A1).toBeUndefined();
  });
});

describe('unlabelled text samples', () => {
  it('keeps a seeded sample of at most maxRows texts, counts all of them and the empty ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voc-sample-'));
    try {
      const file = join(dir, 'texts.csv');
      writeFileSync(file, ['id,comment', ...Array.from({ length: 100 }, (_, i) => `${i},${i % 10 === 9 ? '' : `text ${i}`}`)].join('\n'));
      const a = await readTextSample(file, 'comment', 10, 1);
      expect(a.texts).toHaveLength(10);
      expect(a.total).toBe(90);
      expect(a.skipped).toBe(10);
      expect((await readTextSample(file, 'comment', 10, 1)).texts).toEqual(a.texts);
      // Not just the first ten rows: a uniform sample reaches into the rest of the file.
      expect(a.texts.some((t) => Number(t.slice(5)) >= 20)).toBe(true);
      await expect(readTextSample(file, 'text', 10, 1)).rejects.toThrow(/Column "text" not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metrics', () => {
  it('computes accuracy, macro-F1, confusion and AUC', () => {
    const r = classificationReport(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']);
    expect(r.accuracy).toBe(0.75);
    expect(r.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(r.perClass.find((c) => c.label === 'a')!.recall).toBe(0.5);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
  });

  it('temperature scaling sharpens under-confident logits and softens over-confident ones', () => {
    const rand = mulberry32(3);
    const y: number[] = [];
    const small: Float64Array[] = [];
    const big: Float64Array[] = [];
    for (let i = 0; i < 400; i++) {
      const c = i % 2;
      y.push(c);
      // Right 90% of the time, with tiny margins (under-confident) or huge ones (over-confident).
      const right = rand() < 0.9 ? c : 1 - c;
      const z = new Float64Array(2);
      z[right] = 0.3;
      small.push(z);
      big.push(z.map((v) => v * 100));
    }
    expect(fitTemperature(small, y)).toBeLessThan(0.3);
    expect(fitTemperature(big, y)).toBeGreaterThan(10);
  });
});

describe('classifier heads on the real USE encoder', () => {
  let encoder: Encoder;
  let dir: string;
  let texts: string[];
  let sentiment: string[];
  let themes: string[][];
  // The head with default options, trained once and checked by several tests below (training one
  // takes seconds on two cores); the determinism test trains its twin.
  let defaultHead: Promise<Head> | undefined;
  const trainDefault = () => (defaultHead ??= trainHead(texts, sentiment, { encoder, card: { name: 'fixture-sentiment' } }));

  beforeAll(async () => {
    encoder = await createEncoder({ backend: 'use', threads: 1 });
    dir = mkdtempSync(join(tmpdir(), 'voc-head-'));
    const s = await readLabelled({ input: FIXTURE, textColumn: 'text', labelColumn: 'sentiment' });
    const t = await readLabelled({ input: FIXTURE, textColumn: 'text', labelColumn: 'themes', multiLabel: true });
    texts = s.texts;
    sentiment = s.labels.map((l) => l[0]!);
    themes = t.labels;
  });
  afterAll(async () => {
    await encoder?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trains, predicts unseen texts, saves, reloads identically and is deterministic', async () => {
    const head = await trainDefault();
    expect(head.labels).toEqual(['negative', 'neutral', 'positive']);
    const probe = ['The courier left my box in the rain and it came two days late.', 'Absolutely delicious recipes, thank you!', 'Can I change my delivery day?'];
    const preds = await head.predict(probe);
    expect(preds.map((p) => p.label)).toEqual(['negative', 'positive', 'neutral']);
    for (const p of preds) expect(Object.values(p.probs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const card = head.card;
    expect(card.trainingData.length).toBeGreaterThan(0);
    expect(card.metrics).toHaveProperty('heldOut');

    const path = join(dir, 'sentiment.json');
    saveHead(head, path);
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    expect(saved.encoder.id).toBe(encoder.id);
    const loaded = loadHead(path, encoder);
    const again = await loaded.predict(probe, await encoder.embed(probe));
    again.forEach((p, i) => expect(p.probs.negative).toBeCloseTo(preds[i]!.probs.negative!, 5));

    const twin = await trainHead(texts, sentiment, { encoder, card: { name: 'fixture-sentiment' } });
    expect((await twin.predict(probe))[0]!.probs.negative).toBeCloseTo(preds[0]!.probs.negative!, 6);
  });

  it('whitens the embedding block for few-shot heads (auto), keeps it across save/load, and can be turned off', async () => {
    const few = await trainDefault();
    expect(few.file.features.whiten?.shrinkage).toBeGreaterThan(0);
    const plain = await trainHead(texts, sentiment, { encoder, whiten: false });
    expect(plain.file.features.whiten).toBeUndefined();
    const path = join(dir, 'whitened.json');
    saveHead(few, path);
    const probe = ['My box was damaged again.', 'Lovely fresh vegetables.'];
    const vecs = await encoder.embed(probe);
    const [a, b] = [await few.predict(probe, vecs), await loadHead(path, encoder).predict(probe, vecs)];
    a.forEach((p, i) => expect(b[i]!.probs.negative).toBeCloseTo(p.probs.negative!, 5));
    // Whitening changes the features: the two heads must not be the same model.
    expect(a[0]!.probs.negative).not.toBeCloseTo((await plain.predict(probe, vecs))[0]!.probs.negative!, 4);
  });

  it('adds character n-grams automatically on small sets, keeps them across save/load, and can turn them off', async () => {
    const auto = await trainDefault();
    expect(auto.file.features.tfidf?.chars).toEqual([2, 4]);
    expect(auto.file.features.tfidf?.vocabulary.some((t) => t.startsWith('#'))).toBe(true);
    const words = await trainHead(texts, sentiment, { encoder, charNgrams: false });
    expect(words.file.features.tfidf?.chars).toBeUndefined();
    expect(words.file.features.tfidf?.vocabulary.some((t) => t.startsWith('#'))).toBe(false);
    const path = join(dir, 'chars.json');
    saveHead(auto, path);
    const probe = ['The delivry was late agian.'];
    const vecs = await encoder.embed(probe);
    const [a, b] = [await auto.predict(probe, vecs), await loadHead(path, encoder).predict(probe, vecs)];
    expect(b[0]!.probs.negative).toBeCloseTo(a[0]!.probs.negative!, 5);
  });

  it('refuses a head trained with another encoder', async () => {
    const head = await trainHead(texts.slice(10, 30), sentiment.slice(10, 30), { encoder });
    const path = join(dir, 'other.json');
    saveHead(head, path);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.encoder.id = 'transformers:Xenova/all-MiniLM-L6-v2';
    writeFileSync(path, JSON.stringify(file));
    expect(() => loadHead(path, encoder)).toThrow(UserError);
    expect(() => loadHead(path, encoder)).toThrow(/trained with encoder "transformers:Xenova\/all-MiniLM-L6-v2"/);
  });

  it('trains multi-label one-vs-rest heads with calibrated per-label thresholds', async () => {
    const head = await trainHead(texts, themes, { encoder, multiLabel: true });
    expect(head.multiLabel).toBe(true);
    const th = head.file.calibration.thresholds!;
    expect(th).toHaveLength(head.labels.length);
    for (const t of th) expect(t).toBeGreaterThanOrEqual(0.1);
    const [p] = await head.predict(['I was charged twice and support never answered my emails.']);
    expect(p!.labels).toEqual(expect.arrayContaining(['billing']));
    expect(p!.probs.recipes).toBeLessThan(p!.probs.billing!);
  });
});
