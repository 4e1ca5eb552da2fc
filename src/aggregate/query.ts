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
import { scopeOf, themeAndDescendants, viewOf, type FactFilter } from './facts.js';
import { computeMatrices } from './matrices.js';
import { storedMatrices } from './pipeline.js';
import { isUnfiltered, storedMatrix } from './stored.js';
import { Candidates, pickDistinct, type Compare } from './quotes.js';
import { buildThemeIndex, themeLabel, UNASSIGNED } from './themes.js';
import { canonicalEmotion, emotionSet } from './emotions.js';

export const THEME_SORTS = ['pain', 'mentions', 'negative_share', 'sentiment', 'trend'] as const;
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

function sortValue(c: CellRecord, sort: ThemeSort): number {
  switch (sort) {
    case 'pain':
      return c.painIndex;
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
  const stored = isUnfiltered(opts) ? storedMatrix(db, spec, params, storedMatrices(params)) : null;
  const { results, scope } = stored ? { results: [stored], scope: stored.scope } : computeMatrices(db, opts, params, [spec], { quotes: false });
  const result = results[0]!;
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
    .sort((a, b) => sortValue(b, opts.sort) - sortValue(a, opts.sort) || (a.theme < b.theme ? -1 : 1))
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

/** A candidate quote: the fact (no text) and its order keys. */
interface Found {
  fact: SegmentFact;
  segmentId: number;
  documentId: number;
  themeScore: number;
  short: boolean;
}

function orderFor(q: QuoteQuery): Compare<Found> {
  const bySeg = (a: Found, b: Found): number => a.segmentId - b.segmentId;
  if (q.emotion !== undefined) {
    const e = q.emotion;
    return (a, b) => (b.fact.emotionScores[e] ?? 0) - (a.fact.emotionScores[e] ?? 0) || bySeg(a, b);
  }
  if (q.sentiment === 'negative') {
    return (a, b) =>
      Number(a.short) - Number(b.short) ||
      a.fact.sentimentScore - b.fact.sentimentScore ||
      b.fact.pNegative - a.fact.pNegative ||
      bySeg(a, b);
  }
  if (q.sentiment === 'positive') return (a, b) => b.fact.sentimentScore - a.fact.sentimentScore || bySeg(a, b);
  return (a, b) => b.themeScore - a.themeScore || bySeg(a, b);
}

/**
 * Evidence quotes: negative ones most negative first, positive ones most positive first, otherwise
 * most confidently about the theme first. One quote per document until every document has one.
 * Every filter is pushed into SQL; the stream keeps the best few candidates (no text), and text is
 * read only for them (see quotes.ts for why the pick is exact).
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
  const cmp = orderFor(q);
  let limit = 4 * q.limit + 4;
  for (;;) {
    const list = new Candidates<Found>(limit, cmp);
    for (const fact of streamFacts(db, narrowed, { short: q.sentiment === 'negative' && q.emotion === undefined })) {
      const view = viewOf(fact, index);
      const themeScore = q.theme ? (view.themes.get(q.theme) ?? 0) : Math.max(0, ...view.themes.values());
      list.push({ fact, segmentId: fact.segmentId, documentId: fact.documentId, themeScore, short: fact.short });
    }
    const sorted = list.sorted();
    const texts = segmentTexts(db, sorted.map((c) => c.segmentId));
    const { picked, complete } = pickDistinct(sorted, q.limit, texts, list.truncated);
    if (!complete) {
      limit *= 8;
      continue;
    }
    return picked.map(({ fact: f }) => ({
      segmentId: f.segmentId, documentId: f.documentId, externalId: f.externalId, source: f.sourceName, kind: f.kind,
      locator: f.locator, createdAt: f.createdAt, charStart: f.charStart, charEnd: f.charEnd, stage: f.stage,
      touchpoint: f.touchpoint, themes: f.themes.map((t) => t.themeId), sentiment: f.sentiment,
      sentimentScore: f.sentimentScore, score: f.score, scoreScale: f.scoreScale, emotions: f.emotions,
      text: texts.get(f.segmentId) ?? '',
    }));
  }
}
