/**
 * Where a pass over the facts (matrices.ts) gets its segments: the columnar fact blocks
 * (store/fact-blocks.ts) when they are current and can answer the scope, else the streaming read
 * model (store/aggregate-facts.ts, the reference). Both hand each segment in scope to the pass in
 * stream order (document, position) as a `SegmentAccess` with the same values, so the cells and
 * quotes are the same whichever source answered (test/aggregate-blocks.test.ts).
 *
 * The block source filters in JavaScript with each block's dictionaries: a condition on a coded
 * column is decided once per dictionary value, then per segment by a table lookup; attribute
 * dimensions and conditions the same way through the block's attribute columns. Segment-id
 * conditions are not in the blocks: those scopes stream.
 */
import type { Dimension } from '../config/aggregate.js';
import type { Db } from '../store/db.js';
import { analysisKeysInScope, streamFacts, type SegmentScope, type StreamOptions } from '../store/aggregate.js';
import { factBlocksCurrent, readBlocks, type Coded, type FactBlock } from '../store/fact-blocks.js';
import { emotionCodes, EMOTION_CODES, MONTH_CODES } from './emotions.js';
import { dimensionValues, UNKNOWN, viewOf, type FactView } from './facts.js';
import { ancestors, rootOf, UNASSIGNED, type ThemeIndex } from './themes.js';

/** One segment as a pass reads it; valid only during the callback that received it. */
export interface SegmentAccess {
  readonly documentId: number;
  readonly segmentId: number;
  readonly charStart: number;
  readonly charEnd: number;
  readonly negative: boolean;
  readonly sentimentScore: number;
  readonly pNegative: number;
  readonly score: number | null;
  readonly scoreScale: string | null;
  readonly month: string | null;
  /** The month's code in MONTH_CODES, -1 for none. */
  readonly monthCode: number;
  /** Emotions stored for the segment, best first. */
  readonly emotions: readonly string[];
  /** Their codes in EMOTION_CODES. */
  readonly emotionCodes: readonly number[];
  /** Shorter than MIN_QUOTE_CHARS (false unless asked for). */
  readonly short: boolean;
  emotionScore(emotion: string): number | undefined;
  /** The rolled-up score of a theme (undefined when the segment is not about it). */
  themeScore(theme: string): number | undefined;
  /** The best rolled-up theme score, 0 without themes. */
  bestThemeScore(): number;
  /** The keys the segment falls into on a dimension. */
  values(dim: Dimension): readonly string[];
}

export interface FactSource {
  /** Calls `each` once per segment in scope, in stream order. */
  forEach(each: (seg: SegmentAccess) => void): void;
  /** The analysis versions of the segments in scope, sorted (after a forEach). */
  analysisKeys(): string[];
  readonly kind: 'blocks' | 'stream';
}

/* ---------------------------------------------------------------------------------------------
 * The stream
 * ------------------------------------------------------------------------------------------- */

class ViewAccess implements SegmentAccess {
  readonly documentId: number;
  readonly segmentId: number;
  readonly charStart: number;
  readonly charEnd: number;
  readonly negative: boolean;
  readonly sentimentScore: number;
  readonly pNegative: number;
  readonly score: number | null;
  readonly scoreScale: string | null;
  readonly month: string | null;
  readonly monthCode: number;
  readonly emotions: readonly string[];
  readonly emotionCodes: readonly number[];
  readonly short: boolean;

  constructor(
    private readonly view: FactView,
    private readonly index: ThemeIndex,
  ) {
    const f = view.fact;
    this.documentId = f.documentId;
    this.segmentId = f.segmentId;
    this.charStart = f.charStart;
    this.charEnd = f.charEnd;
    this.negative = f.sentiment === 'negative';
    this.sentimentScore = f.sentimentScore;
    this.pNegative = f.pNegative;
    this.score = f.score;
    this.scoreScale = f.scoreScale;
    this.month = view.month;
    this.monthCode = view.month === null ? -1 : MONTH_CODES.of(view.month);
    this.emotions = f.emotions;
    this.emotionCodes = f.emotions.length ? emotionCodes(f.emotions) : NO_CODES;
    this.short = f.short;
  }

  emotionScore(emotion: string): number | undefined {
    return this.view.fact.emotionScores[emotion];
  }

  themeScore(theme: string): number | undefined {
    return this.view.themes.get(theme);
  }

  bestThemeScore(): number {
    let best = 0;
    for (const s of this.view.themes.values()) best = Math.max(best, s);
    return best;
  }

  values(dim: Dimension): readonly string[] {
    return dimensionValues(this.view, dim, this.index);
  }
}

