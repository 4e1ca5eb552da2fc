/**
 * Sentence segmentation: the unit every later stage analyses (sentiment, emotion, themes, journey).
 *
 * Spans are offsets into the given text so a segment can always be traced back to the document.
 * Line breaks end a sentence (bulleted answers, chat lines, paragraphs); inside a line the
 * `sentence-splitter` library finds boundaries and knows abbreviations (Dr., e.g., U.S.). Sentences
 * longer than `maxChars` are cut at a clause boundary so that models with short inputs still see
 * all of the text.
 */
import { split } from 'sentence-splitter';

export interface Span {
  start: number;
  end: number;
}

export interface SplitOptions {
  /** Longest segment in characters; longer sentences are cut at a clause boundary. Default 600. */
  maxChars?: number;
}

export const DEFAULT_MAX_SENTENCE_CHARS = 600;

const WHITESPACE = /\s/;
/** A possible sentence end followed by more text on the same line. */
const INNER_BOUNDARY = /[.!?…‼⁇⁈⁉]['"”’)\]»]*\s+\S|[。！？｡][^\s]/u;
/** Clause boundaries, best first: a cut goes right after one of these. */
const CLAUSE_MARKS = [/[;:]\s/g, /\s[—–]\s|[—–]/g, /,\s/g];

/** Splits text into trimmed, non-empty, ordered, non-overlapping sentence spans. */
export function splitSentences(text: string, opts: SplitOptions = {}): Span[] {
  const maxChars = Math.max(20, opts.maxChars ?? DEFAULT_MAX_SENTENCE_CHARS);
  const spans: Span[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    for (const s of lineSentences(text, lineStart, lineEnd)) spans.push(...capLength(text, s, maxChars));
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  return spans;
}

/**
 * Sentences of one line. Only the sentence ENDS reported by the library are used; pieces are the
 * text between consecutive ends, so every non-space character lands in exactly one span even if the
 * library leaves punctuation or whitespace nodes outside its sentences.
 */
function lineSentences(text: string, lineStart: number, lineEnd: number): Span[] {
  const line = text.slice(lineStart, lineEnd);
  if (!line.trim()) return [];
  // The library costs ~0.2 ms per call; a line without a sentence end before its last word is
  // one sentence, and most lines (bullets, short answers, chat turns) are like that.
  if (!INNER_BOUNDARY.test(line.trimEnd())) {
    const span = trimSpan(text, lineStart, lineEnd);
    return span ? [span] : [];
  }
  const ends = new Set<number>();
  for (const node of split(line)) {
    if (node.type === 'Sentence') ends.add(node.range[1]);
  }
  ends.add(line.length);
  const spans: Span[] = [];
  let start = 0;
  for (const end of [...ends].sort((a, b) => a - b)) {
    const span = trimSpan(text, lineStart + start, lineStart + end);
    if (span) spans.push(span);
    start = end;
  }
  return spans;
}

function trimSpan(text: string, start: number, end: number): Span | null {
  let s = start;
  let e = end;
  while (s < e && WHITESPACE.test(text[s]!)) s++;
  while (e > s && WHITESPACE.test(text[e - 1]!)) e--;
  return s < e ? { start: s, end: e } : null;
}

/** Cuts a span into pieces of at most `maxChars`, each trimmed. */
function capLength(text: string, span: Span, maxChars: number): Span[] {
  const out: Span[] = [];
  let rest: Span | null = span;
  while (rest && rest.end - rest.start > maxChars) {
    const cut = cutPoint(text, rest.start, rest.start + maxChars);
    const head = trimSpan(text, rest.start, cut);
    if (head) out.push(head);
    rest = trimSpan(text, cut, rest.end);
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Where to cut text[start, limit): after the last clause mark in the second half of the window,
 * else at the last space, else at the limit (never between the two halves of a surrogate pair).
 */
function cutPoint(text: string, start: number, limit: number): number {
  const window = text.slice(start, limit);
  const minCut = Math.floor(window.length / 2);
  for (const mark of CLAUSE_MARKS) {
    let best = -1;
    for (const m of window.matchAll(mark)) {
      const after = m.index + m[0].length;
      if (after >= minCut && after < window.length) best = after;
    }
    if (best > 0) return start + best;
  }
  const space = window.lastIndexOf(' ');
  if (space > 0) return start + space;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
