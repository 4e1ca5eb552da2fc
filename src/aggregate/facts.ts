/**
 * Segment facts prepared for aggregation: themes rolled up, month derived, and the dimension
 * values each fact falls into. Filters (`--where`, `--since`, query flags) are resolved here into
 * the SQL conditions of the read model (store/aggregate-facts.ts), so stored cells and ad-hoc
 * heatmaps select exactly the same segments.
 */
import { UNKNOWN, type Condition, type SegmentFact, type SegmentScope } from '../store/aggregate.js';
import type { Dimension } from '../config/aggregate.js';
import { UserError } from '../util/errors.js';
import { ancestors, rollupThemes, rootOf, themeLabel, humanise, UNASSIGNED, type ThemeIndex } from './themes.js';

export { UNKNOWN };

/** A segment's place in one cell. */
export interface Member {
  view: FactView;
  /** Theme confidence for this cell: the cell's theme score, else the segment's best theme. */
  themeScore: number;
}

/** A fact with its rolled-up themes (theme id -> score) and month. */
export interface FactView {
  fact: SegmentFact;
  themes: ReadonlyMap<string, number>;
  month: string | null;
}

export function viewOf(fact: SegmentFact, index: ThemeIndex): FactView {
  return { fact, themes: rollupThemes(fact.themes, index), month: monthOf(fact.createdAt) };
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
    default:
      return [f.attributes[dim.slice('attr:'.length)] ?? UNKNOWN];
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

/** The theme ids whose rollup includes `theme`: itself and every descendant. */
export function themeAndDescendants(theme: string, index: ThemeIndex): string[] {
  const out = [theme];
  for (const id of index.parentOf.keys()) if (id !== theme && ancestors(id, index).includes(theme)) out.push(id);
  return out;
}

/** A `--where field=value` as a SQL condition of the read model. */
function whereCondition(field: string, value: string, index: ThemeIndex): Condition {
  const dim = whereDimension(field);
  if (dim === 'theme') return { field: 'theme', themeIds: themeAndDescendants(value, index), orUntagged: value === UNASSIGNED };
  if (dim.startsWith('attr:')) return { field: 'attr', name: dim.slice(5), value };
  return { field: dim as Exclude<Condition['field'], 'attr' | 'theme' | 'emotion' | 'segments'>, value };
}

/** The segments a filter selects, as conditions pushed into SQL. */
export function scopeOf(filter: FactFilter, index: ThemeIndex, extra: readonly Condition[] = []): SegmentScope {
  return {
    since: filter.since,
    until: filter.until,
    conditions: [...Object.entries(filter.where ?? {}).map(([field, value]) => whereCondition(field, value, index)), ...extra],
  };
}

/** Whether any dimension or filter needs document attributes (parsed per row only then). */
export function needsAttributes(dims: readonly Dimension[]): boolean {
  return dims.some((d) => d.startsWith('attr:'));
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