export function streamSource(db: Db, scope: SegmentScope, index: ThemeIndex, options: StreamOptions): FactSource {
  return {
    kind: 'stream',
    forEach(each) {
      for (const fact of streamFacts(db, scope, options)) each(new ViewAccess(viewOf(fact, index), index));
    },
    analysisKeys: () => analysisKeysInScope(db, scope),
  };
}

/* ---------------------------------------------------------------------------------------------
 * The blocks
 * ------------------------------------------------------------------------------------------- */

const NONE: readonly string[] = Object.freeze([]);
const NO_CODES: readonly number[] = Object.freeze([]);
const UNASSIGNED_LIST: readonly string[] = Object.freeze([UNASSIGNED]);
const ALL_LIST: readonly string[] = Object.freeze(['all']);
const UNKNOWN_LISTS: readonly (readonly string[])[] = Object.freeze([Object.freeze([UNKNOWN])]);
const ATTR = 'attr:';

/** The coded column and the key a dictionary value stands for, per single-valued dimension and condition field. */
const SINGLE: Readonly<Record<string, { col: Coded; key: (v: string | null) => string }>> = {
  stage: { col: 'stage', key: (v) => v ?? UNKNOWN },
  touchpoint: { col: 'touchpoint', key: (v) => v ?? UNKNOWN },
  sentiment: { col: 'sentiment', key: (v) => v ?? UNKNOWN },
  kind: { col: 'kind', key: (v) => v ?? UNKNOWN },
  source: { col: 'source', key: (v) => v ?? UNKNOWN },
  channel: { col: 'channel', key: (v) => v ?? UNKNOWN },
  month: { col: 'month', key: (v) => v ?? UNKNOWN },
};

/** Only code points below 128 (compared the same way as UTF-16 units and UTF-8 bytes). */
function ASCII(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 127) return false;
  return true;
}

/** One block's compiled filter: a table per coded condition, plus tag and emotion tests. */
interface BlockFilter {
  coded: { codes: Int32Array; ok: Uint8Array }[];
  /** Per theme code of the block: tagged with a theme the condition lists. */
  themes: { ok: Uint8Array; orUntagged: boolean }[];
  /** Emotion codes the segment must show (-1: no segment in the block does). */
  emotions: number[];
  /** No segment of the block can be in scope (an attribute condition on a name the block lacks). */
  none: boolean;
}

class BlockAccess implements SegmentAccess {
  documentId = 0;
  segmentId = 0;
  charStart = 0;
  charEnd = 0;
  negative = false;
  sentimentScore = 0;
  pNegative = 0;
  /**
   * The document's score, NaN for none, in a field that only ever holds doubles. A `number | null`
   * field stored from the Float64Array put setRow in a deoptimisation loop (`node --trace-deopt`:
   * "reason: Smi" at that store, re-optimised about 1,000 times at 1M segments, 3-4 s of CPU).
   */
  private rawScore = NaN;
  scoreScale: string | null = null;
  month: string | null = null;
  monthCode = -1;
  emotions: readonly string[] = NONE;
  emotionCodes: readonly number[] = NO_CODES;
  short = false;

  get score(): number | null {
    const s = this.rawScore;
    return s !== s ? null : s; // NaN is the only value unequal to itself
  }

  private b!: FactBlock;
  private i = 0;
  private negativeCode = -1;
  /** Per single-valued dimension: the block's codes for it and the one-key list of each code (codes null: every segment has the first list). */
  private single = new Map<Dimension, { codes: Int32Array | null; lists: readonly (readonly string[])[] }>();
  /** Per theme code: itself and its ancestors, nearest first; and its top-level theme. */
  private chains: readonly (readonly string[])[] = [];
  private roots: readonly string[] = [];
  private readonly rolled: string[] = [];
  private readonly rolledScore: number[] = [];
  private rolledFor = -1;
  private readonly rootList: string[] = [];
  /** Per emotion code of the block: the one-emotion list, its code in EMOTION_CODES and that code alone. */
  private oneEmotion: readonly (readonly string[])[] = [];
  private emotionCode: readonly number[] = [];
  private oneEmotionCode: readonly (readonly number[])[] = [];
  /** Per month code of the block: the code in MONTH_CODES. */
  private monthCodeOf: readonly number[] = [];

  constructor(
    private readonly index: ThemeIndex,
    private readonly dims: readonly Dimension[],
  ) {}

