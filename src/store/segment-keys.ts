/**
 * Keeping the per-segment key tables of migration 009 current. Triggers list the segments whose
 * analysis, tags, segment row or document changed in `segment_keys_dirty`; `refreshSegmentKeys`
 * (run by the aggregate stage, a writer) rewrites exactly those rows with one INSERT ... SELECT
 * in SQLite's C code, so its cost follows what changed, not the database size. The
 * theme rollup uses `segment_key_closure`, the hierarchy as (theme, ancestor) pairs computed by the
 * caller with the same functions the streaming path uses (aggregate/themes.ts); a different
 * hierarchy marks every analysed segment dirty.
 *
 * Readers call `segmentKeysCurrent`: the keys answer a query only when nothing is dirty and the
 * hierarchy is the one they were built with, so stale keys are never used (queries are read-only
 * and fall back to streaming). A full rebuild gives the same rows as the incremental path
 * (test/segment-keys.test.ts).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db.js';
import { MONTH, STAGE, TOUCHPOINT, UNKNOWN } from './aggregate-facts.js';

/** One (theme, ancestor) pair of the hierarchy; the theme itself is its own first ancestor. */
export interface ClosurePair {
  themeId: string;
  ancestorId: string;
  isRoot: boolean;
}

/** The rolled-up theme key of a segment with no theme. */
const UNASSIGNED = 'unassigned';
/** Between the ids of a list column (themes, roots, emotions): a control character no id contains. */
export const KEY_SEPARATOR = '\u001f';

function closureHash(pairs: readonly ClosurePair[]): string {
  const sorted = [...pairs].sort((a, b) =>
    a.themeId < b.themeId ? -1 : a.themeId > b.themeId ? 1 : a.ancestorId < b.ancestorId ? -1 : a.ancestorId > b.ancestorId ? 1 : 0,
  );
  return createHash('sha256').update(JSON.stringify(sorted.map((p) => [p.themeId, p.ancestorId, p.isRoot ? 1 : 0]))).digest('hex').slice(0, 32);
}

function hasKeyTables(db: Db): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get('segment_keys_state') !== undefined;
}

function storedHash(db: Db): string {
  return z.string().parse(db.prepare(`SELECT closure_hash FROM segment_keys_state WHERE id = 1`).pluck().get());
}

/** Whether the key tables describe the data exactly (nothing dirty, same theme hierarchy). */
export function segmentKeysCurrent(db: Db, closure: readonly ClosurePair[]): boolean {
  if (!hasKeyTables(db)) return false;
  if (db.prepare(`SELECT 1 FROM segment_keys_dirty LIMIT 1`).get() !== undefined) return false;
  return storedHash(db) === closureHash(closure);
}

export interface RefreshResult {
  /** Segments whose keys were rewritten (or removed). */
  refreshed: number;
  /** True when a changed theme hierarchy made every segment dirty. */
  hierarchyChanged: boolean;
}

const DIRTY = `SELECT segment_id FROM segment_keys_dirty`;

/** Rewrites the keys of every dirty segment (all of them when the hierarchy changed). */
export function refreshSegmentKeys(db: Db, closure: readonly ClosurePair[]): RefreshResult {
  if (!hasKeyTables(db)) return { refreshed: 0, hierarchyChanged: false };
  const hash = closureHash(closure);
  return db.transaction((): RefreshResult => {
    const hierarchyChanged = storedHash(db) !== hash;
    if (hierarchyChanged) {
      db.prepare(`DELETE FROM segment_key_closure`).run();
      const ins = db.prepare(`INSERT INTO segment_key_closure (theme_id, ancestor_id, is_root) VALUES (?, ?, ?)`);
      for (const p of closure) ins.run(p.themeId, p.ancestorId, p.isRoot ? 1 : 0);
      db.prepare(`UPDATE segment_keys_state SET closure_hash = ? WHERE id = 1`).run(hash);
      db.prepare(`INSERT OR IGNORE INTO segment_keys_dirty (segment_id) SELECT segment_id FROM segment_analysis`).run();
    }
    const refreshed = z.number().int().parse(db.prepare(`SELECT count(*) FROM segment_keys_dirty`).pluck().get());
    if (refreshed === 0) return { refreshed, hierarchyChanged };
    db.prepare(`DELETE FROM segment_keys WHERE segment_id IN (${DIRTY})`).run();
    // A tag outside the hierarchy rolls up to itself only and is its own top-level theme.
    const rolled = (rootsOnly: boolean): string =>
      `(SELECT group_concat(r.theme_id, '${KEY_SEPARATOR}') FROM (SELECT DISTINCT COALESCE(c.ancestor_id, t.theme_id) AS theme_id
          FROM segment_themes t LEFT JOIN segment_key_closure c ON c.theme_id = t.theme_id
         WHERE t.segment_id = s.id${rootsOnly ? ' AND COALESCE(c.is_root, 1) = 1' : ''}) r)`;
    db.prepare(
      `INSERT INTO segment_keys (document_id, idx, segment_id, kind, source_name, channel, created_at, month, score, score_scale,
              stage, touchpoint, sentiment, sentiment_score, themes, roots, emotions, analysis_key)
       SELECT s.document_id, s.idx, s.id, d.kind, d.source_name, COALESCE(d.channel, '${UNKNOWN}'), d.created_at,
              (CASE WHEN ${MONTH} = '${UNKNOWN}' THEN NULL ELSE ${MONTH} END), d.score, d.score_scale,
              ${STAGE}, ${TOUCHPOINT}, a.sentiment, a.sentiment_score,
              COALESCE(${rolled(false)}, '${UNASSIGNED}'), COALESCE(${rolled(true)}, '${UNASSIGNED}'),
              (SELECT group_concat(e.emotion, '${KEY_SEPARATOR}') FROM segment_emotions e WHERE e.segment_id = s.id),
              a.analysis_key
         FROM segment_keys_dirty x JOIN segments s ON s.id = x.segment_id JOIN documents d ON d.id = s.document_id
         JOIN segment_analysis a ON a.segment_id = s.id
        WHERE s.analyse = 1`,
    ).run();
    db.prepare(`DELETE FROM segment_keys_dirty`).run();
    return { refreshed, hierarchyChanged };
  })();
}
