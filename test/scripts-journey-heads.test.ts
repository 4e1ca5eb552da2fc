/**
 * The training script's pure parts: per-theme scores of multi-label predictions, and keeping the
 * stage/touchpoint sections of docs/eval-journey.md when a run retrains only the themes head
 * (`--fields none --themes`), so that the report never loses measured numbers silently.
 */
import { describe, expect, it } from 'vitest';
import { crossFitted, fBetaThreshold, keepSections, themePerLabel } from '../scripts/train-journey-heads.js';

describe('train-journey-heads helpers', () => {
  it('scores each theme of multi-label predictions', () => {
    const gold = [['communication'], ['policies-terms'], ['communication', 'waiting-delays'], []];
    const pred = [['communication'], ['communication'], ['waiting-delays'], ['communication']];
    const by = new Map(themePerLabel(gold, pred).map((t) => [t.label, t]));
    expect(by.get('communication')).toEqual({ label: 'communication', precision: 1 / 3, recall: 1 / 2, predicted: 3, gold: 2 });
    expect(by.get('waiting-delays')).toMatchObject({ precision: 1, recall: 1 });
    expect(by.get('policies-terms')).toMatchObject({ precision: 0, recall: 0, predicted: 0, gold: 1 });
  });

  it('keeps the previous stage and touchpoint sections, marked, when they were not re-run', () => {
    const previous = ['# Head', '', 'old header', '', '## stage', '', 'stage numbers', '', '## touchpoint', '', 'touchpoint numbers', '', '## themes (x)', '', 'old themes', ''].join('\n');
    const lines = ['# Head', '', 'new header', '', '## themes (x)', '', 'new themes', ''];
    const out = keepSections(previous, lines, []);
    expect(out).toContain('new header');
    expect(out).toContain('stage numbers');
    expect(out).toContain('touchpoint numbers');
    expect(out).toContain('new themes');
    expect(out).not.toContain('old themes');
    expect(out.indexOf('## stage')).toBeLessThan(out.indexOf('## themes'));
    expect(out.match(/Kept from the previous run/g)).toHaveLength(2);
    // Run again on its own output: the note is not repeated.
    expect(keepSections(out, lines, []).match(/Kept from the previous run/g)).toHaveLength(2);
    // A field that was re-run is not kept from before.
    expect(keepSections(previous, ['# Head', '', '## stage', '', 'new stage', ''], ['stage'])).not.toContain('stage numbers');
  });

  it('chooses F-beta-optimal thresholds, and cross-fits them so a source never picks its own', () => {
    // Scores 0.9 (yes), 0.8 (no), 0.6 (yes), 0.3 (no). Cut at 0.9: P 1, R 1/2; at 0.6: P 2/3, R 1.
    // F1: 0.667 vs 0.8, so 0.6; F0.5 (precision first): 0.833 vs 0.714, so 0.9.
    const probs = [0.9, 0.8, 0.6, 0.3];
    const gold = [true, false, true, false];
    expect(fBetaThreshold(probs, gold, 1)).toBe(0.6);
    expect(fBetaThreshold(probs, gold, 0.5)).toBe(0.9);
    expect(fBetaThreshold(probs, [false, false, false, false], 1)).toBeNull();
    // Equal scores are one cut: 0.7 (yes) and 0.7 (no) cannot be separated.
    expect(fBetaThreshold([0.7, 0.7, 0.2], [true, false, false], 1)).toBe(0.7);
    // Two sources. Source a's threshold comes from b's scores (b: yes at 0.5, no at 0.2, so 0.5),
    // b's from a's (a: yes at 0.9, no at 0.6, so 0.9); 'raise' keeps a stricter own threshold.
    const p = [{ x: 0.9 }, { x: 0.6 }, { x: 0.5 }, { x: 0.2 }];
    const g = [['x'], [], ['x'], []];
    const floors = p.map(() => ({ x: 0.3 }));
    expect(crossFitted(p, floors, g, ['a', 'a', 'b', 'b'], 1, 'replace')).toEqual([['x'], ['x'], [], []]);
    expect(crossFitted(p, p.map(() => ({ x: 0.95 })), g, ['a', 'a', 'b', 'b'], 1, 'raise')).toEqual([[], [], [], []]);
    expect(crossFitted(p, floors, g, ['a', 'a', 'b', 'b'], 1, 'raise')).toEqual([['x'], ['x'], [], []]);
  });
});
