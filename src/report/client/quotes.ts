/** A quote with where it comes from: source, document, locator, character offsets and date. */
import type { ReportQuote } from '../model.js';
import { add, el } from './dom.js';

export function quoteFigure(q: ReportQuote): HTMLElement {
  const fig = el('figure', 'quote');
  add(fig, el('blockquote', null, q.text));
  const cap = el('figcaption');
  const sep = (): HTMLElement => el('span', 'sep', '\u00b7');
  add(cap, el('span', null, q.source), sep(),
    el('span', null, q.externalId ? `id ${q.externalId}` : `document ${q.documentId}`),
    sep(), el('span', null, q.locator),
    sep(), el('span', null, `chars ${q.charStart}\u2013${q.charEnd}`),
    q.createdAt ? sep() : null, q.createdAt ? el('span', null, q.createdAt.slice(0, 10)) : null);
  return add(fig, cap);
}

/** Negative quotes first, then typical ones. */
export function negativeFirst(qs: readonly ReportQuote[]): ReportQuote[] {
  return [...qs.filter((q) => q.kind === 'negative'), ...qs.filter((q) => q.kind !== 'negative')];
}