  /** Starts a block: per-code tables for every dimension the pass asks for. */
  setBlock(b: FactBlock): void {
    this.b = b;
    this.negativeCode = b.dict.sentiment.indexOf('negative');
    this.single.clear();
    for (const dim of this.dims) {
      const s = SINGLE[dim];
      if (s) this.single.set(dim, { codes: b.codes[s.col], lists: b.dict[s.col].map((v) => Object.freeze([s.key(v)])) });
      else if (dim.startsWith(ATTR)) {
        const a = b.attributes.get(dim.slice(ATTR.length));
        this.single.set(dim, a ? { codes: a.codes, lists: a.values.map((v) => Object.freeze([v])) } : { codes: null, lists: UNKNOWN_LISTS });
      }
    }
    this.oneEmotion = b.emotions.map((e) => Object.freeze([e]));
    this.emotionCode = b.emotions.map((e) => EMOTION_CODES.of(e));
    this.oneEmotionCode = this.emotionCode.map((c) => Object.freeze([c]));
    this.monthCodeOf = b.dict.month.map((m) => (m === null ? -1 : MONTH_CODES.of(m)));
    this.chains = b.themes.map((id) => Object.freeze([id, ...ancestors(id, this.index)]));
    this.roots = b.themes.map((id) => rootOf(id, this.index));
    this.rolledFor = -1;
  }

  setRow(i: number): void {
    const b = this.b;
    this.i = i;
    this.documentId = b.documentId[i]!;
    this.segmentId = b.segmentId[i]!;
    this.charStart = b.charStart[i]!;
    this.charEnd = b.charEnd[i]!;
    this.negative = b.codes.sentiment[i] === this.negativeCode;
    this.sentimentScore = b.sentimentScore[i]!;
    this.pNegative = b.pNegative[i]!;
    this.rawScore = b.score[i]!;
    this.scoreScale = b.dict.scale[b.codes.scale[i]!]!;
    const month = b.codes.month[i]!;
    this.month = b.dict.month[month]!;
    this.monthCode = this.monthCodeOf[month]!;
    this.short = b.short[i] === 1;
    const e0 = b.emotionStart[i]!;
    const e1 = b.emotionStart[i + 1]!;
    if (e0 === e1) {
      this.emotions = NONE;
      this.emotionCodes = NO_CODES;
    } else if (e1 === e0 + 1) {
      this.emotions = this.oneEmotion[b.emotionCode[e0]!]!;
      this.emotionCodes = this.oneEmotionCode[b.emotionCode[e0]!]!;
    } else {
      const list: string[] = [];
      const codes: number[] = [];
      for (let e = e0; e < e1; e++) {
        list.push(b.emotions[b.emotionCode[e]!]!);
        codes.push(this.emotionCode[b.emotionCode[e]!]!);
      }
      this.emotions = list;
      this.emotionCodes = codes;
    }
  }

  emotionScore(emotion: string): number | undefined {
    const b = this.b;
    for (let e = b.emotionStart[this.i]!; e < b.emotionStart[this.i + 1]!; e++) {
      if (b.emotions[b.emotionCode[e]!] === emotion) return b.emotionScore[e]!;
    }
    return undefined;
  }

  /** Rolls the tags up as rollupThemes does: every tag and its ancestors once, each with the best score under it. */
  private rollup(): void {
    if (this.rolledFor === this.i) return;
    this.rolledFor = this.i;
    const b = this.b;
    // Reused arrays: a segment's values are read only while the pass visits it.
    const ids = this.rolled;
    const scores = this.rolledScore;
    const roots = this.rootList;
    ids.length = 0;
    scores.length = 0;
    roots.length = 0;
    for (let t = b.tagStart[this.i]!; t < b.tagStart[this.i + 1]!; t++) {
      const code = b.tagTheme[t]!;
      const score = b.tagScore[t]!;
      for (const id of this.chains[code]!) {
        const at = ids.indexOf(id);
        if (at < 0) {
          ids.push(id);
          scores.push(score);
        } else if (score > scores[at]!) scores[at] = score;
      }
      const root = this.roots[code]!;
      if (!roots.includes(root)) roots.push(root);
    }
  }

  themeScore(theme: string): number | undefined {
    this.rollup();
    const at = this.rolled.indexOf(theme);
    return at < 0 ? undefined : this.rolledScore[at];
  }

  bestThemeScore(): number {
    const b = this.b;
    let best = 0;
    for (let t = b.tagStart[this.i]!; t < b.tagStart[this.i + 1]!; t++) best = Math.max(best, b.tagScore[t]!);
    return best;
  }

  values(dim: Dimension): readonly string[] {
    const single = this.single.get(dim);
    if (single) return single.codes === null ? single.lists[0]! : single.lists[single.codes[this.i]!]!;
    if (dim === 'all') return ALL_LIST;
    const untagged = this.b.tagStart[this.i] === this.b.tagStart[this.i + 1];
    if (dim === 'theme' || dim === 'parent_theme') {
      if (untagged) return UNASSIGNED_LIST;
      this.rollup();
      return dim === 'theme' ? this.rolled : this.rootList;
    }
    throw new Error(`fact blocks hold no ${dim}`);
  }
}

