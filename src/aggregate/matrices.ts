/**
 * Computing matrices in bounded streaming passes over the read model (store/aggregate-facts.ts):
 *
 * 1. one pass folds every segment in scope into per-cell counters (cells.ts) and keeps each cell's
 *    negative and emotion quote candidates (quotes.ts);
 * 2. with quotes, a second pass keeps the typical candidates, whose order needs the cell's mean
 *    sentiment from pass 1;
 * 3. the text of the candidates is read, quotes are picked; a list whose candidates were all
 *    near-duplicates is streamed again with 8x the room (rare), so the pick is the exact one.
 *
 * Memory is cells x (months + emotions + candidates), independent of the number of segments.
 */
import { matrixName, type MatrixSpec } from '../config/aggregate.js';
import type { Db } from '../store/db.js';
import {
  analysisKeysInScope,
  loadThemes,
  npsCountsInScope,
  segmentTexts,
  streamFacts,
  type CellRecord,
  type EmotionQuoteRecord,
  type QuoteRecord,
  type SegmentScope,
} from '../store/aggregate.js';
import { CellCounts, OverallCounts, type MatrixResult, type Overall, type Params } from './cells.js';
import { dimensionValues, needsAttributes, orderKeys, scopeOf, viewOf, type FactFilter, type FactView } from './facts.js';
import {
  Candidates,
  emotionCompare,
  negativeCompare,
  pickDistinct,
  typicalCompare,
  type Compare,
  type QuoteCandidate,
} from './quotes.js';
import { buildThemeIndex, type ThemeIndex } from './themes.js';

/** The theme index and overall totals of the data in scope. */
export interface Scope {
  index: ThemeIndex;
  overall: Overall;
  /** The analysis versions (analysis keys) behind the facts, sorted. */
  analysisKeys: string[];
}

interface MatrixState {
  spec: MatrixSpec;
  name: string;
  journey: boolean;
  cells: Map<string, CellCounts>;
}

type Visit = (state: MatrixState, cell: CellCounts, view: FactView, themeScore: number) => void;

function themeScoreFor(view: FactView, spec: MatrixSpec, row: string, col: string): number {
  if (spec.rows === 'theme') return view.themes.get(row) ?? 0;
  if (spec.cols === 'theme') return view.themes.get(col) ?? 0;
  let best = 0;
  for (const s of view.themes.values()) best = Math.max(best, s);
  return best;
}

interface Pass {
  db: Db;
  scope: SegmentScope;
  index: ThemeIndex;
  states: readonly MatrixState[];
  short: boolean;
}

/** One streaming pass: every (matrix, cell, segment) membership, once. `create` false visits existing cells only. */
function pass(p: Pass, visit: Visit, create: boolean, onView?: (v: FactView) => void): void {
  const attributes = needsAttributes(p.states.flatMap((s) => [s.spec.rows, s.spec.cols]));
  for (const fact of streamFacts(p.db, p.scope, { attributes, short: p.short })) {
    const view = viewOf(fact, p.index);
    onView?.(view);
    for (const state of p.states) {
      const rows = dimensionValues(view, state.spec.rows, p.index);
      const cols = dimensionValues(view, state.spec.cols, p.index);
      for (const row of rows) {
        for (const col of cols) {
          const key = `${row}\u0000${col}`;
          let cell = state.cells.get(key);
          if (!cell) {
            if (!create) continue;
            state.cells.set(key, (cell = new CellCounts(row, col)));
          }
          visit(state, cell, view, themeScoreFor(view, state.spec, row, col));
        }
      }
    }
  }
}

const EMOTION = 'emotion:';

function candidateOf(kind: string, v: FactView, themeScore: number): QuoteCandidate {
  const f = v.fact;
  return {
    segmentId: f.segmentId, documentId: f.documentId, charStart: f.charStart, charEnd: f.charEnd,
    sentimentScore: f.sentimentScore, pNegative: f.pNegative, short: f.short, themeScore,
    emotionScore: kind.startsWith(EMOTION) ? (f.emotionScores[kind.slice(EMOTION.length)] ?? 0) : 0,
  };
}

function qualifies(kind: string, v: FactView): boolean {
  if (kind === 'typical') return true;
  if (kind === 'negative') return v.fact.sentiment === 'negative';
  return v.fact.emotionScores[kind.slice(EMOTION.length)] !== undefined;
}

function pushTo(cell: CellCounts, kind: string, cmp: Compare<QuoteCandidate>, limit: number, v: FactView, themeScore: number): void {
  let list = cell.lists.get(kind);
  if (!list) cell.lists.set(kind, (list = new Candidates(limit, cmp)));
  list.push(candidateOf(kind, v, themeScore));
}

export interface ComputeOptions {
  /** Pick evidence quotes (stored aggregates); queries skip them. */
  quotes: boolean;
}

