/**
 * Discovery against the database: unassigned current segments -> clusters -> theme_suggestions.
 *
 * After an analysis run (`discoverAfterRun`) discovery is incremental (issue 11): clustering the
 * newest `maxSegments` unassigned segments costs seconds of CPU whatever the run added, and a
 * nightly run that adds 1% new data would mostly get the same clusters back. So when the unassigned
 * segments analysed since the last clustering (the run that stored the current proposals) are
 * fewer than `reclusterShare` of the sample, the proposals are kept and the new segments are
 * assigned to them instead, each to the proposal whose centroid is nearest (what a k-means
 * assignment step does); the counts go into the run summary. The new segments accumulate, so once
 * they reach the share the next run clusters again. `planDiscovery` is the decision, pure.
 * `runDiscovery` (also `voc themes discover`) always clusters.
 */
import type { AnalysisConfig } from '../config/analysis.js';
import { replaceSuggestions, unassignedSegments } from '../store/analysis.js';
import type { Db } from '../store/db.js';
import { countUnassigned, lastClustering, proposalCentroids, unassignedSince } from '../store/discovery.js';
import { discoverThemes, nearestCentroid } from './discovery.js';
import type { LoadedParts } from './models.js';

export const MIN_WORDS = 4;

/** Short segments ("I am done.", "Thanks!") cluster on tone, not topic; discovery leaves them out. */
const usableText = (text: string) => text.trim().split(/\s+/).length >= MIN_WORDS;

/** Returns the number of suggestions stored. Vectors come from the embedding cache (no re-inference). */
export async function runDiscovery(db: Db, parts: LoadedParts, acfg: AnalysisConfig, runId: number | null): Promise<number> {
  const rows = unassignedSegments(db, parts.key, acfg.discovery.maxSegments);
  const usable = rows.filter((r) => usableText(r.text));
  const vectors = usable.length ? await parts.encoder.embed(usable.map((r) => r.text)) : [];
  const clusters = discoverThemes(
    usable.map((r, i) => ({ id: r.id, text: r.text, textHash: r.text_hash, vector: vectors[i]! })),
    acfg.discovery,
  );
  replaceSuggestions(db, runId, new Date().toISOString(), clusters);
  return clusters.length;
}

export interface DiscoveryPlanInput {
  /** proposals from the last clustering, and the run that stored them (null: unknown) */
  proposals: number;
  lastRun: number | null;
  /** unassigned current-key segments, all and those analysed after lastRun */
  unassigned: number;
  newUnassigned: number;
  maxSegments: number;
  reclusterShare: number;
}

export interface DiscoveryPlan {
  recluster: boolean;
  reason: string;
  /** new segments below which the proposals are kept */
  threshold: number;
}

/** Whether a run clusters again or assigns its new unassigned segments to the proposals (see the header). */
export function planDiscovery(p: DiscoveryPlanInput): DiscoveryPlan {
  const threshold = Math.max(1, Math.ceil(p.reclusterShare * Math.min(p.unassigned, p.maxSegments)));
  if (p.reclusterShare === 0) return { recluster: true, reason: 'discovery.reclusterShare is 0: clustering after every run', threshold };
  if (p.proposals === 0 || p.lastRun === null) {
    return { recluster: true, reason: p.proposals === 0 ? 'no proposals to assign new segments to' : 'the proposals were stored without a run', threshold };
  }
  const counts = `${p.newUnassigned} unassigned segments analysed since run ${p.lastRun}`;
  if (p.newUnassigned >= threshold) return { recluster: true, reason: `${counts} (at least ${threshold}, discovery.reclusterShare ${p.reclusterShare} of ${Math.min(p.unassigned, p.maxSegments)})`, threshold };
  return { recluster: false, reason: `${counts} (fewer than ${threshold}, discovery.reclusterShare ${p.reclusterShare} of ${Math.min(p.unassigned, p.maxSegments)}): assigned to the ${p.proposals} proposals of run ${p.lastRun}`, threshold };
}

export interface DiscoveryOutcome {
  clustered: boolean;
  reason: string;
  /** suggestions stored (clustered) or kept (assigned) */
  suggestions: number;
  /** unassigned segments analysed since the last clustering */
  newUnassigned: number;
  /** when not clustered: the new segments (at least MIN_WORDS words) nearest to each proposal */
  assigned?: Array<{ key: string; label: string; segments: number }>;
}


/** Discovery after an analysis run: cluster again, or assign the new segments to the proposals. */
export async function discoverAfterRun(db: Db, parts: LoadedParts, acfg: AnalysisConfig, runId: number | null): Promise<DiscoveryOutcome> {
  const last = lastClustering(db);
  const counts = countUnassigned(db, parts.key, last.runId ?? -1);
  const newUnassigned = last.runId === null ? counts.total : counts.since;
  const plan = planDiscovery({
    proposals: last.proposals,
    lastRun: last.runId,
    unassigned: counts.total,
    newUnassigned,
    maxSegments: acfg.discovery.maxSegments,
    reclusterShare: acfg.discovery.reclusterShare,
  });
  if (plan.recluster) {
    return { clustered: true, reason: plan.reason, suggestions: await runDiscovery(db, parts, acfg, runId), newUnassigned };
  }
  const proposals = proposalCentroids(db);
  const rows = unassignedSince(db, parts.key, last.runId!, plan.threshold).filter((r) => usableText(r.text));
  const vectors = rows.length && proposals.length ? await parts.encoder.embed(rows.map((r) => r.text)) : [];
  const per = proposals.map(() => 0);
  for (const v of vectors) per[nearestCentroid(v, proposals.map((p) => p.centroid))]!++;
  const assigned = proposals.map((p, j) => ({ key: p.key, label: p.label, segments: per[j]! })).filter((a) => a.segments > 0);
  return { clustered: false, reason: plan.reason, suggestions: last.proposals, newUnassigned, assigned };
}
