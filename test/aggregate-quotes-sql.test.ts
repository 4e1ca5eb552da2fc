/**
 * `voc quotes` picks its candidates by SQL ORDER BY ... LIMIT (store/aggregate-quotes.ts). This
 * compares it, field by field, with the streaming implementation it replaced (kept below as the
 * reference: every segment in scope streamed, the best few kept in JavaScript) on a generated
 * corpus with filters, every order (negative, positive, emotion, theme confidence, best theme),
 * tied scores, short segments and copy-pasted sentences that force the 8x re-ask.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findQuotes, type QuoteQuery, type QuoteResult } from '../src/aggregate/query.js';
import { scopeOf, themeAndDescendants, viewOf } from '../src/aggregate/facts.js';
import { Candidates, pickDistinct, type Compare } from '../src/aggregate/quotes.js';
import { buildThemeIndex, UNASSIGNED } from '../src/aggregate/themes.js';
import { canonicalEmotion } from '../src/aggregate/emotions.js';
import { loadThemes, segmentTexts, streamFacts, type Condition, type SegmentFact } from '../src/store/aggregate.js';
import type { Db } from '../src/store/db.js';
import { mulberry32 } from '../src/util/random.js';
import { TestDb, type Sentiment } from './aggregate-db.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

interface Found {
  fact: SegmentFact;
  segmentId: number;
  documentId: number;
  themeScore: number;
  short: boolean;
}

/** The streaming findQuotes this path replaced (validation of unknown themes and emotions left out). */
function streamedQuotes(db: Db, query: QuoteQuery): QuoteResult[] {
  const q = query.emotion === undefined ? query : { ...query, emotion: canonicalEmotion(query.emotion) };
  const index = buildThemeIndex(loadThemes(db));
  const extra: Condition[] = [];
  if (q.theme !== undefined) {
    extra.push(
      q.theme === UNASSIGNED
        ? { field: 'theme', themeIds: [], orUntagged: true }
        : { field: 'theme', themeIds: themeAndDescendants(q.theme, index), orUntagged: false },
    );
  }
  if (q.stage !== undefined) extra.push({ field: 'stage', value: q.stage });
  if (q.touchpoint !== undefined) extra.push({ field: 'touchpoint', value: q.touchpoint });
  if (q.sentiment !== 'any') extra.push({ field: 'sentiment', value: q.sentiment });
  if (q.emotion !== undefined) extra.push({ field: 'emotion', emotion: q.emotion });
  const bySeg = (a: Found, b: Found): number => a.segmentId - b.segmentId;
  const e = q.emotion;
  const cmp: Compare<Found> =
    e !== undefined
      ? (a, b) => (b.fact.emotionScores[e] ?? 0) - (a.fact.emotionScores[e] ?? 0) || bySeg(a, b)
      : q.sentiment === 'negative'
        ? (a, b) => Number(a.short) - Number(b.short) || a.fact.sentimentScore - b.fact.sentimentScore || b.fact.pNegative - a.fact.pNegative || bySeg(a, b)
        : q.sentiment === 'positive'
          ? (a, b) => b.fact.sentimentScore - a.fact.sentimentScore || bySeg(a, b)
          : (a, b) => b.themeScore - a.themeScore || bySeg(a, b);
  let limit = 4 * q.limit + 4;
  for (;;) {
    const list = new Candidates<Found>(limit, cmp);
    for (const fact of streamFacts(db, scopeOf(q, index, extra), { short: q.sentiment === 'negative' && q.emotion === undefined })) {
      const view = viewOf(fact, index);
      const themeScore = q.theme ? (view.themes.get(q.theme) ?? 0) : Math.max(0, ...view.themes.values());
      list.push({ fact, segmentId: fact.segmentId, documentId: fact.documentId, themeScore, short: fact.short });
    }
    const sorted = list.sorted();
    const texts = segmentTexts(db, sorted.map((c) => c.segmentId));
    const { picked, complete } = pickDistinct(sorted, q.limit, texts, list.truncated);
    if (!complete) {
      limit *= 8;
      continue;
    }
    return picked.map(({ fact: f }) => ({
      segmentId: f.segmentId, documentId: f.documentId, externalId: f.externalId, source: f.sourceName, kind: f.kind,
      locator: f.locator, createdAt: f.createdAt, charStart: f.charStart, charEnd: f.charEnd, stage: f.stage,
      touchpoint: f.touchpoint, themes: f.themes.map((x) => x.themeId), sentiment: f.sentiment,
      sentimentScore: f.sentimentScore, score: f.score, scoreScale: f.scoreScale, emotions: f.emotions,
      text: texts.get(f.segmentId) ?? '',
    }));
  }
}

