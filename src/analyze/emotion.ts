/**
 * Emotions (multi-label): the emotion codeframe's zero-shot similarity, a cue lexicon and
 * sentiment gating, combined per emotion as
 *
 *   evidence = 1 - (1 - 0.45 * zeroShot) * (1 - cues)       (noisy-OR of the two detectors)
 *   score    = evidence * gate(sentiment)
 *
 * where `cues` is 0.65 for one codeframe keyword match, 0.8 for two or more, plus punctuation /
 * casing cues (repeated "!", ALL-CAPS words, "?!", "again") for frustration and why/how/what
 * questions for confusion; and the gate keeps
 * positive emotions (satisfaction-joy, gratitude) for positive-ish text and negative emotions
 * (frustration-anger, disappointment, worry) for negative-ish text. "not happy at all" matches the
 * "happy" keyword, but the negative sentiment gates joy out.
 */
import { round4 } from './vectors.js';
import type { ClassScore } from './zeroshot.js';

export interface SentimentProbs {
  negative: number;
  neutral: number;
  positive: number;
}

export interface EmotionHit {
  id: string;
  score: number;
}

/**
 * Zero-shot alone stays below the default threshold (0.45 at best): USE similarities separate
 * emotions poorly ("This is getting ridiculous" is as close to surprise as to anger), so an emotion
 * needs a cue; the similarity raises or lowers how sure we are.
 */
const ZERO_SHOT_WEIGHT = 0.45;

const POSITIVE = new Set(['satisfaction-joy', 'gratitude']);
const NEGATIVE = new Set(['frustration-anger', 'disappointment', 'worry']);

/** Frustration cues that are not words: "!!!", "?!", ALL-CAPS shouting, "again"/"still" complaints. */
export function frustrationCues(text: string): number {
  let cue = 0;
  if (/!{2,}|\?!|!\?/.test(text)) cue += 0.55;
  const caps = text.match(/\b[A-Z]{3,}\b/g)?.filter((w) => !/^(USA|UK|EU|FAQ|APP|iOS|SMS|PIN|CEO|TV|ETA|ID|NPS)$/.test(w)) ?? [];
  if (caps.length >= 2) cue += 0.45;
  if (/\b(again|yet again|still (not|no|waiting|hasn'?t|haven'?t)|every (single )?time|third time|second time)\b/i.test(text)) cue += 0.3;
  return Math.min(0.9, cue);
}

/** A real question about why/how/what: confusion (not rhetorical exclamations). */
export function confusionCues(text: string): number {
  return /\b(why|how|what|where|which)\b[^.!?]*\?/i.test(text) ? 0.55 : 0;
}

function gate(id: string, s: SentimentProbs): number {
  if (POSITIVE.has(id)) return Math.min(1, 1.6 * (s.positive + 0.35 * s.neutral));
  if (NEGATIVE.has(id)) return Math.min(1, 1.6 * (s.negative + 0.35 * s.neutral));
  return 1;
}

export function scoreEmotions(
  scores: ClassScore[],
  keywordHits: ReadonlyMap<string, number>,
  text: string,
  sentiment: SentimentProbs,
  threshold: number,
): EmotionHit[] {
  const shouting = frustrationCues(text);
  const out: EmotionHit[] = [];
  for (const s of scores) {
    const hits = keywordHits.get(s.id) ?? 0;
    let cues = hits >= 2 ? 0.8 : hits >= 1 ? 0.65 : 0;
    if (s.id === 'frustration-anger') cues = 1 - (1 - cues) * (1 - shouting);
    if (s.id === 'confusion') cues = 1 - (1 - cues) * (1 - confusionCues(text));
    const evidence = 1 - (1 - ZERO_SHOT_WEIGHT * s.absolute) * (1 - cues);
    const score = round4(evidence * gate(s.id, sentiment));
    if (score >= threshold) out.push({ id: s.id, score });
  }
  return out.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
