/**
 * Evidence quotes for a cell: the most typical mentions (closest to the cell's mean sentiment,
 * most confidently about the theme) and the most negative ones, preferring distinct documents so
 * one long angry ticket does not supply every quote.
 */
import type { CellRecord, EmotionQuoteRecord, QuoteRecord } from '../store/aggregate.js';
import type { Member } from './facts.js';

/** Very short segments ("ok.", "Yes") are poor evidence; they are used only when nothing else is. */
const MIN_QUOTE_CHARS = 25;

function isShort(m: Member): number {
  return m.view.fact.text.trim().length < MIN_QUOTE_CHARS ? 1 : 0;
}

function sameText(text: string): string {
  return text.toLowerCase().replace(/\d+([.,]\d+)?/g, '#').replace(/\s+/g, ' ').trim();
}

/**
 * Takes up to `limit` members in the given order: first one per document and per wording (a
 * copy-pasted complaint is one piece of evidence), then fills up with the rest.
 */
export function pickDistinct(sorted: readonly Member[], limit: number): Member[] {
  const picked: Member[] = [];
  const docs = new Set<number>();
  const texts = new Set<string>();
  for (const m of sorted) {
    if (picked.length >= limit) break;
    const text = sameText(m.view.fact.text);
    if (docs.has(m.view.fact.documentId) || texts.has(text)) continue;
    docs.add(m.view.fact.documentId);
    texts.add(text);
    picked.push(m);
  }
  for (const m of sorted) {
    if (picked.length >= limit) break;
    if (!picked.includes(m)) picked.push(m);
  }
  return picked;
}

export function typicalOrder(members: readonly Member[], meanSentiment: number): Member[] {
  return [...members].sort(
    (a, b) =>
      isShort(a) - isShort(b) ||
      Math.abs(a.view.fact.sentimentScore - meanSentiment) - Math.abs(b.view.fact.sentimentScore - meanSentiment) ||
      b.themeScore - a.themeScore ||
      a.view.fact.segmentId - b.view.fact.segmentId,
  );
}

export function negativeOrder(members: readonly Member[]): Member[] {
  return members
    .filter((m) => m.view.fact.sentiment === 'negative')
    .sort(
      (a, b) =>
        isShort(a) - isShort(b) ||
        a.view.fact.sentimentScore - b.view.fact.sentimentScore ||
        b.view.fact.pNegative - a.view.fact.pNegative ||
        a.view.fact.segmentId - b.view.fact.segmentId,
    );
}

function toQuote(cell: CellRecord, kind: QuoteRecord['kind'], rank: number, m: Member): QuoteRecord {
  const f = m.view.fact;
  return {
    matrix: cell.matrix,
    rowKey: cell.rowKey,
    colKey: cell.colKey,
    kind,
    rank,
    segmentId: f.segmentId,
    documentId: f.documentId,
    charStart: f.charStart,
    charEnd: f.charEnd,
    text: f.text,
    sentimentScore: f.sentimentScore,
  };
}

export function selectQuotes(members: readonly Member[], cell: CellRecord, perCell: number): QuoteRecord[] {
  if (perCell <= 0) return [];
  const typical = pickDistinct(typicalOrder(members, cell.meanSentiment), perCell);
  const negative = pickDistinct(negativeOrder(members), perCell);
  return [
    ...typical.map((m, i) => toQuote(cell, 'typical', i + 1, m)),
    ...negative.map((m, i) => toQuote(cell, 'negative', i + 1, m)),
  ];
}

/** Per emotion of the cell: its segments showing it, highest emotion score first, distinct documents first. */
export function selectEmotionQuotes(
  members: readonly Member[],
  cell: CellRecord,
  emotions: readonly string[],
  perCell: number,
): EmotionQuoteRecord[] {
  if (perCell <= 0) return [];
  const out: EmotionQuoteRecord[] = [];
  for (const emotion of emotions) {
    const score = (m: Member): number => m.view.fact.emotionScores[emotion] ?? 0;
    const showing = members
      .filter((m) => m.view.fact.emotions.includes(emotion))
      .sort((a, b) => isShort(a) - isShort(b) || score(b) - score(a) || a.view.fact.segmentId - b.view.fact.segmentId);
    pickDistinct(showing, perCell).forEach((m, i) => {
      const f = m.view.fact;
      out.push({
        matrix: cell.matrix, rowKey: cell.rowKey, colKey: cell.colKey, emotion, rank: i + 1, segmentId: f.segmentId,
        documentId: f.documentId, charStart: f.charStart, charEnd: f.charEnd, text: f.text,
        sentimentScore: f.sentimentScore, emotionScore: score(m),
      });
    });
  }
  return out;
}
