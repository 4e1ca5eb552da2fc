import { beforeAll, describe, expect, it } from 'vitest';
import { createLanguageDetector, languageSample, type LanguageDetector } from '../src/text/language.js';

let detector: LanguageDetector;
beforeAll(async () => {
  detector = await createLanguageDetector();
});

describe('language detection (fastText lid.176 from fasttext.wasm.js)', () => {
  it.each([
    ['en', 'The courier left my box in the rain and the food was warm when I opened it.'],
    ['fr', "La livraison était en retard et les légumes n'étaient pas frais du tout."],
    ['de', 'Die Lieferung kam zwei Tage zu spät und die Kühlakkus waren geschmolzen.'],
    ['es', 'El repartidor dejó la caja bajo la lluvia y nadie respondió a mis correos.'],
    ['ja', '配送がとても遅くて、箱が濡れていました。'],
  ])('detects %s', (lang, text) => {
    const result = detector.detect(text);
    expect(result.lang).toBe(lang);
    expect(result.confidence).toBeGreaterThan(0.5);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it.each(['', 'ok thanks', 'Great service!', '12345 678', '👍👍', '[EMAIL]', '[EMAIL] [PHONE] [ORDER_ID] [URL]'])('returns und with confidence 0 for "%s"', (text) => {
    expect(detector.detect(text)).toEqual({ lang: 'und', confidence: 0 });
  });

  it('ignores redaction placeholders', () => {
    expect(detector.detect('Bonjour, [EMAIL] [PHONE] [CARD] [IBAN] merci beaucoup pour la livraison').lang).toBe('fr');
  });

  it('handles multi-line text as one line', () => {
    expect(detector.detect('Ich liebe\ndiese Box.\nDas Essen\nist immer frisch.').lang).toBe('de');
  });

  it('returns the same cached detector every time', async () => {
    expect(await createLanguageDetector()).toBe(detector);
  });

  it('looks only at the first 1000 characters, on one line', () => {
    const sample = languageSample(`${'Die Lieferung war spät.\n'.repeat(100)}${'The box was late. '.repeat(200)}`);
    expect(sample.length).toBeLessThanOrEqual(1000);
    expect(sample).not.toContain('\n');
    expect(detector.detect(`${'Die Lieferung war leider wieder viel zu spät. '.repeat(30)}${'The box was late. '.repeat(200)}`).lang).toBe('de');
  });
});
