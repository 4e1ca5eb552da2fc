/**
 * Unfiltered queries answered from the latest stored aggregate (issue 11): `voc heatmap` and
 * `voc themes` without --where/--since/--until read the few thousand stored cells of one matrix
 * instead of streaming every segment, when store/aggregate-snapshot.ts says the aggregate is
 * current (no data written since, same parameters). The answer is the one the streaming path gives,
 * field by field (test/aggregate-stored.test.ts): same cells, same row/column order, and
 * `trendPrev` null as on the fly (the stored value compares with the aggregate before it, which a
 * query does not).
 */
import { matrixName, type MatrixSpec } from '../config/aggregate.js';
import { currentSnapshot, dataGeneration, loadThemes, readCells, writeSnapshot, type CellRecord } from '../store/aggregate.js';
import type { Db } from '../store/db.js';
import type { MatrixResult, Overall, Params } from './cells.js';
import { orderKeys, type FactFilter } from './facts.js';
import type { Scope } from './matrices.js';
import { buildThemeIndex } from './themes.js';

/** True when a filter selects everything (no --where, --since or --until). */
export function isUnfiltered(filter: FactFilter): boolean {
  return filter.since === undefined && filter.until === undefined && Object.keys(filter.where ?? {}).length === 0;
}

/**
 * One matrix from the stored aggregate, or null when it cannot answer exactly: not current, or the
 * matrix is not among `storedSpecs` (the matrices an aggregate with these params stores).
 */
export function storedMatrix(
  db: Db,
  spec: MatrixSpec,
  params: Params,
  storedSpecs: readonly MatrixSpec[],
): (MatrixResult & { scope: Scope }) | null {
  const name = matrixName(spec);
  if (!storedSpecs.some((s) => matrixName(s) === name)) return null;
  const snap = currentSnapshot(db, params);
  if (snap === null) return null;
  const index = buildThemeIndex(loadThemes(db));
  const ctx = { index, stageOrder: params.stageOrder };
  const byKey = new Map<string, CellRecord>();
  for (const c of readCells(db, snap.aggregateId, name)) byKey.set(`${c.rowKey}\u0000${c.colKey}`, { ...c, trendPrev: null });
  const all = [...byKey.values()];
  const rowKeys = orderKeys(spec.rows, all.map((c) => c.rowKey), ctx);
  const colKeys = orderKeys(spec.cols, all.map((c) => c.colKey), ctx);
  const cells: CellRecord[] = [];
  for (const row of rowKeys) {
    for (const col of colKeys) {
      const cell = byKey.get(`${row}\u0000${col}`);
      if (cell) cells.push(cell);
    }
  }
  const overall: Overall = snap.overall;
  return { spec, name, rowKeys, colKeys, cells, quotes: [], emotionQuotes: [], scope: { index, overall, analysisKeys: snap.analysisKeys } };
}

/** The data generation to record with an aggregate: read it before computing (null before migration 008). */
export function generationBefore(db: Db): number | null {
  return dataGeneration(db);
}

/** Records that aggregate `aggregateId` was computed from generation `gen` with these totals. */
export function recordSnapshot(db: Db, aggregateId: number, gen: number | null, scope: Scope): void {
  if (gen === null) return;
  writeSnapshot(db, aggregateId, gen, scope.overall, scope.analysisKeys);
}
