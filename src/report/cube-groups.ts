/**
 * Which aggregated attributes the report's filter cube can split its groups by. A group is one
 * combination of source, kind, month and the attributes (cube.ts), so the cube, and the page that
 * embeds it, grow with the product of their distinct values: two attributes of 3 and 4 values
 * made 1,080 groups and a 30 MB page at 100k segments, 1.7 GB of memory at 1M. The cube keeps the
 * attributes, in configured order, whose addition keeps the groups within `maxGroups`; the others
 * are left out of the page's filter bar (the page says so, and the CLI still filters by them:
 * `voc heatmap --where <name>=<value>`). Their attr x stage matrices stay on the page.
 *
 * Groups are counted over every document before the cube is built, in passes over the documents
 * (one when everything fits or only a tail is left out; at most one more per attribute kept after
 * the first left out), each holding at most `maxGroups` + 1 keys per candidate: memory is bounded
 * by the budget, not by the documents.
 */
import { monthOf, UNKNOWN } from '../aggregate/facts.js';
import { REPORT_FILTER_GROUPS } from '../config/aggregate.js';
import { attributeOf } from '../store/aggregate.js';
import type { Db } from '../store/db.js';
import { streamGroupDocuments, type GroupDocument } from '../store/report-nps.js';

export interface CubeAttributes {
  /** The attributes the groups are split by, in configured order. */
  kept: string[];
  /** The ones left out, each with the groups it would have made (a lower bound when over the budget). */
  omitted: { name: string; groups: number }[];
}

const SEP = '\u0000';

function baseKey(d: GroupDocument): string {
  return d.sourceName + SEP + d.kind + SEP + (monthOf(d.createdAt) ?? UNKNOWN);
}

/**
 * Per candidate attribute: the number of groups of (source, kind, month, `kept`, candidate), each
 * counted up to `limit` + 1 (more is "over the budget").
 */
function countGroups(db: Db, kept: readonly string[], candidates: readonly string[], limit: number): number[] {
  const sets = candidates.map(() => new Set<string>());
  for (const d of streamGroupDocuments(db)) {
    let key = baseKey(d);
    for (const a of kept) key += SEP + attributeOf(d.attributes, a);
    sets.forEach((set, i) => {
      if (set.size > limit) return;
      set.add(key + SEP + attributeOf(d.attributes, candidates[i]!));
    });
  }
  return sets.map((s) => s.size);
}

/** Per prefix of `names` (1, 2, ... attributes): the groups of (source, kind, month, prefix), each counted up to `limit` + 1. */
function countPrefixes(db: Db, names: readonly string[], limit: number): number[] {
  const sets = names.map(() => new Set<string>());
  for (const d of streamGroupDocuments(db)) {
    let key = baseKey(d);
    for (let k = 0; k < names.length; k++) {
      key += SEP + attributeOf(d.attributes, names[k]!);
      if (sets[k]!.size <= limit) sets[k]!.add(key);
    }
  }
  return sets.map((s) => s.size);
}

/** The attributes of `configured` the cube splits its groups by, within `maxGroups`. */
export function cubeAttributes(db: Db, configured: readonly string[], maxGroups = REPORT_FILTER_GROUPS): CubeAttributes {
  if (!configured.length) return { kept: [], omitted: [] };
  // One pass: the longest prefix of the configured attributes that fits (usually all of them).
  const prefixes = countPrefixes(db, configured, maxGroups);
  const fit = prefixes.findIndex((n) => n > maxGroups);
  if (fit < 0) return { kept: [...configured], omitted: [] };
  const kept = configured.slice(0, fit);
  const omitted: CubeAttributes['omitted'] = [{ name: configured[fit]!, groups: prefixes[fit]! }];
  // After it, greedily in configured order (one more pass per attribute kept): an attribute is kept when the groups with it still fit.
  let left = configured.slice(fit + 1);
  while (left.length) {
    const counts = countGroups(db, kept, left, maxGroups);
    const at = counts.findIndex((n) => n <= maxGroups);
    // Attributes before the first one that fits are left out: they made too many groups with `kept` (which only grows).
    const upTo = at < 0 ? left.length : at;
    for (let i = 0; i < upTo; i++) omitted.push({ name: left[i]!, groups: counts[i]! });
    if (at < 0) break;
    kept.push(left[at]!);
    left = left.slice(at + 1);
  }
  return { kept, omitted };
}
