/**
 * What incremental theme discovery reads (src/analyze/discover-run.ts, issue 11): which run last
 * clustered (the run that stored the current proposals), how many unassigned segments were
 * analysed after it, those segments, and the proposals' centroids to assign them to. Kept apart
 * from analysis.ts (results and suggestions as written) because only discovery's decision needs it.
 *
 * "After the last clustering" is `segment_analysis.run_id > the proposals' run id`: run ids only
 * grow, a segment re-analysed (new data, a new analysis key) gets the id of the run that did it,
 * and a result without a run (a library call with runId null) counts as new.
 */
import type { Db } from './db.js';
import type { UnassignedSegment } from './analysis.js';

export interface LastClustering {
  /** proposals (status 'proposed') from the last clustering */
  proposals: number;
  /** the run that stored them; null when there are none or one has no run */
  runId: number | null;
}

export function lastClustering(db: Db): LastClustering {
  const row = db
    .prepare(`SELECT COUNT(*) AS n, COUNT(run_id) AS with_run, MAX(run_id) AS run FROM theme_suggestions WHERE status = 'proposed'`)
    .get() as { n: number; with_run: number; run: number | null };
  const n = Number(row.n);
  return { proposals: n, runId: n > 0 && Number(row.with_run) === n && row.run !== null ? Number(row.run) : null };
}

const UNASSIGNED = `FROM segment_analysis a JOIN segments s ON s.id = a.segment_id
  WHERE a.analysis_key = ? AND NOT EXISTS (SELECT 1 FROM segment_themes t WHERE t.segment_id = a.segment_id)`;

/** Current-key segments without a theme: all of them, and those analysed after run `afterRun`. */
export function countUnassigned(db: Db, key: string, afterRun: number): { total: number; since: number } {
  const row = db
    .prepare(`SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN a.run_id IS NULL OR a.run_id > ? THEN 1 ELSE 0 END), 0) AS since ${UNASSIGNED}`)
    .get(afterRun, key) as { total: number; since: number };
  return { total: Number(row.total), since: Number(row.since) };
}

/** The unassigned current-key segments analysed after run `afterRun`, oldest first, capped. */
export function unassignedSince(db: Db, key: string, afterRun: number, limit: number): UnassignedSegment[] {
  return db
    .prepare(`SELECT s.id, s.text, s.text_hash ${UNASSIGNED} AND (a.run_id IS NULL OR a.run_id > ?) ORDER BY s.id LIMIT ?`)
    .all(key, afterRun, limit) as UnassignedSegment[];
}

export interface ProposalCentroid {
  key: string;
  label: string;
  centroid: Float32Array;
}

/** The proposals' centroids (float32, as replaceSuggestions stores them), by suggestion key. */
export function proposalCentroids(db: Db): ProposalCentroid[] {
  const rows = db
    .prepare(`SELECT suggestion_key, label, centroid FROM theme_suggestions WHERE status = 'proposed' AND centroid IS NOT NULL ORDER BY suggestion_key`)
    .all() as Array<{ suggestion_key: string; label: string; centroid: Uint8Array }>;
  return rows.map((r) => {
    // Copied: a Buffer's offset into its pool need not be 4-byte aligned.
    const bytes = Uint8Array.from(r.centroid);
    return { key: r.suggestion_key, label: r.label, centroid: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4) };
  });
}
