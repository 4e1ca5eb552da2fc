/**
 * The training script's pure parts: per-theme scores of multi-label predictions, and keeping the
 * stage/touchpoint sections of docs/eval-journey.md when a run retrains only the themes head
 * (`--fields none --themes`), so that the report never loses measured numbers silently.
 */
import { describe, expect, it } from 'vitest';
import { keepSections, themePerLabel } from '../scripts/train-journey-heads.js';

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
});
