/**
 * Is the latest stored aggregate still the answer? (issue 11, unfiltered queries.)
 *
 * Migration 008 keeps a data generation counter that triggers bump on every write to the tables an
 * aggregate reads. An aggregate records the generation it read, with its full totals; a query
 * without filters may then be answered from the stored cells, which is exact, when
 *   1. the current generation equals the one recorded (no segment, analysis, theme or document
 *      changed since), and
 *   2. the aggregate's parameters equal the query's (same matrices, metric settings, stage order).
 * Anything else (older schema, no aggregate, other params, new data) returns null and the caller
 * streams the facts as before, so a stale aggregate is never used.
 */
import { z } from 'zod';
import type { Db } from './db.js';
import { NpsCounts } from './aggregate-facts.js';

/** The scope totals of aggregate/cells.ts `Overall`, as stored with an aggregate. */
export const OverallSnapshot = z.object({
  segments: z.number().int(),
  documents: z.number().int(),
  negative: z.number().int(),
  negativeRate: z.number(),
  nps: z.number().nullable(),
  npsCounts: NpsCounts,
  months: z.array(z.string()),
  monthTotals: z.record(z.string(), z.number()),
  latestMonth: z.string().nullable(),
  emotions: z.array(z.string()),
});
export type OverallSnapshot = z.infer<typeof OverallSnapshot>;

export interface AggregateSnapshot {
  aggregateId: number;
  overall: OverallSnapshot;
  analysisKeys: string[];
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

/** The current data generation, or null on a database older than migration 008. */
export function dataGeneration(db: Db): number | null {
  if (!hasTable(db, 'data_generation')) return null;
  const row = db.prepare(`SELECT gen FROM data_generation WHERE id = 1`).get() as { gen: number } | undefined;
  return row === undefined ? null : z.number().int().parse(row.gen);
}

/** Records what an aggregate was computed from (call in the same run, with the generation read before computing). */
export function writeSnapshot(db: Db, aggregateId: number, gen: number, overall: OverallSnapshot, analysisKeys: readonly string[]): void {
  db.prepare(
    `INSERT OR REPLACE INTO aggregate_snapshot (aggregate_id, data_gen, overall_json, analysis_keys_json) VALUES (?, ?, ?, ?)`,
  ).run(aggregateId, gen, JSON.stringify(OverallSnapshot.parse(overall)), JSON.stringify(analysisKeys));
}

const SnapshotRow = z.object({
  id: z.number().int(),
  params_json: z.string(),
  data_gen: z.number().int().nullable(),
  overall_json: z.string().nullable(),
  analysis_keys_json: z.string().nullable(),
});

/** The latest aggregate when it is current for `params` (see the module header), else null. */
export function currentSnapshot(db: Db, params: unknown): AggregateSnapshot | null {
  const gen = dataGeneration(db);
  if (gen === null || !hasTable(db, 'aggregate_snapshot')) return null;
  const raw = db
    .prepare(
      `SELECT r.id, r.params_json, s.data_gen, s.overall_json, s.analysis_keys_json
         FROM aggregate_runs r LEFT JOIN aggregate_snapshot s ON s.aggregate_id = r.id
        ORDER BY r.id DESC LIMIT 1`,
    )
    .get();
  if (raw === undefined) return null;
  const row = SnapshotRow.parse(raw);
  if (row.data_gen !== gen || row.overall_json === null || row.analysis_keys_json === null) return null;
  if (row.params_json !== JSON.stringify(params)) return null;
  return {
    aggregateId: row.id,
    overall: OverallSnapshot.parse(JSON.parse(row.overall_json)),
    analysisKeys: z.array(z.string()).parse(JSON.parse(row.analysis_keys_json)),
  };
}
