/** Discovery against the database: unassigned current segments -> clusters -> theme_suggestions. */
import type { AnalysisConfig } from '../config/analysis.js';
import { replaceSuggestions, unassignedSegments } from '../store/analysis.js';
import type { Db } from '../store/db.js';
import { discoverThemes } from './discovery.js';
import type { LoadedParts } from './models.js';

export const MIN_WORDS = 4;

/** Returns the number of suggestions stored. Vectors come from the embedding cache (no re-inference). */
export async function runDiscovery(db: Db, parts: LoadedParts, acfg: AnalysisConfig, runId: number | null): Promise<number> {
  const rows = unassignedSegments(db, parts.key, acfg.discovery.maxSegments);
  // Short segments ("I am done.", "Thanks!") cluster on tone, not topic; leave them out.
  const usable = rows.filter((r) => r.text.trim().split(/\s+/).length >= MIN_WORDS);
  const vectors = usable.length ? await parts.encoder.embed(usable.map((r) => r.text)) : [];
  const clusters = discoverThemes(
    usable.map((r, i) => ({ id: r.id, text: r.text, textHash: r.text_hash, vector: vectors[i]! })),
    acfg.discovery,
  );
  replaceSuggestions(db, runId, new Date().toISOString(), clusters);
  return clusters.length;
}
