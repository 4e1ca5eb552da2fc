import { describe, expect, it } from 'vitest';
import { splitSentences, type Span } from '../src/text/sentences.js';
import { mulberry32 } from '../src/util/random.js';

const texts = (text: string, spans: Span[]): string[] => spans.map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('splits sentences and keeps abbreviations together', () => {
    const text = 'Dr. Smith said e.g. the U.S. box was late. Really! Why?';
    expect(texts(text, splitSentences(text))).toEqual(['Dr. Smith said e.g. the U.S. box was late.', 'Really!', 'Why?']);
  });

  it('ends a sentence at every line break (bulleted answers, paragraphs)', () => {
    const text = 'What went wrong:\n- late box\n- warm ice packs\n\nOtherwise fine';
    expect(texts(text, splitSentences(text))).toEqual(['What went wrong:', '- late box', '- warm ice packs', 'Otherwise fine']);
  });

  it('returns trimmed spans that index into the text', () => {
    const text = '  Late again.   Cold food.  ';
    const spans = splitSentences(text);
    expect(spans).toEqual([
      { start: 2, end: 13 },
      { start: 16, end: 26 },
    ]);
  });

  it('splits Japanese sentences without spaces and keeps one-sentence lines whole', () => {
    const text = '配送が遅かった。箱が濡れていた。\nGreat box!!! Love it\nno punctuation here';
    expect(texts(text, splitSentences(text))).toEqual(['配送が遅かった。', '箱が濡れていた。', 'Great box!!!', 'Love it', 'no punctuation here']);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\n \t ')).toEqual([]);
  });

  it('cuts over-long sentences at clause boundaries, within maxChars', () => {
    const clause = 'the courier left the box in the rain again and nobody called me back about it';
    const text = `${clause}; ${clause}, ${clause} — ${clause}; ${clause}.`;
    const spans = splitSentences(text, { maxChars: 200 });
    expect(spans.length).toBeGreaterThan(2);
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(200);
    // Cuts land after clause punctuation, not in the middle of a word.
    for (const piece of texts(text, spans).slice(0, -1)) expect(piece).toMatch(/[;,—]$/);
  });

  it('cuts a sentence without punctuation at a space, and one without spaces at maxChars', () => {
    const words = 'word '.repeat(200).trim();
    for (const piece of texts(words, splitSentences(words, { maxChars: 100 }))) {
      expect(piece.length).toBeLessThanOrEqual(100);
      expect(piece).toMatch(/^word( word)*$/);
    }
    const blob = 'x'.repeat(250);
    expect(splitSentences(blob, { maxChars: 100 }).map((s) => s.end - s.start)).toEqual([100, 100, 50]);
  });

  it('defaults maxChars to 600', () => {
    const text = 'a '.repeat(700).trim();
    for (const s of splitSentences(text)) expect(s.end - s.start).toBeLessThanOrEqual(600);
  });
});

/** Deterministic PRNG so failures reproduce. */
const rng = mulberry32;

const PIECES = [
  'box', 'late', 'Dr.', 'e.g.', 'U.S.', 'app', 'v5.2', '!', '?', '.', '...', ',', ';', '—', '"', '(', ')', '- ', '* ',
  '\n', '\n\n', ' ', '  ', '\t', 'café', '日本語。', '😀', 'x'.repeat(40), '[EMAIL]', '10:30', '€5.99', '„Gut“',
];

function randomText(next: () => number): string {
  const n = Math.floor(next() * 120);
  let t = '';
  for (let i = 0; i < n; i++) t += PIECES[Math.floor(next() * PIECES.length)]! + (next() < 0.6 ? ' ' : '');
  return t;
}

describe('splitSentences properties', () => {
  it('spans are non-empty, trimmed, ordered, non-overlapping and cover every non-space character once', () => {
    const next = rng(42);
    for (let run = 0; run < 500; run++) {
      const text = randomText(next);
      const maxChars = 20 + Math.floor(next() * 200);
      const spans = splitSentences(text, { maxChars });
      let prevEnd = 0;
      let covered = '';
      for (const s of spans) {
        const piece = text.slice(s.start, s.end);
        expect(piece.length).toBeGreaterThan(0);
        expect(piece).toBe(piece.trim());
        expect(s.start).toBeGreaterThanOrEqual(prevEnd);
        expect(s.end - s.start).toBeLessThanOrEqual(maxChars);
        prevEnd = s.end;
        covered += piece;
      }
      expect(covered.replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      // Whatever lies between spans is whitespace only.
      let last = 0;
      for (const s of spans) {
        expect(text.slice(last, s.start).trim()).toBe('');
        last = s.end;
      }
      expect(text.slice(last).trim()).toBe('');
    }
  });
});
