import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type Encoder } from '../src/models/encoder.js';
import { createSentimentModel, defaultSentimentHeadPath } from '../src/models/sentiment.js';
import { cleanForSentiment, lexiconFeatures, resolveFasttextDir } from '../src/models/signals.js';

describe('sentiment signals', () => {
  it('cleans handles and links, and lexicon scores respect negation', () => {
    expect(cleanForSentiment('@united my bag is lost https://t.co/x &amp; nobody cares')).toBe('my bag is lost & nobody cares');
    const good = lexiconFeatures('The delivery was good')[0]!;
    const notGood = lexiconFeatures('The delivery was not good')[0]!;
    expect(good).toBeGreaterThan(0.2);
    expect(notGood).toBeLessThan(0);
    expect(lexiconFeatures('The delivery was not good')[4]!).toBeLessThan(0); // AFINN with negation flip
  });
});

describe('shipped sentiment model (stack)', () => {
  let encoder: Encoder;
  beforeAll(async () => {
    encoder = await createEncoder({ backend: 'use', threads: 1 });
  });
  afterAll(async () => {
    await encoder?.dispose();
  });

  it('ships a model card naming its training data and licences', () => {
    expect(existsSync(defaultSentimentHeadPath())).toBe(true);
    const file = JSON.parse(readFileSync(defaultSentimentHeadPath(), 'utf8'));
    expect(file.encoder.id).toBe(encoder.id);
    expect(file.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(file.card.trainingData.length).toBeGreaterThanOrEqual(3);
    for (const d of file.card.trainingData) expect(d.licence).toBeTruthy();
    expect(JSON.stringify(file.card.trainingData)).not.toMatch(/airline-tweets|Tweets/);
    expect(file.stack.withoutFasttext.features).toContain('vader_compound');
  });

  it('labels clear cases, gives probabilities that sum to 1 and a score in [-1, 1]', async () => {
    const model = await createSentimentModel({ encoder, fasttextDir: null });
    expect(model.signalsUsed).toEqual(expect.arrayContaining(['head', 'lexicon']));
    expect(model.signalsUsed).not.toContain('fasttext');
    const texts = [
      'The courier left my box in the rain and nobody answered my emails. Terrible.',
      'Absolutely love the recipes, the delivery was quick and everything was fresh!',
      'How do I change my delivery address?',
    ];
    const out = await model.predict(texts);
    expect(out.map((r) => r.label)).toEqual(['negative', 'positive', 'neutral']);
    for (const r of out) {
      expect(r.probs.negative + r.probs.neutral + r.probs.positive).toBeCloseTo(1, 5);
      expect(r.score).toBeCloseTo(r.probs.positive - r.probs.negative, 6);
      expect(r.signals).toHaveProperty('vader_compound');
    }
    expect(out[0]!.score).toBeLessThan(-0.5);
    expect(out[1]!.score).toBeGreaterThan(0.5);
  });

  it.skipIf(!resolveFasttextDir(undefined))('uses fastText when the model files are present', async () => {
    const model = await createSentimentModel({ encoder });
    expect(model.signalsUsed).toContain('fasttext');
    const [r] = await model.predict(['Payment failed at checkout, very frustrating.']);
    expect(r!.label).toBe('negative');
    expect(r!.signals.ft_neg).toBeGreaterThan(0.9);
  });
});