/** A deterministic corpus (seeded generator) with ties, short and copy-pasted segments. */
function corpus(): TestDb {
  const db = new TestDb()
    .addTheme('billing', null, 'Billing')
    .addTheme('billing.refund', 'billing', 'Refunds')
    .addTheme('billing.charge', 'billing', 'Charges')
    .addTheme('speed', null, 'Speed');
  const random = mulberry32(11);
  const rnd = (n: number): number => Math.floor(random() * n);
  const sentiments: Sentiment[] = ['negative', 'neutral', 'positive'];
  const themes: Record<string, number>[] = [{ 'billing.refund': 0.9 }, { speed: 0.5 }, { 'billing.charge': 0.7, 'billing.refund': 0.4 }, {}, { billing: 0.6, speed: 0.6 }];
  const emotions: Record<string, number>[] = [{ 'frustration-anger': 0.8 }, { 'satisfaction-joy': 0.7 }, {}, { 'frustration-anger': 0.5, worry: 0.6 }];
  for (let d = 0; d < 150; d++) {
    db.addDoc({
      kind: (['survey', 'interview', 'ticket'] as const)[rnd(3)],
      source: ['survey-a', 'zendesk'][rnd(2)]!,
      createdAt: `2026-${String(1 + rnd(6)).padStart(2, '0')}-1${rnd(9)}T10:00:00Z`,
      score: rnd(4) === 0 ? null : rnd(11),
      attributes: { plan: ['basic', 'pro'][rnd(2)]! },
      segments: Array.from({ length: 1 + rnd(5) }, (_, i) => {
        const r = rnd(10);
        return {
          // short ones, a copy-pasted complaint, and distinct sentences
          text: r === 0 ? 'Too slow.' : r < 3 ? 'The refund never arrived and nobody answered my emails.' : `Sentence ${d}-${i} about thing ${rnd(50)}.`,
          sentiment: sentiments[rnd(3)]!,
          score: (rnd(20) - 10) / 10, // coarse: many ties, broken by segment id
          stage: ['purchase', 'onboarding', 'support', null][rnd(4)]!,
          touchpoint: ['website', 'app', null][rnd(3)]!,
          themes: themes[rnd(5)]!,
          emotions: emotions[rnd(4)]!,
        };
      }),
    });
  }
  return db;
}

const QUERIES: QuoteQuery[] = [
  { sentiment: 'negative', limit: 5 },
  { sentiment: 'negative', limit: 3, theme: 'billing' },
  { sentiment: 'negative', limit: 12, theme: 'billing.refund', where: { plan: 'basic' } },
  { sentiment: 'positive', limit: 4, stage: 'support' },
  { sentiment: 'any', limit: 6 },
  { sentiment: 'any', limit: 6, theme: 'billing' },
  { sentiment: 'any', limit: 5, theme: UNASSIGNED, since: '2026-03' },
  { sentiment: 'any', limit: 5, emotion: 'frustration', where: { kind: 'ticket' } },
  { sentiment: 'negative', limit: 4, emotion: 'worry', touchpoint: 'app' },
  { sentiment: 'neutral', limit: 30, until: '2026-04', where: { source: 'zendesk' } },
];

describe('voc quotes in SQL order', () => {
  it('equals the streaming pick field by field for every order and filter', () => {
    t = corpus();
    for (const q of QUERIES) {
      const sql = findQuotes(t.db, q);
      expect(sql.length, JSON.stringify(q)).toBeGreaterThan(0);
      expect(sql, JSON.stringify(q)).toEqual(streamedQuotes(t.db, q));
    }
  });

  it('asks again with more room when copy-pasted sentences fill the first candidates', () => {
    t = new TestDb().addTheme('speed', null, 'Speed');
    // 30 documents of the same complaint, most negative, then five distinct milder ones.
    for (let d = 0; d < 30; d++) t.addDoc({ segments: [{ text: 'The app is slow and crashes all the time.', sentiment: 'negative', score: -0.9 }] });
    for (const word of ['loading', 'login', 'search', 'checkout', 'sync']) {
      t.addDoc({ segments: [{ text: `The ${word} takes far too long every single time.`, sentiment: 'negative', score: -0.5 }] });
    }
    const q: QuoteQuery = { sentiment: 'negative', limit: 3 };
    const got = findQuotes(t.db, q);
    expect(new Set(got.map((x) => x.text)).size).toBe(3);
    expect(got).toEqual(streamedQuotes(t.db, q));
  });
});
