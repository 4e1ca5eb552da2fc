/**
 * Theme assignment (multi-label) from zero-shot scores or a trained head's probabilities.
 * "Unassigned" is an empty list: nothing cleared the threshold.
 */
import type { AnalysisConfig, Rule, ZeroShotSettings } from '../config/analysis.js';
import { ruleMatches, type DocContext, type SegmentContext } from './context.js';
import type { ClassScore } from './zeroshot.js';
import { round4, sigmoid } from './vectors.js';

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
 * first, at most `topK`. The signal is 'keyword' when the theme would not have been kept without
 * its keyword bonus, else 'zero-shot'.
 */
export function assignZeroShot(scores: ClassScore[], settings: ThemeSettings, zs: ZeroShotSettings): ThemeHit[] {
  const best = Math.max(...scores.map((s) => s.sim));
  const kept = (sim: number, absolute: number) => absolute >= settings.threshold && sim >= best - settings.minMargin;
  return scores
    .filter((s) => kept(s.sim, s.absolute))
    .sort((a, b) => b.sim - a.sim || a.id.localeCompare(b.id))
    .slice(0, settings.topK)
    .map((s) => {
      const without = s.sim - zs.keywordBonus;
      const byKeyword = s.keyword && !kept(without, sigmoid((without - zs.floor) / zs.slope));
      return { id: s.id, score: round4(s.absolute), signal: byKeyword ? 'keyword' : 'zero-shot' };
    });
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

/** Config rules with a `theme` add that theme (score 1, signal 'keyword') when their condition holds. */
export function applyThemeRules(hits: ThemeHit[], rules: Rule[], doc: DocContext, seg: SegmentContext): ThemeHit[] {
  const out = [...hits];
  for (const rule of rules) {
    if (!rule.theme || out.some((h) => h.id === rule.theme) || !ruleMatches(rule.when, doc, seg)) continue;
    out.push({ id: rule.theme, score: 1, signal: 'keyword' });
  }
  return out;
}
