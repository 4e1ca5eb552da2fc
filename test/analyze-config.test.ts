/**
 * Codeframe and analysis-config validation: the shipped codeframes load; broken codeframes fail
 * with messages that name the key; an empty `analysis: {}` gets working defaults.
 */
import { describe, expect, it } from 'vitest';
import { parseAnalysisConfig } from '../src/config/analysis.js';
import { headFile } from '../src/analyze/models.js';
import { BUILTIN_CODEFRAMES, loadCodeframe, parseCodeframe, type CodeframeKind } from '../src/config/codeframe.js';
import { UserError } from '../src/util/errors.js';

const ok = `id: t
version: 1
kind: themes
themes:
  - id: delivery
    label: Delivery
    description: Orders arriving.
    children:
      - id: late-delivery
        label: Late delivery
        examples: [it came late]
`;

function error(text: string): string {
  try {
    parseCodeframe(text, 'codeframe test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('codeframes', () => {
  it('loads every shipped codeframe with its kind', () => {
    for (const [kind, file] of Object.entries(BUILTIN_CODEFRAMES)) {
      const cf = loadCodeframe(`builtin:${file}`, kind as CodeframeKind);
      expect(cf.themes.length).toBeGreaterThan(5);
      expect(cf.hash).toMatch(/^[0-9a-f]{16}$/);
    }
    const themes = loadCodeframe('builtin:voc-default.yaml').themes;
    const late = themes.find((t) => t.id === 'late-delivery')!;
    expect(late.parentId).toBe('delivery');
    expect(late.isLeaf).toBe(true);
    expect(themes.find((t) => t.id === 'delivery')!.isLeaf).toBe(false);
  });

  it('flattens the hierarchy with parents and defaults', () => {
    const cf = parseCodeframe(ok, 'x');
    expect(cf.themes.map((t) => [t.id, t.parentId, t.depth])).toEqual([
      ['delivery', null, 0],
      ['late-delivery', 'delivery', 1],
    ]);
    expect(cf.themes[1]!.keywords).toEqual([]);
  });

  it('rejects duplicate ids anywhere in the tree, naming the path', () => {
    const msg = error(ok.replace('id: late-delivery', 'id: delivery'));
    expect(msg).toContain('themes.0.children.0.id');
    expect(msg).toContain('"delivery" is used twice');
  });

  it('accepts the researcher\'s own codes as ids, rejects ids with outer spaces and unknown keys', () => {
    expect(parseCodeframe(ok.replace('id: late-delivery', 'id: Late_Delivery'), 'codeframe test.yaml').themes.map((t) => t.id)).toContain('Late_Delivery');
    expect(error(ok.replace('id: late-delivery', 'id: "Late delivery "'))).toMatch(/themes\.0\.children\.0\.id: found "Late delivery "; expected an id: no leading or trailing spaces/);
    expect(error(ok.replace('label: Delivery', 'label: Delivery\n    colour: red'))).toContain('unknown key(s) "colour"');
  });

  it('rejects a theme with no text to match and a wrong kind', () => {
    expect(error(ok.replace('        examples: [it came late]\n', ''))).toContain('a description or examples');
    expect(error(ok.replace('kind: themes', 'kind: topics'))).toMatch(/kind: found "topics"; expected one of "themes"/);
    expect(() => loadCodeframe('builtin:emotions.yaml', 'themes')).toThrow(/kind "emotions" but is used for themes/);
  });
});

describe('analysis config', () => {
  it('gives working defaults for an empty section', () => {
    const cfg = parseAnalysisConfig({});
    expect(cfg.encoder).toEqual({ backend: 'use' });
    // Cross-industry by default (fits complaints, reviews and tickets of any industry: docs/audit.md),
    // with its shipped themes head; voc-default stays selectable and then has no head.
    expect(cfg.codeframes.themes).toBe('builtin:cross-industry.yaml');
    expect(headFile(cfg, 'themes')).toMatch(/themes-cross-industry\.json$/);
    expect(headFile(parseAnalysisConfig({ codeframes: { themes: 'builtin:voc-default.yaml' } }), 'themes')).toBeNull();
    expect(cfg.themes.threshold).toBe(0.5);
    // How feedback arrived is not its touchpoint unless the user maps it (DEFAULT_CHANNEL_TOUCHPOINTS is opt-in).
    expect(cfg.journey.channelTouchpoints).toEqual({});
    expect(parseAnalysisConfig({ journey: { channelTouchpoints: 'default' } }).journey.channelTouchpoints.phone).toBe('phone');
    expect(cfg.heads.stage).toBe('builtin:stage-general.json');
    expect(cfg.journey.themeStagePriors.cancellation).toBe('retention');
    expect(cfg.discovery.seed).toBe(42);
  });

  it('names the bad key in errors', () => {
    expect(() => parseAnalysisConfig({ themes: { threshold: 2 } })).toThrow(/themes\.threshold: found 2/);
    expect(() => parseAnalysisConfig({ rules: [{ when: { channel: 'phone' } }] })).toThrow(/rules\.0: .*needs stage, touchpoint or theme/);
    expect(() => parseAnalysisConfig({ encoder: { backend: 'gpt' } })).toThrow(/encoder/);
  });
});
