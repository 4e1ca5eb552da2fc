/**
 * Emotions on the hand-labelled set (test/data/emotion-labelled.csv) with the real encoder and
 * sentiment model: micro- and macro-F1 must stay above a floor, and the cue rules behave.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateEmotions, readEmotionSet, scoreEmotionPredictions } from '../scripts/eval/emotion.js';
import { confusionCues, frustrationCues } from '../src/analyze/emotion.js';

describe('emotions', () => {
  it('the labelled set is big enough and covers every emotion', () => {
    const rows = readEmotionSet();
    expect(rows.length).toBeGreaterThanOrEqual(120);
    for (const id of ['frustration-anger', 'confusion', 'disappointment', 'worry', 'satisfaction-joy', 'gratitude']) {
      expect(rows.filter((r) => r.gold.includes(id)).length).toBeGreaterThanOrEqual(10);
    }
  });

  it('scores F1 correctly', () => {
    const s = scoreEmotionPredictions([['worry'], ['gratitude'], []], [['worry'], [], ['gratitude']]);
    expect(s.perEmotion.find((e) => e.id === 'worry')!.f1).toBe(1);
    expect(s.perEmotion.find((e) => e.id === 'gratitude')!.f1).toBe(0);
    expect(s.microF1).toBeCloseTo(0.5);
  });

  it('cues: shouting and repeated failures are frustration, real questions are confusion', () => {
    expect(frustrationCues('Late AGAIN!!! SORT IT OUT')).toBeGreaterThan(0.5);
    expect(frustrationCues('Delivery was fine.')).toBe(0);
    expect(confusionCues('Why was I charged twice?')).toBeGreaterThan(0);
    expect(confusionCues('Great service!')).toBe(0);
  });

  it('reaches the F1 floor on the labelled set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voc-emo-'));
    try {
      const s = await evaluateEmotions(join(dir, 'cache.sqlite'));
      expect(s.microF1).toBeGreaterThanOrEqual(0.8);
      expect(s.macroF1).toBeGreaterThanOrEqual(0.75);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
