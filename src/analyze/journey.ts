/**
 * Journey stage and touchpoint: one label per segment from a weighted vote.
 *
 * Votes for a class c (weights from `analysis.journey.weights`):
 *   metadata   w.metadata (or the rule's weight) for each matching metadata rule: the source's
 *              `stage`/`touchpoint`, config rules on source/kind/channel/attribute/field, the ticket
 *              channel map (touchpoints), a document attribute named `stage`/`touchpoint` that is an id
 *   keyword    w.keyword for a matching config rule with `text`, and for a codeframe keyword match
 *   model      w.model * relative(c) * absolute(best): the zero-shot softmax, damped when even the
 *              best class hardly fits (or the head's probability when a head is configured)
 *   themePrior w.themePrior * theme score for each assigned theme mapped to c (stages only)
 * The winner is the class with most votes; confidence = share of all votes * min(1, winner votes).
 * The signal names the component that gave most of the winner's votes ('combined' if none gave 60%).
 * A segment whose confidence is below `minConfidence` inherits its document's dominant stage
 * (length-weighted over the document's confident segments), signal 'document'.
 */
import type { AnalysisConfig, Rule } from '../config/analysis.js';
import { ruleMatches, type DocContext, type SegmentContext } from './context.js';
import type { ThemeHit } from './themes.js';
import { round4 } from './vectors.js';
import type { ClassScore } from './zeroshot.js';

export type JourneySignal = 'metadata' | 'model' | 'keyword' | 'theme-prior' | 'combined' | 'document';
type Component = 'metadata' | 'model' | 'keyword' | 'theme-prior';

export interface JourneyLabel {
  /** The best label ('none': the text names no stage or touchpoint). */
  id: string;
  confidence: number;
  signal: JourneySignal;
  /** False when the segment is left unassigned (confidence below the threshold, or 'none'). */
  assigned: boolean;
}

/** The label a head may give for "no stage / touchpoint can be told" (see the journey codebook). */
export const NONE_LABEL = 'none';

/** Defined in context.ts; re-exported for the modules that import them from here (analyze/pipeline.ts). */
export type { DocContext, SegmentContext } from './context.js';

type Journey = AnalysisConfig['journey'];
type Votes = Map<string, Map<Component, number>>;

function add(votes: Votes, id: string, component: Component, amount: number): void {
  if (amount <= 0) return;
  const byComp = votes.get(id) ?? new Map<Component, number>();
  byComp.set(component, (byComp.get(component) ?? 0) + amount);
  votes.set(id, byComp);
}

export interface JourneyInputs {
  target: 'stage' | 'touchpoint';
  validIds: ReadonlySet<string>;
  /** zero-shot scores, or head probabilities as {id, relative} */
  model: Array<Pick<ClassScore, 'id' | 'relative' | 'absolute' | 'keyword'>>;
  themes: ThemeHit[];
  rules: Rule[];
  journey: Journey;
  doc: DocContext;
  seg: SegmentContext;
  /**
   * The model scores are a trained head's calibrated probabilities: the confidence is the winner's
   * share of the votes (the probability itself when only the head votes), and theme priors, which
   * the head has already learnt, do not vote.
   */
  calibrated?: boolean;
}

function metadataVotes(votes: Votes, inp: JourneyInputs): void {
  const { target, doc, journey, validIds } = inp;
  const w = journey.weights;
  const fromSource = target === 'stage' ? doc.sourceStage : doc.sourceTouchpoint;
  if (fromSource) add(votes, fromSource, 'metadata', w.metadata);
  const attr = doc.attributes[target] ?? (target === 'stage' ? doc.attributes['journey_stage'] : undefined);
  if (typeof attr === 'string' && validIds.has(attr.toLowerCase())) add(votes, attr.toLowerCase(), 'metadata', w.metadata);
  if (target === 'touchpoint' && doc.channel) {
    const ch = doc.channel.toLowerCase();
    const tp = Object.hasOwn(journey.channelTouchpoints, ch) ? journey.channelTouchpoints[ch] : undefined;
    if (tp) add(votes, tp, 'metadata', w.metadata);
  }
  for (const rule of inp.rules) {
    const id = rule[target];
    if (!id || !ruleMatches(rule.when, doc, inp.seg)) continue;
    const isKeyword = rule.when.text !== undefined;
    add(votes, id, isKeyword ? 'keyword' : 'metadata', rule.weight ?? (isKeyword ? w.keyword : w.metadata));
  }
}

