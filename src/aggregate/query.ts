/**
 * Researcher queries over the analysed segments, computed on the fly with the same code as the
 * stored aggregate: theme rankings for a stage and evidence quotes with their provenance.
 */
import type { AggregateConfig } from '../config/aggregate.js';
import type { Db } from '../store/db.js';
import type { CellRecord } from '../store/aggregate.js';
import { UserError } from '../util/errors.js';
import { computeMatrix } from './cells.js';
import type { FactFilter, FactView } from './facts.js';
import { loadScope } from './pipeline.js';
import { pickDistinct, negativeOrder } from './quotes.js';
import { themeLabel, UNASSIGNED } from './themes.js';
import { canonicalEmotion } from './emotions.js';

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
  const scope = loadScope(db, opts);
  const rows = opts.stage === undefined ? 'all' : 'stage';
  const result = computeMatrix(scope.views, { rows, cols: 'theme' }, scope.index, scope.overall, params);
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

function matches(v: FactView, q: QuoteQuery): boolean {
  const f = v.fact;
  if (q.stage !== undefined && f.stage !== q.stage) return false;
  if (q.touchpoint !== undefined && f.touchpoint !== q.touchpoint) return false;
  if (q.sentiment !== 'any' && f.sentiment !== q.sentiment) return false;
  if (q.emotion !== undefined && !f.emotions.includes(q.emotion)) return false;
  if (q.theme === undefined) return true;
  return q.theme === UNASSIGNED ? v.themes.size === 0 : v.themes.has(q.theme);
}

/**
 * Evidence quotes: negative ones most negative first, positive ones most positive first, otherwise
 * most confidently about the theme first. One quote per document until every document has one.
 */
export function findQuotes(db: Db, query: QuoteQuery): QuoteResult[] {
  const q = query.emotion === undefined ? query : { ...query, emotion: canonicalEmotion(query.emotion) };
  const scope = loadScope(db, q);
  if (q.emotion !== undefined) {
    const known = scope.overall.emotions;
    if (!known.includes(q.emotion)) throw new UserError(`Unknown emotion "${q.emotion}"; known: ${known.join(', ')}`);
  }
  if (q.theme !== undefined && q.theme !== UNASSIGNED && !scope.index.labelOf.has(q.theme)) {
    const used = scope.views.some((v) => v.themes.has(q.theme!));
    if (!used) throw new UserError(`Unknown theme "${q.theme}". See \`voc themes\` for the themes in use.`);
  }
  const members = scope.views
    .filter((v) => matches(v, q))
    .map((view) => ({ view, themeScore: q.theme ? (view.themes.get(q.theme) ?? 0) : Math.max(0, ...view.themes.values()) }));
  let ordered;
  if (q.emotion !== undefined) {
    const e = q.emotion;
    const score = (m: (typeof members)[number]): number => m.view.fact.emotionScores[e] ?? 0;
    ordered = [...members].sort((a, b) => score(b) - score(a) || a.view.fact.segmentId - b.view.fact.segmentId);
  } else if (q.sentiment === 'negative') ordered = negativeOrder(members);
  else if (q.sentiment === 'positive') {
    ordered = [...members].sort((a, b) => b.view.fact.sentimentScore - a.view.fact.sentimentScore || a.view.fact.segmentId - b.view.fact.segmentId);
  } else {
    ordered = [...members].sort((a, b) => b.themeScore - a.themeScore || a.view.fact.segmentId - b.view.fact.segmentId);
  }
  return pickDistinct(ordered, q.limit).map(({ view }) => {
    const f = view.fact;
    return {
      segmentId: f.segmentId, documentId: f.documentId, externalId: f.externalId, source: f.sourceName, kind: f.kind,
      locator: f.locator, createdAt: f.createdAt, charStart: f.charStart, charEnd: f.charEnd, stage: f.stage,
      touchpoint: f.touchpoint, themes: f.themes.map((t) => t.themeId), sentiment: f.sentiment,
      sentimentScore: f.sentimentScore, score: f.score, scoreScale: f.scoreScale, emotions: f.emotions, text: f.text,
    };
  });
}
