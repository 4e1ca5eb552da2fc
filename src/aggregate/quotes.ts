/**
 * Evidence quotes for a cell: the most typical mentions (closest to the cell's mean sentiment,
 * most confidently about the theme) and the most negative ones, preferring distinct documents so
 * one long angry ticket does not supply every quote.
 *
 * Quotes are chosen without holding a cell's members: while the facts stream by, each cell keeps
 * its best candidates in a bounded list (Candidates, at most 2 x `limit` items, no text). Text is
 * then read only for those, and pickDistinct runs over them. Because the candidates are exactly
 * the first `limit` members in the full order, the pick is the one over all members whenever it
 * fills up within them; when it does not (many near-duplicates), the caller streams again with a
 * larger limit for that list only (see `resolved`).
 */

/** What ordering and picking need from a segment: no text. */
export interface QuoteCandidate {
  segmentId: number;
  documentId: number;
  charStart: number;
  charEnd: number;
  sentimentScore: number;
  pNegative: number;
  /** Shorter than MIN_QUOTE_CHARS: used only when nothing else is. */
  short: boolean;
  /** Theme confidence for the cell (its theme's score, else the segment's best theme). */
  themeScore: number;
  /** The score of the emotion a list is about (emotion lists only). */
  emotionScore: number;
}

export type Compare<T> = (a: T, b: T) => number;

/** The first `limit` items of a stream in `cmp` order, in memory bounded by 2 x limit. */
export class Candidates<T extends { segmentId: number }> {
  private items: T[] = [];
  /** True once an item was dropped: the list is then a prefix, not everything. */
  truncated = false;

  constructor(
    readonly limit: number,
    readonly cmp: Compare<T>,
  ) {}

  /** The worst item kept at the last trim: anything after it in the order cannot make the cut. */
  private worst: T | undefined;

  /** Whether a cut-off exists: items after the worst kept one are dropped. */
  hasCutoff(): boolean {
    return this.worst !== undefined;
  }

  /** Whether `push(item)` would keep the item (false: it would only mark the list truncated). */
  wouldKeep(item: T): boolean {
    return this.worst === undefined || this.cmp(item, this.worst) <= 0;
  }

  push(item: T): void {
    if (this.worst !== undefined && this.cmp(item, this.worst) > 0) {
      this.truncated = true;
      return;
    }
    this.items.push(item);
    if (this.items.length >= 2 * this.limit) this.trim();
  }

  private trim(): void {
    this.items.sort(this.cmp);
    if (this.items.length > this.limit) {
      this.items.length = this.limit;
      this.truncated = true;
    }
    if (this.truncated) this.worst = this.items[this.items.length - 1];
  }

  sorted(): readonly T[] {
    this.trim();
    return this.items;
  }
}

const short = (c: { short: boolean }): number => (c.short ? 1 : 0);

export function typicalCompare(meanSentiment: number): Compare<QuoteCandidate> {
  return (a, b) =>
    short(a) - short(b) ||
    Math.abs(a.sentimentScore - meanSentiment) - Math.abs(b.sentimentScore - meanSentiment) ||
    b.themeScore - a.themeScore ||
    a.segmentId - b.segmentId;
}

export const negativeCompare: Compare<QuoteCandidate> = (a, b) =>
  short(a) - short(b) || a.sentimentScore - b.sentimentScore || b.pNegative - a.pNegative || a.segmentId - b.segmentId;

export const emotionCompare: Compare<QuoteCandidate> = (a, b) =>
  short(a) - short(b) || b.emotionScore - a.emotionScore || a.segmentId - b.segmentId;

function sameText(text: string): string {
  return text.toLowerCase().replace(/\d+([.,]\d+)?/g, '#').replace(/\s+/g, ' ').trim();
}

/**
 * Takes up to `limit` items in the given order: first one per document and per wording (a
 * copy-pasted complaint is one piece of evidence), then fills up with the rest. `complete` is false
 * when the distinct pass did not fill up and `sorted` may not hold every item (a truncated prefix):
 * the pick over everything could then differ.
 */
export function pickDistinct<T extends { segmentId: number; documentId: number }>(
  sorted: readonly T[],
  limit: number,
  texts: ReadonlyMap<number, string>,
  truncated = false,
): { picked: T[]; complete: boolean } {
  const picked: T[] = [];
  const docs = new Set<number>();
  const seen = new Set<string>();
  for (const m of sorted) {
    if (picked.length >= limit) break;
    const text = sameText(texts.get(m.segmentId) ?? '');
    if (docs.has(m.documentId) || seen.has(text)) continue;
    docs.add(m.documentId);
    seen.add(text);
    picked.push(m);
  }
  const complete = picked.length >= limit || !truncated;
  for (const m of sorted) {
    if (picked.length >= limit) break;
    if (!picked.includes(m)) picked.push(m);
  }
  return { picked, complete };
}