function modelVotes(votes: Votes, inp: JourneyInputs): void {
  const w = inp.journey.weights;
  const strength = Math.max(0, ...inp.model.map((m) => m.absolute));
  for (const m of inp.model) {
    add(votes, m.id, 'model', w.model * m.relative * strength);
    if (m.keyword) add(votes, m.id, 'keyword', w.keyword);
  }
  if (inp.target !== 'stage' || inp.calibrated) return;
  for (const t of inp.themes) {
    const stage = Object.hasOwn(inp.journey.themeStagePriors, t.id) ? inp.journey.themeStagePriors[t.id] : undefined;
    if (stage) add(votes, stage, 'theme-prior', w.themePrior * t.score);
  }
}

/** Votes for one segment; null when there is no evidence at all. */
export function decideJourney(inp: JourneyInputs): JourneyLabel | null {
  const votes: Votes = new Map();
  metadataVotes(votes, inp);
  modelVotes(votes, inp);
  let total = 0;
  let winner: { id: string; sum: number; comps: Map<Component, number> } | null = null;
  // Default maps (channel -> touchpoint, theme -> stage) may name ids a custom codeframe lacks.
  for (const id of votes.keys()) if (!inp.validIds.has(id) && id !== NONE_LABEL) votes.delete(id);
  for (const [id, comps] of [...votes.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const sum = [...comps.values()].reduce((a, b) => a + b, 0);
    total += sum;
    if (!winner || sum > winner.sum) winner = { id, sum, comps };
  }
  if (!winner || total === 0) return null;
  const [topComp, topVal] = [...winner.comps.entries()].sort((a, b) => b[1] - a[1])[0]!;
  const share = winner.sum / total;
  return {
    id: winner.id,
    confidence: round4(inp.calibrated ? share : share * Math.min(1, winner.sum)),
    signal: topVal >= 0.6 * winner.sum ? topComp : 'combined',
    assigned: winner.id !== NONE_LABEL,
  };
}

/** Leaves a label unassigned below `threshold` (it keeps its best id for people to see). */
export function abstain(label: JourneyLabel | null, threshold: number): JourneyLabel | null {
  if (!label) return null;
  return label.assigned && label.confidence < threshold ? { ...label, assigned: false } : label;
}

/**
 * Second pass over one document's segments: a segment left unassigned for want of confidence
 * takes its document's dominant assigned label (signal 'document'): the rest of a flight review
 * says which part of the journey "It was fine" is about. Segments whose best label is 'none'
 * (greetings, fragments) stay unassigned. Returns the document's label too.
 */
export function applyDocumentContext(
  labels: Array<JourneyLabel | null>,
  lengths: number[],
): { labels: Array<JourneyLabel | null>; dominant: string | null } {
  const weight = new Map<string, number>();
  labels.forEach((l, i) => {
    if (l?.assigned) weight.set(l.id, (weight.get(l.id) ?? 0) + lengths[i]! * l.confidence);
  });
  const ranked = [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const dominant = ranked[0]?.[0] ?? null;
  if (!dominant) return { labels, dominant: null };
  const total = [...weight.values()].reduce((a, b) => a + b, 0);
  const share = round4(weight.get(dominant)! / total);
  return {
    dominant,
    labels: labels.map((l) =>
      l && !l.assigned && l.id !== NONE_LABEL ? { id: dominant, confidence: round4(share * l.confidence), signal: 'document', assigned: true } : l,
    ),
  };
}
