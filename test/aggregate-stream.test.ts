/**
 * Aggregation streams facts and keeps a few quote candidates per cell (issue 11). These check the
 * cases where that could silently differ from picking over all members: candidates that are all
 * from one document or all the same wording (the list is streamed again with more room), and
 * filters pushed into SQL selecting the same segments the JavaScript rules did.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { aggregatePipeline, queryMatrix } from '../src/aggregate/pipeline.js';
import { findQuotes } from '../src/aggregate/query.js';
import { parseAggregateConfig } from '../src/config/aggregate.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { readQuotes } from '../src/store/aggregate.js';
import { addRun, TestDb } from './aggregate-db.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const config = PipelineConfig.parse({
  name: 't',
  sources: [{ name: 'survey-a', kind: 'survey', paths: 'a.csv' }],
  aggregate: { quotesPerCell: 3 },
});

/**
 * One long ticket with 40 very negative sentences (-0.99 ... -0.60), then three other documents
 * with milder complaints (-0.5, -0.4, -0.3), all in purchase x website. Three negative quotes, one
 * per document first: the ticket's worst sentence, then the two worst other documents. The first
 * 16 candidates (4 x 3 + 4) are all from the ticket, so this needs the second, larger pass.
 */
function oneLoudTicket(): TestDb {
  const db = new TestDb();
  db.addDoc({
    kind: 'ticket',
    source: 'zendesk',
    segments: Array.from({ length: 40 }, (_, i) => ({
      text: `Complaint number ${String.fromCharCode(65 + (i % 26))}${i} about the broken checkout page.`,
      sentiment: 'negative' as const,
      score: -0.99 + i * 0.01,
    })),
  });
  for (const [i, score] of [-0.5, -0.4, -0.3].entries()) {
    db.addDoc({ segments: [{ text: `A milder complaint from customer ${'xyz'[i]} about checkout.`, sentiment: 'negative', score }] });
  }
  return db;
}

describe('quote candidates kept per cell', () => {
  it('picks one quote per document first even when the best candidates are all from one document', () => {
    t = oneLoudTicket();
    const s = aggregatePipeline(t.db, config, addRun(t.db));
    const neg = readQuotes(t.db, s.aggregateId).filter((q) => q.matrix === 'stage_all' && q.kind === 'negative');
    expect(neg.map((q) => q.sentiment_score)).toEqual([-0.99, -0.5, -0.4]);
    expect(neg.map((q) => q.rank)).toEqual([1, 2, 3]);
    expect(neg[0]!.text).toBe('Complaint number A0 about the broken checkout page.');
  });

  it('voc quotes does the same', () => {
    t = oneLoudTicket();
    const quotes = findQuotes(t.db, { sentiment: 'negative', limit: 3 });
    expect(quotes.map((q) => q.sentimentScore)).toEqual([-0.99, -0.5, -0.4]);
    expect(quotes.map((q) => q.text.slice(0, 18))).toEqual(['Complaint number A', 'A milder complaint', 'A milder complaint']);
  });

  it('treats copy-pasted wording in different documents as one piece of evidence', () => {
    t = new TestDb();
    // 30 documents with the same complaint (numbers differ: they count as the same wording) and
    // one distinct, milder one: the second quote is the distinct one, though 29 copies rank above it.
    for (let i = 0; i < 30; i++) {
      t.addDoc({ segments: [{ text: `Order ${i} arrived late and the ice packs had melted.`, sentiment: 'negative', score: -0.9 }] });
    }
    t.addDoc({ segments: [{ text: 'The courier left the box in the rain again.', sentiment: 'negative', score: -0.2 }] });
    const quotes = findQuotes(t.db, { sentiment: 'negative', limit: 2 });
    expect(quotes.map((q) => q.text)).toEqual(['Order 0 arrived late and the ice packs had melted.', 'The courier left the box in the rain again.']);
  });
});

describe('filters pushed into SQL', () => {
  it('selects by attribute, date range and rolled-up theme', () => {
    t = new TestDb();
    t.addTheme('billing', null, 'Billing').addTheme('double-charge', 'billing', 'Double charge');
    t.addDoc({ createdAt: '2026-05-02', attributes: { plan: 'plus', trial: true }, segments: [{ text: 'Charged twice for the plus plan this month.', sentiment: 'negative', themes: ['double-charge'] }] });
    t.addDoc({ createdAt: '2026-06-20', attributes: { plan: 'plus', trial: false }, segments: [{ text: 'The plus plan is good value for us.', sentiment: 'positive' }] });
    t.addDoc({ createdAt: '2026-06-21', attributes: { plan: 'basic' }, segments: [{ text: 'Basic plan billing page was confusing.', sentiment: 'negative', themes: ['billing'] }] });
    t.addDoc({ createdAt: null, attributes: { plan: 'plus' }, segments: [{ text: 'No date on this one, plus plan.', sentiment: 'neutral' }] });
    const params = parseAggregateConfig({});
    const total = (where: Record<string, string>, since?: string, until?: string): number =>
      queryMatrix(t!.db, { rows: 'all', cols: 'all' }, { where, since, until }, params).cells[0]?.mentions ?? 0;
    expect(total({ plan: 'plus' })).toBe(3);
    expect(total({ 'attr:trial': 'true' })).toBe(1);
    expect(total({ trial: 'unknown' })).toBe(2);
    expect(total({ plan: 'plus' }, '2026-06')).toBe(1);
    expect(total({}, '2026-05', '2026-06-20')).toBe(2);
    expect(total({ theme: 'billing' })).toBe(2);
    expect(total({ theme: 'double-charge' })).toBe(1);
    expect(total({ theme: 'unassigned' })).toBe(2);
    expect(total({ month: 'unknown' })).toBe(1);
  });
});
