/**
 * Segment facts prepared for aggregation: themes rolled up, month derived, and the dimension
 * values each fact falls into. Filters for on-the-fly queries live here too, so stored cells and
 * ad-hoc heatmaps go through exactly the same code.
 */
import type { NpsDocument, SegmentFact } from '../store/aggregate.js';
import type { Dimension } from '../config/aggregate.js';
import { UserError } from '../util/errors.js';
import { rollupThemes, rootOf, themeLabel, humanise, UNASSIGNED, type ThemeIndex } from './themes.js';

export const UNKNOWN = 'unknown';

/** A fact with its rolled-up themes (theme id -> score) and month. */
/** A segment's place in one cell. */
export interface Member {
  view: FactView;
  /** Theme confidence for this cell: the cell's theme score, else the segment's best theme. */
  themeScore: number;
}

export interface FactView {
  fact: SegmentFact;
  themes: ReadonlyMap<string, number>;
  month: string | null;
}

export function prepareFacts(facts: readonly SegmentFact[], index: ThemeIndex): FactView[] {
  return facts.map((fact) => ({
    fact,
    themes: rollupThemes(fact.themes, index),
    month: monthOf(fact.createdAt),
  }));
}

/** YYYY-MM of an ISO date, or null when the date is missing or not ISO-like. */
export function monthOf(createdAt: string | null): string | null {
  if (createdAt === null || !/^\d{4}-\d{2}/.test(createdAt)) return null;
  return createdAt.slice(0, 7);
}

/** The keys a fact falls into on a dimension (several for themes: a segment can have many). */
export function dimensionValues(view: FactView, dim: Dimension, index: ThemeIndex): string[] {
  const f = view.fact;
  switch (dim) {
    case 'stage':
      return [f.stage];
    case 'touchpoint':
      return [f.touchpoint];
    case 'theme':
      return view.themes.size ? [...view.themes.keys()] : [UNASSIGNED];
    case 'parent_theme':
      return f.themes.length ? [...new Set(f.themes.map((t) => rootOf(t.themeId, index)))] : [UNASSIGNED];
    case 'channel':
      return [f.channel ?? UNKNOWN];
    case 'kind':
      return [f.kind];
    case 'source':
      return [f.sourceName];
    case 'month':
      return [view.month ?? UNKNOWN];
    case 'sentiment':
      return [f.sentiment];
    case 'all':
      return ['all'];
    default: {
      const v = f.attributes[dim.slice('attr:'.length)];
      return [v === undefined || v === null || v === '' ? UNKNOWN : String(v)];
    }
  }
}

/** A stage id's position in a typical customer journey; unknown ids sort after, by name. */
export const DEFAULT_STAGE_ORDER = [
  'awareness',
  'consideration',
  'evaluation',
  'purchase',
  'checkout',
  'onboarding',
  'onboarding-delivery',
  'delivery',
  'usage',
  'use',
  'support',
  'service',
  'retention',
  'renewal',
  'churn',
  'advocacy',
  'loyalty',
];

export interface OrderContext {
  index: ThemeIndex;
  stageOrder: readonly string[];
}

/** Display order of keys on a dimension: journey order for stages, hierarchy for themes. */
export function orderKeys(dim: Dimension, keys: Iterable<string>, ctx: OrderContext): string[] {
  const list = [...new Set(keys)];
  const last = (k: string): number => (k === UNKNOWN || k === UNASSIGNED ? 1 : 0);
  let rank: (k: string) => number = () => 0;
  if (dim === 'stage') {
    const order = [...ctx.stageOrder, ...DEFAULT_STAGE_ORDER];
    rank = (k) => {
      const i = order.indexOf(k);
      return i < 0 ? order.length : i;
    };
  } else if (dim === 'theme' || dim === 'parent_theme') {
    rank = (k) => {
      const i = ctx.index.order.indexOf(k);
      return i < 0 ? ctx.index.order.length : i;
    };
  }
  return list.sort((a, b) => last(a) - last(b) || rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** A human label for a key on a dimension. */
export function keyLabel(dim: Dimension, key: string, index: ThemeIndex): string {
  if (dim === 'theme' || dim === 'parent_theme') return themeLabel(key, index);
  if (dim === 'month' || dim.startsWith('attr:') || dim === 'source') return key;
  return humanise(key);
}

/* ----------------------------------------------------------------------------------------------
 * Filters
 * -------------------------------------------------------------------------------------------- */

export interface FactFilter {
  since?: string | undefined;
  until?: string | undefined;
  /** field -> value: stage, touchpoint, theme, channel, kind, source, sentiment, month, or an attribute. */
  where?: Readonly<Record<string, string>>;
}

const WHERE_FIELDS: Readonly<Record<string, Dimension>> = {
  stage: 'stage',
  touchpoint: 'touchpoint',
  theme: 'theme',
  channel: 'channel',
  kind: 'kind',
  source: 'source',
  sentiment: 'sentiment',
  month: 'month',
};

function whereDimension(field: string): Dimension {
  const builtin = WHERE_FIELDS[field];
  if (builtin) return builtin;
  const name = field.startsWith('attr:') ? field.slice(5) : field;
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new UserError(`--where: "${field}" is not a field or attribute name`);
  return `attr:${name}`;
}

/** Compares an ISO date's prefix with YYYY-MM or YYYY-MM-DD bounds (both inclusive). */
function inDateRange(createdAt: string | null, since?: string, until?: string): boolean {
  if (!since && !until) return true;
  if (createdAt === null) return false;
  if (since && createdAt.slice(0, since.length) < since) return false;
  if (until && createdAt.slice(0, until.length) > until) return false;
  return true;
}

export function applyFilter(views: readonly FactView[], filter: FactFilter, index: ThemeIndex): FactView[] {
  const where = Object.entries(filter.where ?? {}).map(([field, value]) => ({ dim: whereDimension(field), value }));
  return views.filter(
    (v) =>
      inDateRange(v.fact.createdAt, filter.since, filter.until) &&
      where.every((w) => dimensionValues(v, w.dim, index).includes(w.value)),
  );
}

/** Parses repeated `--where key=value` flags. */
export function parseWhere(pairs: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UserError(`--where expects field=value, got "${p}"`);
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

/**
 * The same filter applied to a document on its own: dates and document fields (kind, source,
 * channel, month, attributes). Segment-level fields (stage, touchpoint, theme, sentiment) do not
 * narrow the documents, so overall NPS stays the NPS of all respondents in the period and segment.
 */
export function documentMatches(doc: NpsDocument, filter: FactFilter): boolean {
  if (!inDateRange(doc.createdAt, filter.since, filter.until)) return false;
  return Object.entries(filter.where ?? {}).every(([field, value]) => {
    const dim = whereDimension(field);
    if (dim === 'kind') return doc.kind === value;
    if (dim === 'source') return doc.sourceName === value;
    if (dim === 'channel') return (doc.channel ?? UNKNOWN) === value;
    if (dim === 'month') return (monthOf(doc.createdAt) ?? UNKNOWN) === value;
    if (dim.startsWith('attr:')) {
      const v = doc.attributes[dim.slice(5)];
      return (v === undefined || v === null || v === '' ? UNKNOWN : typeof v === 'object' ? JSON.stringify(v) : String(v)) === value;
    }
    return true;
  });
}
