/**
 * Matrices from the per-segment key table (migration 009, store/segment-keys*.ts) instead of the
 * streaming read model: one scan of a narrow table with every filter in SQL and no join, rows as
 * arrays in stream order, folded into the same counters (cells.ts `addRow`, shared with the
 * streaming path) and turned into cell records by the same `record`. The answer is therefore the
 * streaming one field by field (test/aggregate-keys.test.ts).
 *
 * Used by filtered queries without quotes (heatmap, themes, export). The keys must be current:
 * the aggregate stage refreshes them, and a query made after a write (or a dimension the table does
 * not hold, such as an attribute) streams instead.
 */
import { matrixName, type MatrixSpec } from '../config/aggregate.js';
import {
  isKeyDimension,
  KEY_SEPARATOR,
  keyAnalysisKeys,
  keyRows,
  refreshSegmentKeys,
  segmentKeysCurrent,
  type ClosurePair,
  type RefreshResult,
} from '../store/segment-keys-index.js';
import { loadThemes, npsCountsInScope, type CellRecord } from '../store/aggregate.js';
import type { Db } from '../store/db.js';
import { CellCounts, OverallCounts, type MatrixResult, type Params } from './cells.js';
import { orderKeys, scopeOf, type FactFilter } from './facts.js';
import type { Scope } from './matrices.js';
import { ancestors, buildThemeIndex, type ThemeIndex } from './themes.js';

/** The hierarchy as the key table's rollup uses it: every theme with itself and its ancestors (as themes.ts rolls up). */
export function closureOf(index: ThemeIndex): ClosurePair[] {
  const out: ClosurePair[] = [];
  for (const themeId of index.parentOf.keys()) {
    const up = ancestors(themeId, index);
    out.push({ themeId, ancestorId: themeId, isRoot: up.length === 0 });
    up.forEach((a, i) => out.push({ themeId, ancestorId: a, isRoot: i === up.length - 1 }));
  }
  return out;
}

/** Brings the key table up to date (the aggregate stage calls this; a writer). */
export function refreshKeys(db: Db): RefreshResult {
  return refreshSegmentKeys(db, closureOf(buildThemeIndex(loadThemes(db))));
}

const NONE: readonly string[] = Object.freeze([]);

/** One matrix from the key table, or null when it cannot answer (an attribute dimension, or keys not current). */
export function groupedMatrix(db: Db, spec: MatrixSpec, filter: FactFilter, params: Params): (MatrixResult & { scope: Scope }) | null {
  const { rows, cols } = spec;
  if (!isKeyDimension(rows) || !isKeyDimension(cols)) return null;
  const index = buildThemeIndex(loadThemes(db));
  if (!segmentKeysCurrent(db, closureOf(index))) return null;
  const scope = scopeOf(filter, index);
  const totals = new OverallCounts();
  const cellsByKey = new Map<string, CellCounts>();
  const byRow = new Map<string, Map<string, CellCounts>>();
  const cellOf = (row: string, col: string): CellCounts => {
    let cols = byRow.get(row);
    if (!cols) byRow.set(row, (cols = new Map()));
    let cell = cols.get(col);
    if (!cell) {
      cols.set(col, (cell = new CellCounts(row, col)));
      cellsByKey.set(`${row}\u0000${col}`, cell);
    }
    return cell;
  };
  // Lists (themes, emotions) are split once per distinct string: consecutive segments share them often.
  const split = new Map<string, readonly string[]>();
  const listOf = (value: string): readonly string[] => {
    let list = split.get(value);
    if (!list) split.set(value, (list = Object.freeze(value.split(KEY_SEPARATOR))));
    return list;
  };
  const listRows = rows === 'theme' || rows === 'parent_theme';
  const listCols = cols === 'theme' || cols === 'parent_theme';
  for (const [doc, month, neg, s, score, scale, emotionList, r, c] of keyRows(db, [rows, cols], scope)) {
    const negative = neg === 1;
    const emotions = emotionList === null ? NONE : listOf(emotionList);
    totals.addRow(doc, negative, month, emotions);
    const rowValues = listRows ? listOf(r) : [r];
    const colValues = listCols ? listOf(c) : [c];
    for (const row of rowValues) {
      for (const col of colValues) cellOf(row, col).addRow(doc, negative, s, score, scale, month, emotions);
    }
  }
  const overall = totals.overall(npsCountsInScope(db, scope));
  const name = matrixName(spec);
  const ctx = { index, stageOrder: params.stageOrder };
  const all = [...cellsByKey.values()];
  const rowKeys = orderKeys(rows, all.map((x) => x.row), ctx);
  const colKeys = orderKeys(cols, all.map((x) => x.col), ctx);
  const cells: CellRecord[] = [];
  for (const row of rowKeys) {
    for (const col of colKeys) {
      const cell = cellsByKey.get(`${row}\u0000${col}`);
      if (cell) cells.push(cell.record(name, overall, params));
    }
  }
  return {
    spec, name, rowKeys, colKeys, cells, quotes: [], emotionQuotes: [],
    scope: { index, overall, analysisKeys: keyAnalysisKeys(db, scope, overall.segments === 0) },
  };
}
