/**
 * Researcher queries over the analysed segments, computed on the fly with the same code as the
 * stored aggregate: theme rankings for a stage and evidence quotes with their provenance.
 */
import type { AggregateConfig } from '../config/aggregate.js';
import type { Db } from '../store/db.js';
import {
  anyInScope,
  emotionsInScope,
  loadThemes,
  segmentTexts,
  streamFacts,
  type CellRecord,
  type Condition,
  type SegmentFact,
} from '../store/aggregate.js';
import { UserError } from '../util/errors.js';
import { orderedSegments, type QuoteOrder } from '../store/aggregate-quotes.js';
import { scopeOf, themeAndDescendants, type FactFilter } from './facts.js';
import { queryMatrix } from './pipeline.js';
import { pickDistinct } from './quotes.js';
import { buildThemeIndex, themeLabel, UNASSIGNED, type ThemeIndex } from './themes.js';
import { canonicalEmotion, emotionSet } from './emotions.js';

export const THEME_SORTS = ['pain', 'neg_per_100', 'mentions', 'negative_share', 'sentiment', 'trend'] as const;
export type ThemeSort = (typeof THEME_SORTS)[number];

export interface ThemeRank extends CellRecord {
  theme: string;
  label: string;
  parent: string | null;
  parentLabel: string | null;
}

export interface RankThemesOptions extends FactFilter {
  stage?: string | undefined;
  sort: ThemeSort;
  limit: number;
  includeUnassigned?: boolean;
}

/**
 * `neg_per_100` is the report's measure (`CellRecord.negPer100`, computed once in aggregate/cells.ts:
 * documents with a negative mention in the cell per 100 documents in scope), ties broken by the pain
 * index as the report's cards do (report/data.ts), so `voc themes --sort neg_per_100 --stage S`
 * lists a stage's themes in the order of the report's cards.
 */
function sortValue(c: CellRecord, sort: ThemeSort): number {
  switch (sort) {
    case 'pain':
      return c.painIndex;
    case 'neg_per_100':
      return c.negPer100;
    case 'mentions':
      return c.mentions;
    case 'negative_share':
      return c.negativeShare;
    case 'sentiment':
      return -c.meanSentiment; // most negative first
    case 'trend':
      return c.zScore ?? Number.NEGATIVE_INFINITY;
  }
}

/** Themes ranked for one stage (or across all stages), worst first by the chosen measure. */
export function rankThemes(db: Db, opts: RankThemesOptions, params: AggregateConfig): ThemeRank[] {
  const rows = opts.stage === undefined ? 'all' : 'stage';
  const spec = { rows, cols: 'theme' } as const;
  const { scope, ...result } = queryMatrix(db, spec, opts, params);
  const rowKey = opts.stage ?? 'all';
  if (opts.stage !== undefined && !result.rowKeys.includes(opts.stage)) {
    const known = result.rowKeys.join(', ') || 'none';
    throw new UserError(`No analysed segments for stage "${opts.stage}". Stages with data: ${known}`);
  }
  return result.cells
    .filter((c) => c.rowKey === rowKey && (opts.includeUnassigned || c.colKey !== UNASSIGNED))
    .map((c) => {
      const parent = scope.index.parentOf.get(c.colKey) ?? null;
      const parentLabel = parent === null ? null : themeLabel(parent, scope.index);
      return { ...c, theme: c.colKey, label: themeLabel(c.colKey, scope.index), parent, parentLabel };
    })
    .sort((a, b) => sortValue(b, opts.sort) - sortValue(a, opts.sort) || (opts.sort === 'neg_per_100' ? b.painIndex - a.painIndex : 0) || (a.theme < b.theme ? -1 : 1))
    .slice(0, opts.limit);
}

export interface QuoteQuery extends FactFilter {
  theme?: string | undefined;
  stage?: string | undefined;
  touchpoint?: string | undefined;
  /** Only segments showing this emotion (id or short name: frustration, joy), strongest first. */
  emotion?: string | undefined;
  sentiment: 'negative' | 'neutral' | 'positive' | 'any';
  limit: number;
}