/** Compares a date's prefix with a bound as SQLite's `substr(created_at, 1, len) op bound` does. */
function dateTest(db: Db, bound: string, op: '>=' | '<='): (v: string | null) => boolean {
  const sql = db.prepare(`SELECT substr(?, 1, ?) ${op} ?`).pluck();
  return (v) => {
    if (v === null) return false;
    if (!ASCII(v)) return sql.get(v, bound.length, bound) === 1;
    const p = v.slice(0, bound.length);
    return op === '>=' ? p >= bound : p <= bound;
  };
}

function compileFilter(db: Db, scope: SegmentScope): ((b: FactBlock) => BlockFilter) {
  const dates: ((v: string | null) => boolean)[] = [];
  if (scope.since) dates.push(dateTest(db, scope.since, '>='));
  if (scope.until) dates.push(dateTest(db, scope.until, '<='));
  return (b) => {
    const f: BlockFilter = { coded: [], themes: [], emotions: [], none: false };
    if (dates.length) {
      f.coded.push({ codes: b.codes.created, ok: Uint8Array.from(b.dict.created, (v) => (dates.every((t) => t(v)) ? 1 : 0)) });
    }
    for (const c of scope.conditions) {
      if (c.field === 'theme') {
        const ids = new Set(c.themeIds);
        f.themes.push({ ok: Uint8Array.from(b.themes, (id) => (ids.has(id) ? 1 : 0)), orUntagged: c.orUntagged });
      } else if (c.field === 'emotion') {
        f.emotions.push(b.emotions.indexOf(c.emotion));
      } else if (c.field === 'attr') {
        // As voc_attr: a document without the attribute has the value `unknown`.
        const a = b.attributes.get(c.name);
        if (a) f.coded.push({ codes: a.codes, ok: Uint8Array.from(a.values, (v) => (v === c.value ? 1 : 0)) });
        else if (c.value !== UNKNOWN) f.none = true;
      } else if ('value' in c) {
        const s = SINGLE[c.field]!;
        f.coded.push({ codes: b.codes[s.col], ok: Uint8Array.from(b.dict[s.col], (v) => (s.key(v) === c.value ? 1 : 0)) });
      } else {
        throw new Error(`fact blocks cannot filter on ${c.field}`);
      }
    }
    return f;
  };
}

function inScope(b: FactBlock, f: BlockFilter, i: number): boolean {
  for (const c of f.coded) if (c.ok[c.codes[i]!] !== 1) return false;
  for (const t of f.themes) {
    const t0 = b.tagStart[i]!;
    const t1 = b.tagStart[i + 1]!;
    if (t0 === t1) {
      if (!t.orUntagged) return false;
      continue;
    }
    let hit = false;
    for (let x = t0; x < t1 && !hit; x++) hit = t.ok[b.tagTheme[x]!] === 1;
    if (!hit) return false;
  }
  for (const code of f.emotions) {
    if (code < 0) return false;
    let hit = false;
    for (let e = b.emotionStart[i]!; e < b.emotionStart[i + 1]! && !hit; e++) hit = b.emotionCode[e] === code;
    if (!hit) return false;
  }
  return true;
}

/** The block source for a scope and the dimensions a pass needs, or null when the blocks cannot answer. */
export function blockSource(db: Db, scope: SegmentScope, index: ThemeIndex, dims: readonly Dimension[]): FactSource | null {
  if (scope.conditions.some((c) => c.field === 'segments')) return null;
  if ([scope.since, scope.until].some((d) => d !== undefined && d.length > 10)) return null;
  if (!factBlocksCurrent(db)) return null;
  const filterOf = compileFilter(db, scope);
  const keys = new Set<string>();
  const filtered = scope.conditions.length > 0 || scope.since !== undefined || scope.until !== undefined;
  return {
    kind: 'blocks',
    forEach(each) {
      const access = new BlockAccess(index, dims);
      for (const b of readBlocks(db)) {
        const f = filterOf(b);
        if (f.none) continue;
        access.setBlock(b);
        const inKeys = new Uint8Array(b.dict.akey.length);
        for (let i = 0; i < b.n; i++) {
          if (filtered && !inScope(b, f, i)) continue;
          inKeys[b.codes.akey[i]!] = 1;
          access.setRow(i);
          each(access);
        }
        inKeys.forEach((hit, code) => {
          if (hit) keys.add(b.dict.akey[code]!);
        });
      }
    },
    analysisKeys: () => [...keys].sort(),
  };
}
