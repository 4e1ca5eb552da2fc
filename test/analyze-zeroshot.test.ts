/**
 * Zero-shot classification with the real default encoder (USE lite): obvious sentences get the
 * right theme, stage and touchpoint; metadata rules override the text; weak segments inherit
 * their document's stage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parseAnalysisConfig, type AnalysisConfig } from '../src/config/analysis.js';
import { loadCodeframe } from '../src/config/codeframe.js';
import { createEncoder, type Encoder } from '../src/models/encoder.js';
import { stems } from '../src/analyze/lexical.js';
import { applyThemeRules, assignZeroShot } from '../src/analyze/themes.js';
import { abstain, applyDocumentContext, decideJourney, type DocContext } from '../src/analyze/journey.js';
import { ZeroShotClassifier } from '../src/analyze/zeroshot.js';

let encoder: Encoder;
let cfg: AnalysisConfig;
const zs: Record<'themes' | 'stages' | 'touchpoints', ZeroShotClassifier> = {} as never;

beforeAll(async () => {
  encoder = await createEncoder({ backend: 'use' });
  // The web-shop codeframe: its zero-shot scoring is what is tested (test/data/themes-labelled.csv uses its
  // ids); the default, cross-industry, decides themes with its trained head (test/analyze-pipeline.test.ts).
  cfg = parseAnalysisConfig({ codeframes: { themes: 'builtin:voc-default.yaml' } });
  zs.themes = await ZeroShotClassifier.build(loadCodeframe(cfg.codeframes.themes).themes, encoder, cfg.zeroShot);
  zs.stages = await ZeroShotClassifier.build(loadCodeframe(cfg.codeframes.stages).themes, encoder, cfg.zeroShot);
  zs.touchpoints = await ZeroShotClassifier.build(loadCodeframe(cfg.codeframes.touchpoints).themes, encoder, cfg.zeroShot);
});
afterAll(async () => encoder?.dispose());

async function themesOf(text: string) {
  const [v] = await encoder.embed([text]);
  return assignZeroShot(zs.themes.score(v!, stems(text)), cfg.themes, cfg.zeroShot);
}

const doc = (over: Partial<DocContext> = {}): DocContext => ({ key: '1', kind: 'survey', sourceName: 's', channel: null, attributes: {}, ...over });

async function decideJourneyWith(c: typeof cfg, text: string, target: 'stage' | 'touchpoint', d = doc(), rules = c.rules) {
  const [v] = await encoder.embed([text]);
  const z = target === 'stage' ? zs.stages : zs.touchpoints;
  const themes = assignZeroShot(zs.themes.score(v!, stems(text)), c.themes, c.zeroShot);
  return decideJourney({ target, validIds: new Set(z.ids), model: z.score(v!, stems(text)), themes, rules, journey: c.journey, doc: d, seg: { text, field: null } });
}

function journeyOf(text: string, target: 'stage' | 'touchpoint', d = doc(), rules = cfg.rules) {
  return decideJourneyWith(cfg, text, target, d, rules);
}

describe('zero-shot themes', () => {
  it.each([
    ['My first box arrived three days late', 'late-delivery'],
    ['I was charged twice this month', 'unexpected-charges'],
    ['The promo code was rejected at checkout', 'promo-codes'],
    ['The app keeps crashing whenever I open the menu', 'bugs-and-reliability'],
    ['I waited on hold for an hour before anyone answered', 'support-responsiveness'],
    ['I cannot find where to cancel my subscription', 'cancellation'],
    ['My refund still has not arrived', 'returns-and-refunds'],
  ])('%s -> %s', async (text, want) => {
    const hits = await themesOf(text);
    expect(hits[0]?.id).toBe(want);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(cfg.themes.threshold);
    expect(hits.length).toBeLessThanOrEqual(cfg.themes.topK);
  });

  it('gets most of the hand-labelled feedback sentences right', async () => {
    const rows = parse(readFileSync('test/data/themes-labelled.csv'), { columns: true }) as Array<{ text: string; themes: string }>;
    const parent = new Map(loadCodeframe(cfg.codeframes.themes).themes.map((t) => [t.id, t.parentId]));
    const vectors = await encoder.embed(rows.map((r) => r.text));
    let right = 0;
    let noise = 0;
    rows.forEach((r, i) => {
      const gold = r.themes.split(';').filter(Boolean);
      const top = assignZeroShot(zs.themes.score(vectors[i]!, stems(r.text)), cfg.themes, cfg.zeroShot)[0]?.id;
      if (top && gold.some((g) => g === top || parent.get(g) === top || parent.get(top) === g)) right++;
      if (top && gold.length === 0) noise++;
    });
    expect(right / rows.filter((r) => r.themes).length).toBeGreaterThanOrEqual(0.8);
    expect(noise).toBeLessThanOrEqual(6);
  });

  it('leaves small talk unassigned', async () => {
    expect(await themesOf('I live in a small flat with my two kids')).toEqual([]);
  });
});

describe('journey stage and touchpoint', () => {
  it.each([
    ['I saw your advert on Instagram last week', 'awareness'],
    ['The courier left my box in the rain', 'onboarding-delivery'],
    ['Payment failed when I tried to place my order', 'purchase'],
    ['I want to cancel, the new price is too high', 'retention'],
    ['I have recommended you to all my friends', 'advocacy'],
  ])('stage: %s -> %s', async (text, want) => {
    expect((await journeyOf(text, 'stage'))?.id).toBe(want);
  });

  it.each([
    ['The chatbot kept going round in circles', 'chat'],
    ['I sent three emails and nobody replied', 'email'],
    ['The app logged me out again', 'app'],
  ])('touchpoint: %s -> %s', async (text, want) => {
    expect((await journeyOf(text, 'touchpoint'))?.id).toBe(want);
  });

  it('metadata rules override the text', async () => {
    const text = 'The app crashes when I edit my menu';
    expect((await journeyOf(text, 'stage'))?.id).toBe('usage');
    const rules = parseAnalysisConfig({ rules: [{ when: { attribute: { survey: 'onboarding' } }, stage: 'onboarding-delivery' }] }).rules;
    const ruled = await journeyOf(text, 'stage', doc({ attributes: { survey: 'Onboarding' } }), rules);
    expect(ruled).toMatchObject({ id: 'onboarding-delivery', signal: 'metadata' });
    const fromSource = await journeyOf(text, 'stage', doc({ sourceStage: 'support' }));
    expect(fromSource).toMatchObject({ id: 'support', signal: 'metadata' });
    // How a ticket arrived is not its touchpoint, unless a channel map says so.
    const viaPhone = await journeyOf('The website is confusing', 'touchpoint', doc({ kind: 'ticket', channel: 'Phone' }));
    expect(viaPhone).toMatchObject({ id: 'website' });
    const mapped = parseAnalysisConfig({ journey: { channelTouchpoints: { phone: 'phone' } } });
    const tp = decideJourneyWith(mapped, 'The website is confusing', 'touchpoint', doc({ kind: 'ticket', channel: 'Phone' }));
    expect(await tp).toMatchObject({ id: 'phone', signal: 'metadata' });
  });

  it('a weak segment inherits the document stage', async () => {
    const strong = await journeyOf('My first delivery arrived two days late and warm', 'stage');
    const weak = await journeyOf('ok', 'stage');
    expect(strong!.confidence).toBeGreaterThan(cfg.journey.minConfidence);
    const unassigned = abstain(weak, cfg.journey.minConfidence);
    expect(unassigned?.assigned).toBe(false);
    const { labels, dominant } = applyDocumentContext([abstain(strong, cfg.journey.minConfidence), unassigned], [45, 2]);
    expect(dominant).toBe('onboarding-delivery');
    expect(labels[1]).toMatchObject({ id: 'onboarding-delivery', signal: 'document' });
  });
});

describe('theme rules', () => {
  it('a keyword rule adds its theme once, with signal keyword', () => {
    const rules = parseAnalysisConfig({ rules: [{ when: { text: 'ice ?packs?' }, theme: 'feature-requests' }] }).rules;
    const seg = { text: 'Recyclable ice packs would be nice', field: null };
    expect(applyThemeRules([], rules, doc(), seg)).toEqual([{ id: 'feature-requests', score: 1, signal: 'keyword' }]);
    const already = [{ id: 'feature-requests', score: 0.7, signal: 'zero-shot' as const }];
    expect(applyThemeRules(already, rules, doc(), seg)).toEqual(already);
    expect(applyThemeRules([], rules, doc(), { text: 'Lovely food', field: null })).toEqual([]);
  });
});
