import { existsSync, readFileSync } from 'node:fs';
import { readLabelled } from '../src/models/labelled.js';
import { classificationReport } from '../src/models/metrics.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type Encoder } from '../src/models/encoder.js';
import { createSentimentModel, defaultSentimentHeadPath } from '../src/models/sentiment.js';
import { cleanForSentiment, complaintFeatures, lexiconFeatures, resolveFasttextDir } from '../src/models/signals.js';

const FEEDBACK_DEV = 'test/data/sentiment-feedback-labelled.csv';

describe('sentiment signals', () => {
  it('cleans handles and links, and lexicon scores respect negation', () => {
    expect(cleanForSentiment('@united my bag is lost https://t.co/x &amp; nobody cares')).toBe('my bag is lost & nobody cares');
    const good = lexiconFeatures('The delivery was good')[0]!;
    const notGood = lexiconFeatures('The delivery was not good')[0]!;
    expect(good).toBeGreaterThan(0.2);
    expect(notGood).toBeLessThan(0);
    expect(lexiconFeatures('The delivery was not good')[4]!).toBeLessThan(0); // AFINN with negation flip
  });

  it('turns hashtags and emoji into words', () => {
    expect(cleanForSentiment('#fail again \u{1F621}\u{1F621} @bank')).toBe('fail again angry angry');
    expect(cleanForSentiment('Loved it \u{1F44D}\u{1F3FD} #thankyou')).toBe('Loved it great thankyou');
  });

  it('flags factual complaints, and reads a negated problem as praise', () => {
    for (const t of ['My box arrived two days late.', 'The refund has not appeared on my account.', 'Still waiting for my order.', 'I was charged twice.']) {
      expect(complaintFeatures(t)[0], t).toBeGreaterThan(0);
    }
    expect(complaintFeatures('How do I change my delivery address?')[0]).toBe(0);
    expect(complaintFeatures('Never had an issue with the app.')).toEqual([0, 1, 0]);
    expect(complaintFeatures('I got a call back within ten minutes.')[2]).toBe(1);
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

  it('factual complaints without emotional words lean negative', async () => {
    const model = await createSentimentModel({ encoder, fasttextDir: null });
    const out = await model.predict(['My box arrived two days late.', 'The refund has not appeared on my account.', 'Still waiting for my order.']);
    for (const r of out) expect(r.score).toBeLessThan(0);
    expect(out.filter((r) => r.label === 'negative').length).toBeGreaterThanOrEqual(2);
  });

  // Floors a little under the measured numbers (0.815 / 0.813 without fastText, 0.827 / 0.820 with it,
  // 173 sentences): the test fails if a retrained model gets worse on customer feedback.
  it('keeps its accuracy on the labelled feedback sentences', async () => {
    const data = await readLabelled({ input: FEEDBACK_DEV, textColumn: 'text', labelColumn: 'label' });
    expect(data.texts.length).toBeGreaterThanOrEqual(150);
    const gold = data.labels.map((l) => l[0]!);
    const check = async (fasttextDir: string | null | undefined, acc: number, f1: number): Promise<void> => {
      const model = await createSentimentModel({ encoder, fasttextDir });
      const pred = (await model.predict(data.texts)).map((r) => r.label);
      const report = classificationReport(gold, pred, ['negative', 'neutral', 'positive']);
      expect(report.accuracy).toBeGreaterThanOrEqual(acc);
      expect(report.macroF1).toBeGreaterThanOrEqual(f1);
      for (const c of report.perClass) expect(c.f1, c.label).toBeGreaterThanOrEqual(0.72);
    };
    await check(null, 0.8, 0.8);
    if (resolveFasttextDir(undefined)) await check(undefined, 0.81, 0.8);
  }, 60_000);

  it.skipIf(!resolveFasttextDir(undefined))('uses fastText when the model files are present', async () => {
    const model = await createSentimentModel({ encoder });
    expect(model.signalsUsed).toContain('fasttext');
    const [r] = await model.predict(['Payment failed at checkout, very frustrating.']);
    expect(r!.label).toBe('negative');
    expect(r!.signals.ft_neg).toBeGreaterThan(0.9);
  });
});
