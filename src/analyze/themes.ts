/**
 * Theme assignment (multi-label) from zero-shot scores or a trained head's probabilities.
 * "Unassigned" is an empty list: nothing cleared the threshold.
 */
import type { AnalysisConfig } from '../config/analysis.js';
import type { ClassScore } from './zeroshot.js';
import { round4 } from './vectors.js';

export type ThemeSignal = 'zero-shot' | 'head' | 'keyword' | 'discovered';

export interface ThemeHit {
  id: string;
  score: number;
  signal: ThemeSignal;
}

type ThemeSettings = AnalysisConfig['themes'];

/**
 * Keeps classes whose absolute score clears the threshold and whose similarity is within
 * `minMargin` of the best class (so one strong theme does not drag in weak neighbours), best
 * first, at most `topK`. A class that only cleared the bar thanks to its keyword says so.
 */
export function assignZeroShot(scores: ClassScore[], settings: ThemeSettings, keywordBonus: number): ThemeHit[] {
  const best = Math.max(...scores.map((s) => s.sim));
  return scores
    .filter((s) => s.absolute >= settings.threshold && s.sim >= best - settings.minMargin)
    .sort((a, b) => b.sim - a.sim || a.id.localeCompare(b.id))
    .slice(0, settings.topK)
    .map((s) => ({
      id: s.id,
      score: round4(s.absolute),
      signal: s.keyword && s.sim - keywordBonus < best - settings.minMargin ? 'keyword' : 'zero-shot',
    }));
}

/**
 * A trained head decides. Multi-label heads name the labels that pass their own calibrated
 * thresholds; otherwise labels with probability >= headThreshold are kept (best first, topK).
 */
export function assignFromHead(pred: { label: string; labels?: string[]; probs: Record<string, number> }, settings: ThemeSettings): ThemeHit[] {
  const sorted = Object.entries(pred.probs).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const kept = pred.labels
    ? sorted.filter(([id]) => pred.labels!.includes(id))
    : sorted.filter(([, p]) => p >= settings.headThreshold);
  return kept.slice(0, settings.topK).map(([id, p]) => ({ id, score: round4(p), signal: 'head' as const }));
}
