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
  loadThemes,
  npsCountsInScope,
  segmentTexts,
  type CellRecord,
  type EmotionQuoteRecord,
  type QuoteRecord,
} from '../store/aggregate.js';
import { CellCounts, OverallCounts, type MatrixResult, type Overall, type Params } from './cells.js';
import { needsAttributes, orderKeys, scopeOf, type FactFilter } from './facts.js';
import { blockSource, streamSource, type FactSource, type SegmentAccess } from './sources.js';
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
  /** The same cells by row, then column: no key string per membership. */
  grid: Map<string, Map<string, CellCounts>>;
}

type Visit = (state: MatrixState, cell: CellCounts, seg: SegmentAccess, themeScore: number) => void;

function themeScoreFor(seg: SegmentAccess, spec: MatrixSpec, row: string, col: string): number {
  if (spec.rows === 'theme') return seg.themeScore(row) ?? 0;
  if (spec.cols === 'theme') return seg.themeScore(col) ?? 0;
  return seg.bestThemeScore();
}

interface Pass {
  db: Db;
  source: FactSource;
  states: readonly MatrixState[];
}

function cellIn(state: MatrixState, row: string, col: string, create: boolean): CellCounts | undefined {
  let cols = state.grid.get(row);
  if (!cols) {
    if (!create) return undefined;
    state.grid.set(row, (cols = new Map()));
  }
  let cell = cols.get(col);
  if (!cell && create) {
    cols.set(col, (cell = new CellCounts(row, col)));
    state.cells.set(`${row}\u0000${col}`, cell);
  }
  return cell;
}

/** One pass over the source: every (matrix, cell, segment) membership, once. `create` false visits existing cells only. */
function pass(p: Pass, visit: Visit, create: boolean, onSegment?: (seg: SegmentAccess) => void): void {
  p.source.forEach((seg) => {
    onSegment?.(seg);
    for (const state of p.states) {
      const rows = seg.values(state.spec.rows);
      const cols = seg.values(state.spec.cols);
      for (const row of rows) {
        for (const col of cols) {
          const cell = cellIn(state, row, col, create);
          if (cell) visit(state, cell, seg, themeScoreFor(seg, state.spec, row, col));
        }
      }
    }
  });
}

const EMOTION = 'emotion:';
/** List kinds of the emotion lists, one string per emotion (a concatenation per membership would be hashed afresh each time). */
const emotionKinds = new Map<string, string>();
function emotionKind(emotion: string): string {
  let kind = emotionKinds.get(emotion);
  if (kind === undefined) {
    kind = EMOTION + emotion;
    if (emotionKinds.size < 10_000) emotionKinds.set(emotion, kind);
  }
  return kind;
}

/** The emotion a list kind is about, or null for 'typical' and 'negative'. */
function emotionOf(kind: string): string | null {
  return kind.startsWith(EMOTION) ? kind.slice(EMOTION.length) : null;
}

function candidateOf(emotion: string | null, seg: SegmentAccess, themeScore: number): QuoteCandidate {
  return {
    segmentId: seg.segmentId, documentId: seg.documentId, charStart: seg.charStart, charEnd: seg.charEnd,
    sentimentScore: seg.sentimentScore, pNegative: seg.pNegative, short: seg.short, themeScore,
    emotionScore: emotion === null ? 0 : (seg.emotionScore(emotion) ?? 0),
  };
}

function qualifies(kind: string, seg: SegmentAccess): boolean {
  if (kind === 'typical') return true;
  if (kind === 'negative') return seg.negative;
  return seg.emotionScore(emotionOf(kind)!) !== undefined;
}

/** A reusable candidate: a list's `wouldKeep` is asked first, so most memberships allocate nothing. */
const probe: QuoteCandidate = { segmentId: 0, documentId: 0, charStart: 0, charEnd: 0, sentimentScore: 0, pNegative: 0, short: false, themeScore: 0, emotionScore: 0 };

function pushTo(
  cell: CellCounts,
  kind: string,
  emotion: string | null,
  cmp: Compare<QuoteCandidate>,
  limit: number,
  seg: SegmentAccess,
  themeScore: number,
): void {
  let list = cell.lists.get(kind);
  if (!list) cell.lists.set(kind, (list = new Candidates(limit, cmp)));
  if (list.hasCutoff()) {
    probe.segmentId = seg.segmentId;
    probe.short = seg.short;
    probe.sentimentScore = seg.sentimentScore;
    probe.pNegative = seg.pNegative;
    probe.themeScore = themeScore;
    probe.emotionScore = emotion === null ? 0 : (seg.emotionScore(emotion) ?? 0);
    if (!list.wouldKeep(probe)) {
      list.truncated = true;
      return;
    }
  }
  list.push(candidateOf(emotion, seg, themeScore));
}

export interface ComputeOptions {
  /** Pick evidence quotes (stored aggregates); queries skip them. */
  quotes: boolean;
  /** Read the facts from the stream even when the fact blocks could answer (the reference path). */
  stream?: boolean;
}

/** Every matrix of `specs` over the facts the filter selects, with the scope's totals. */
export function computeMatrices(
  db: Db,
  filter: FactFilter,
  params: Params,
  specs: readonly MatrixSpec[],
  options: ComputeOptions,
): { results: MatrixResult[]; scope: Scope; source: FactSource['kind'] } {
  const index = buildThemeIndex(loadThemes(db));
  const scope = scopeOf(filter, index);
  const perCell = options.quotes ? params.quotesPerCell : 0;
  const states: MatrixState[] = specs.map((spec) => ({
    spec,
    name: matrixName(spec),
    journey: spec.cols === 'all' && (spec.rows === 'stage' || spec.rows === 'touchpoint'),
    cells: new Map(),
    grid: new Map(),
  }));
  const dims = specs.flatMap((s) => [s.rows, s.cols]);
  const source =
    (options.stream ? null : blockSource(db, scope, index, dims)) ??
    streamSource(db, scope, index, { attributes: needsAttributes(dims), short: perCell > 0 });
  const p: Pass = { db, source, states };
  const limit = 4 * perCell + 4;
  const totals = new OverallCounts();
  pass(
    p,
    (state, cell, seg, themeScore) => {
      cell.add(seg);
      if (perCell === 0) return;
      if (seg.negative) pushTo(cell, 'negative', null, negativeCompare, limit, seg, themeScore);
      if (state.journey) for (const e of seg.emotions) pushTo(cell, emotionKind(e), e, emotionCompare, limit, seg, themeScore);
    },
    true,
    (seg) => totals.add(seg),
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
          (got?.get(emotionKind(emotion)) ?? []).forEach((c, i) =>
            emotionQuotes.push({ ...base(c, i + 1), emotion, emotionScore: c.emotionScore }),
          );
        }
      }
    }
    return { spec: state.spec, name: state.name, rowKeys, colKeys, cells: cells.map((c) => records.get(c)!), quotes, emotionQuotes };
  });
  return { results, scope: { index, overall, analysisKeys: source.analysisKeys() }, source: source.kind };
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
  pass(p, (_s, cell, seg, themeScore) => pushTo(cell, 'typical', null, typical.get(cell)!, limit, seg, themeScore), false);
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
      (_s, cell, seg, themeScore) => {
        for (const o of wanted.get(cell) ?? []) if (qualifies(o.kind, seg)) o.list.push(candidateOf(emotionOf(o.kind), seg, themeScore));
      },
      false,
    );
  }
  return out;
}
