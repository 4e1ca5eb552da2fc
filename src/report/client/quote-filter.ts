/**
 * The quotes of a filtered page: the stored quotes whose document passes the filter, topped up
 * from the cube's per-group candidates (src/report/cube-quotes.ts) of the active groups, so a
 * cell, card or stage that has mentions under the filter always shows quotes. Pure (no DOM).
 */
import type { CubeQuote, ReportCube, ReportQuote } from '../model.js';

/** As many quotes per list as the unfiltered page stores (3 most negative + 3 most typical). */
export const QUOTES_PER_LIST = 6;

const same = (a: ReportQuote, b: ReportQuote): boolean => a.documentId === b.documentId && a.charStart === b.charStart;

/** A compact cube candidate as the page's quote; its source is its group's. */
export function expandQuote(row: CubeQuote, cube: Pick<ReportCube, 'dims' | 'values' | 'groups'>): ReportQuote {
  const [neg, text, documentId, externalId, locator, createdAt, charStart, charEnd, sentiment, g] = row;
  const si = cube.dims.indexOf('source');
  const source = si < 0 ? '' : (cube.values[si]?.[cube.groups[g]?.[si] ?? -1] ?? '');
  return { kind: neg ? 'negative' : 'typical', text, documentId, externalId, source, locator, createdAt, charStart, charEnd, sentiment, g };
}

/** The kept stored quotes of one list, then candidates of active groups from other documents first. */
export function topUp(kept: readonly ReportQuote[], refs: readonly number[] | undefined, cube: ReportCube, on: readonly boolean[]): ReportQuote[] {
  const out = [...kept];
  if (!refs || out.length >= QUOTES_PER_LIST) return out;
  const extra: ReportQuote[] = [];
  for (let i = 0; i + 1 < refs.length && extra.length < 2 * QUOTES_PER_LIST; i += 2) {
    const row = cube.quotes[refs[i + 1]!];
    if (!row || !on[refs[i]!]) continue;
    const q = expandQuote(row, cube);
    if (!out.some((x) => same(x, q))) extra.push(q);
  }
  // Other documents before a second quote of a document already shown.
  const docs = new Set(out.map((q) => q.documentId));
  extra.sort((a, b) => Number(docs.has(a.documentId)) - Number(docs.has(b.documentId)));
  return [...out, ...extra].slice(0, Math.max(out.length, QUOTES_PER_LIST));
}

/**
 * Tops up `kept` (page key -> the stored quotes that pass the filter, recompute.ts keepQuotes) in
 * place from the cube's list `list`; `pageKey` maps a cube key to the page's key.
 */
export function topUpAll(
  kept: Record<string, ReportQuote[]>,
  cube: ReportCube,
  on: readonly boolean[],
  list: string,
  pageKey: (cubeKey: string) => string,
): Record<string, ReportQuote[]> {
  const refs = Object.prototype.hasOwnProperty.call(cube.quoteRefs, list) ? cube.quoteRefs[list]! : {};
  for (const [k, r] of Object.entries(refs)) {
    const p = pageKey(k);
    const list2 = topUp(Object.prototype.hasOwnProperty.call(kept, p) ? kept[p]! : [], r, cube, on);
    if (list2.length) kept[p] = list2;
  }
  return kept;
}
