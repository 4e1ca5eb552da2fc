/**
 * The theme hierarchy: rollup of child themes to their parents and a stable display order.
 * A segment tagged with a child theme counts once for every ancestor (never twice for a parent
 * that two of its children share).
 */
import type { ThemeRow } from '../store/aggregate.js';

export const UNASSIGNED = 'unassigned';

export interface ThemeIndex {
  parentOf: ReadonlyMap<string, string | null>;
  labelOf: ReadonlyMap<string, string>;
  /** Depth-first order: each parent followed by its children, siblings by id. */
  order: readonly string[];
  depthOf: ReadonlyMap<string, number>;
}

export function buildThemeIndex(rows: readonly ThemeRow[]): ThemeIndex {
  const parentOf = new Map<string, string | null>();
  const labelOf = new Map<string, string>();
  for (const r of rows) {
    parentOf.set(r.theme_id, r.parent_id);
    labelOf.set(r.theme_id, r.label);
  }
  const children = new Map<string | null, string[]>();
  for (const [id, parent] of parentOf) {
    // A parent id missing from the table makes the child a root rather than vanishing.
    const key = parent !== null && parentOf.has(parent) ? parent : null;
    const list = children.get(key) ?? [];
    list.push(id);
    children.set(key, list);
  }
  const order: string[] = [];
  const depthOf = new Map<string, number>();
  const visit = (id: string, depth: number): void => {
    if (depthOf.has(id)) return; // cycle guard
    depthOf.set(id, depth);
    order.push(id);
    for (const c of [...(children.get(id) ?? [])].sort()) visit(c, depth + 1);
  };
  for (const root of [...(children.get(null) ?? [])].sort()) visit(root, 0);
  // Anything only reachable through a cycle still gets listed.
  for (const id of [...parentOf.keys()].sort()) visit(id, 0);
  return { parentOf, labelOf, order, depthOf };
}

const ancestorCache = new WeakMap<ThemeIndex, Map<string, readonly string[]>>();

/** Ancestors of a theme, nearest first, excluding itself (memoised per index: rollup asks per segment). */
export function ancestors(id: string, index: ThemeIndex): string[] {
  let cache = ancestorCache.get(index);
  if (!cache) ancestorCache.set(index, (cache = new Map()));
  let list = cache.get(id);
  if (!list) cache.set(id, (list = walkAncestors(id, index)));
  return [...list];
}

function walkAncestors(id: string, index: ThemeIndex): string[] {
  const out: string[] = [];
  const seen = new Set<string>([id]);
  let cur = index.parentOf.get(id) ?? null;
  while (cur !== null && !seen.has(cur)) {
    out.push(cur);
    seen.add(cur);
    cur = index.parentOf.get(cur) ?? null;
  }
  return out;
}

/** The top-level ancestor (the theme itself when it has no parent). */
export function rootOf(id: string, index: ThemeIndex): string {
  const a = ancestors(id, index);
  return a.length ? a[a.length - 1]! : id;
}

/**
 * Tagged themes plus all their ancestors, each once. An ancestor's score is the best score of
 * the tags under it, so "how sure are we this segment is about Billing" is its most confident child.
 */
export function rollupThemes(tagged: readonly { themeId: string; score: number }[], index: ThemeIndex): Map<string, number> {
  const out = new Map<string, number>();
  const put = (id: string, score: number): void => {
    const prev = out.get(id);
    if (prev === undefined || score > prev) out.set(id, score);
  };
  for (const t of tagged) {
    put(t.themeId, t.score);
    for (const a of ancestors(t.themeId, index)) put(a, t.score);
  }
  return out;
}

export function themeLabel(id: string, index: ThemeIndex): string {
  if (id === UNASSIGNED) return 'Unassigned';
  return index.labelOf.get(id) ?? humanise(id);
}

export function humanise(id: string): string {
  const s = id.replace(/[-_]+/g, ' ').trim();
  return s.length ? s[0]!.toUpperCase() + s.slice(1) : id;
}