export interface QuoteResult {
  segmentId: number;
  documentId: number;
  externalId: string | null;
  source: string;
  kind: string;
  locator: string;
  createdAt: string | null;
  charStart: number;
  charEnd: number;
  stage: string;
  touchpoint: string;
  themes: string[];
  sentiment: string;
  sentimentScore: number;
  score: number | null;
  scoreScale: string | null;
  emotions: string[];
  text: string;
}

/** How `voc quotes` orders its scope (store/aggregate-quotes.ts). */
function orderFor(q: QuoteQuery, index: ThemeIndex): QuoteOrder {
  if (q.emotion !== undefined) return { by: 'emotion', emotion: q.emotion };
  if (q.sentiment === 'negative') return { by: 'negative' };
  if (q.sentiment === 'positive') return { by: 'positive' };
  return { by: 'theme', themeIds: q.theme ? themeAndDescendants(q.theme, index) : null };
}

/**
 * Evidence quotes: negative ones most negative first, positive ones most positive first, otherwise
 * most confidently about the theme first. One quote per document until every document has one.
 * Every filter is pushed into SQL and SQLite returns the first few segments in that order
 * (store/aggregate-quotes.ts, ORDER BY ... LIMIT); text is read only for them, and the list is
 * asked again with 8x the room when near-duplicates leave it short (see quotes.ts for why the pick
 * is exact).
 */
export function findQuotes(db: Db, query: QuoteQuery): QuoteResult[] {
  const q = query.emotion === undefined ? query : { ...query, emotion: canonicalEmotion(query.emotion) };
  const index = buildThemeIndex(loadThemes(db));
  const scope = scopeOf(q, index);
  if (q.emotion !== undefined) {
    const known = emotionSet(emotionsInScope(db, scope));
    if (!known.includes(q.emotion)) throw new UserError(`Unknown emotion "${q.emotion}"; known: ${known.join(', ')}`);
  }
  const extra: Condition[] = [];
  if (q.theme !== undefined) {
    const theme: Condition =
      q.theme === UNASSIGNED
        ? { field: 'theme', themeIds: [], orUntagged: true }
        : { field: 'theme', themeIds: themeAndDescendants(q.theme, index), orUntagged: false };
    if (q.theme !== UNASSIGNED && !index.labelOf.has(q.theme) && !anyInScope(db, { ...scope, conditions: [...scope.conditions, theme] })) {
      throw new UserError(`Unknown theme "${q.theme}". See \`voc themes\` for the themes in use.`);
    }
    extra.push(theme);
  }
  if (q.stage !== undefined) extra.push({ field: 'stage', value: q.stage });
  if (q.touchpoint !== undefined) extra.push({ field: 'touchpoint', value: q.touchpoint });
  if (q.sentiment !== 'any') extra.push({ field: 'sentiment', value: q.sentiment });
  if (q.emotion !== undefined) extra.push({ field: 'emotion', emotion: q.emotion });
  const narrowed = scopeOf(q, index, extra);
  const order = orderFor(q, index);
  let limit = 4 * q.limit + 4;
  for (;;) {
    const { rows, truncated } = orderedSegments(db, narrowed, order, limit);
    const texts = segmentTexts(db, rows.map((c) => c.segment_id));
    const sorted = rows.map((r) => ({ segmentId: r.segment_id, documentId: r.document_id }));
    const { picked, complete } = pickDistinct(sorted, q.limit, texts, truncated);
    if (!complete) {
      limit *= 8;
      continue;
    }
    const facts = new Map<number, SegmentFact>();
    const ids = picked.map((p) => p.segmentId);
    for (const f of streamFacts(db, { conditions: [{ field: 'segments', ids }] })) facts.set(f.segmentId, f);
    return ids.map((id) => {
      const f = facts.get(id)!;
      return {
        segmentId: f.segmentId, documentId: f.documentId, externalId: f.externalId, source: f.sourceName, kind: f.kind,
        locator: f.locator, createdAt: f.createdAt, charStart: f.charStart, charEnd: f.charEnd, stage: f.stage,
        touchpoint: f.touchpoint, themes: f.themes.map((t) => t.themeId), sentiment: f.sentiment,
        sentimentScore: f.sentimentScore, score: f.score, scoreScale: f.scoreScale, emotions: f.emotions,
        text: texts.get(f.segmentId) ?? '',
      };
    });
  }
}