/** Every matrix of `specs` over the facts the filter selects, with the scope's totals. */
export function computeMatrices(
  db: Db,
  filter: FactFilter,
  params: Params,
  specs: readonly MatrixSpec[],
  options: ComputeOptions,
): { results: MatrixResult[]; scope: Scope } {
  const index = buildThemeIndex(loadThemes(db));
  const scope = scopeOf(filter, index);
  const perCell = options.quotes ? params.quotesPerCell : 0;
  const states: MatrixState[] = specs.map((spec) => ({
    spec,
    name: matrixName(spec),
    journey: spec.cols === 'all' && (spec.rows === 'stage' || spec.rows === 'touchpoint'),
    cells: new Map(),
  }));
  const p: Pass = { db, scope, index, states, short: perCell > 0 };
  const limit = 4 * perCell + 4;
  const totals = new OverallCounts();
  pass(
    p,
    (state, cell, view, themeScore) => {
      cell.add(view);
      if (perCell === 0) return;
      if (view.fact.sentiment === 'negative') pushTo(cell, 'negative', negativeCompare, limit, view, themeScore);
      if (state.journey) for (const e of view.fact.emotions) pushTo(cell, EMOTION + e, emotionCompare, limit, view, themeScore);
    },
    true,
    (view) => totals.add(view),
  );
  const overall = totals.overall(npsCountsInScope(db, scope));
  const ctx = { index, stageOrder: params.stageOrder };
  const records = new Map<CellCounts, CellRecord>();
  const ordered = states.map((state) => {
    const all = [...state.cells.values()];
    const rowKeys = orderKeys(state.spec.rows, all.map((c) => c.row), ctx);
    const colKeys = orderKeys(state.spec.cols, all.map((c) => c.col), ctx);
    const cells: CellCounts[] = [];
    for (const row of rowKeys) {
      for (const col of colKeys) {
        const cell = state.cells.get(`${row}\u0000${col}`);
        if (!cell) continue;
        cells.push(cell);
        records.set(cell, cell.record(state.name, overall, params));
      }
    }
    return { state, rowKeys, colKeys, cells };
  });
  const picks = perCell > 0 ? pickQuotes(p, records, limit, perCell) : new Map<CellCounts, Map<string, QuoteCandidate[]>>();
  const texts = segmentTexts(db, [...picks.values()].flatMap((m) => [...m.values()].flat().map((c) => c.segmentId)));
  const results = ordered.map(({ state, rowKeys, colKeys, cells }): MatrixResult => {
    const quotes: QuoteRecord[] = [];
    const emotionQuotes: EmotionQuoteRecord[] = [];
    for (const cell of cells) {
      const rec = records.get(cell)!;
      const base = (c: QuoteCandidate, rank: number) => ({
        matrix: rec.matrix, rowKey: rec.rowKey, colKey: rec.colKey, rank, segmentId: c.segmentId,
        documentId: c.documentId, charStart: c.charStart, charEnd: c.charEnd, text: texts.get(c.segmentId) ?? '',
        sentimentScore: c.sentimentScore,
      });
      const got = picks.get(cell);
      for (const kind of ['typical', 'negative'] as const) {
        (got?.get(kind) ?? []).forEach((c, i) => quotes.push({ ...base(c, i + 1), kind }));
      }
      if (state.journey) {
        for (const emotion of overall.emotions) {
          (got?.get(EMOTION + emotion) ?? []).forEach((c, i) =>
            emotionQuotes.push({ ...base(c, i + 1), emotion, emotionScore: c.emotionScore }),
          );
        }
      }
    }
    return { spec: state.spec, name: state.name, rowKeys, colKeys, cells: cells.map((c) => records.get(c)!), quotes, emotionQuotes };
  });
  return { results, scope: { index, overall, analysisKeys: analysisKeysInScope(db, scope) } };
}

/** Steps 2 and 3 of the module header: typical candidates, then exact picks from the candidate lists. */
function pickQuotes(
  p: Pass,
  records: ReadonlyMap<CellCounts, CellRecord>,
  limit: number,
  perCell: number,
): Map<CellCounts, Map<string, QuoteCandidate[]>> {
  const typical = new Map<CellCounts, Compare<QuoteCandidate>>();
  for (const [cell, rec] of records) typical.set(cell, typicalCompare(rec.meanSentiment));
  pass(p, (_s, cell, view, themeScore) => pushTo(cell, 'typical', typical.get(cell)!, limit, view, themeScore), false);
  const out = new Map<CellCounts, Map<string, QuoteCandidate[]>>();
  let open = [...records.keys()].flatMap((cell) => [...cell.lists.entries()].map(([kind, list]) => ({ cell, kind, list })));
  while (open.length) {
    const texts = segmentTexts(p.db, open.flatMap((o) => o.list.sorted().map((c) => c.segmentId)));
    const again: typeof open = [];
    for (const o of open) {
      const { picked, complete } = pickDistinct(o.list.sorted(), perCell, texts, o.list.truncated);
      if (complete) {
        let m = out.get(o.cell);
        if (!m) out.set(o.cell, (m = new Map()));
        m.set(o.kind, picked);
      } else again.push({ ...o, list: new Candidates(o.list.limit * 8, o.list.cmp) });
    }
    open = again;
    if (!open.length) break;
    const wanted = new Map<CellCounts, typeof open>();
    for (const o of open) wanted.set(o.cell, [...(wanted.get(o.cell) ?? []), o]);
    pass(
      p,
      (_s, cell, view, themeScore) => {
        for (const o of wanted.get(cell) ?? []) if (qualifies(o.kind, view)) o.list.push(candidateOf(o.kind, view, themeScore));
      },
      false,
    );
  }
  return out;
}
