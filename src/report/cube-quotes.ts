/**
 * Quote candidates behind the report's filters, so that a filtered card or cell still has quotes.
 *
 * The stored quotes (3 most negative + 3 most typical per cell, aggregate/quotes.ts) are chosen
 * over all documents: filtered to one source or a few months, many cells keep none of them. While
 * the cube's fact stream goes by (cube.ts), every list (a cube matrix cell, or a stage x emotion)
 * keeps, per cube group, its single best segment. A filter is a set of groups, so every cell that
 * is non-empty under a filter has a candidate from one of its groups: the page always has a quote
 * to show. Size is one reference per (cell, group): the cube's own size, never the number of
 * segments. The order is one global rule (not per cell), so the same segment tends to win every
 * cell of its group and is embedded once; and a group that a stored quote of the cell already
 * comes from needs no candidate there (`covered`). Order: full sentences before fragments (MIN_QUOTE_CHARS),
 * negative before not, then by sentiment (most negative first), then by segment id (stable).
 * For stage x emotion lists the emotion's score comes first, as in the stored emotion quotes.
 * Text and document fields are read only for the winners, after the pass (segmentQuoteFields).
 */
import type { SegmentAccess } from '../aggregate/sources.js';
import { MIN_QUOTE_CHARS, segmentQuoteFields } from '../store/aggregate.js';
import type { Db } from '../store/db.js';
import { STAGE_EMOTION, type CubeQuote, type ReportCube, type ReportQuote } from './model.js';

/** What a quote needs from its segment during the pass (copied: the access is reused); the rest is read for the winners. */
interface QuoteFields {
  segmentId: number;
  documentId: number;
  charStart: number;
  charEnd: number;
  negative: boolean;
  sentimentScore: number;
}

interface Candidate {
  fact: QuoteFields;
  /** Lower is better: [fragment, not negative, sentiment score, segment id]. */
  rank: [number, number, number, number];
}

export interface Entry {
  c: Candidate;
  /** The list's own score (the emotion's), higher first; 0 for matrix cells. */
  score: number;
}

/**
 * A held entry, with its candidate's rank copied in: the pass compares against it on every
 * membership, and held entries are spread over memory, so one object read instead of three
 * (entry, candidate, rank array) is what an offer costs.
 */
interface Held extends Entry {
  fragment: number;
  notNegative: number;
  sentimentScore: number;
  segmentId: number;
}

function before(a: Entry, b: Entry): boolean {
  if (a.score !== b.score) return a.score > b.score;
  for (let i = 0; i < 4; i++) if (a.c.rank[i] !== b.c.rank[i]) return a.c.rank[i]! < b.c.rank[i]!;
  return false;
}

export const coverKey = (list: string, key: string, g: number): string => `${list}\u0000${key}\u0000${g}`;

/**
 * The list + key + group triples the page's stored quotes serve: matrix cells (page key
 * "matrix|row|col"), journey stages (page key the stage; cube list stage_all, key "stage|all") and
 * stage x emotion lists.
 */
export function coveredBy(
  cells: Record<string, readonly ReportQuote[]>,
  stages: Record<string, readonly ReportQuote[]>,
  emotions: Record<string, readonly ReportQuote[]>,
): Set<string> {
  const out = new Set<string>();
  for (const [p, qs] of Object.entries(cells)) {
    const cut = p.indexOf('|');
    for (const q of qs) out.add(coverKey(p.slice(0, cut), p.slice(cut + 1), q.g));
  }
  for (const [stage, qs] of Object.entries(stages)) for (const q of qs) out.add(coverKey('stage_all', `${stage}|all`, q.g));
  for (const [k, qs] of Object.entries(emotions)) for (const q of qs) out.add(coverKey(STAGE_EMOTION, k, q.g));
  return out;
}

/**
 * One list + key: its best entry per group, by group index (an array with holes: a membership
 * reads and writes one element instead of hashing into a Map; the output is sorted, so the order
 * groups first offered in does not matter).
 */
export interface Slot {
  readonly byGroup: (Held | undefined)[];
}

/** The held entries of a slot with their groups. */
function* held(slot: Slot): Generator<[number, Entry]> {
  const b = slot.byGroup;
  for (let g = 0; g < b.length; g++) {
    const e = b[g];
    if (e !== undefined) yield [g, e];
  }
}

/**
 * The pass calls `begin` once per segment, then `offer` for every list and group the segment is in.
 * An offer compares the segment with the held entry before anything is allocated; the segment's
 * candidate is made (its fields copied: the access is reused) only when it first wins.
 */
export class QuotePool {
  /** list id -> key -> slot */
  private readonly lists = new Map<string, Map<string, Slot>>();
  private seg: SegmentAccess | null = null;
  private fragment = 0;
  private notNegative = 0;
  private current: Candidate | null = null;

  /** The slot of a list and key (made on first use, so lists and keys keep the order they were first seen in). */
  slot(list: string, key: string): Slot {
    let byKey = this.lists.get(list);
    if (!byKey) this.lists.set(list, (byKey = new Map()));
    let slot = byKey.get(key);
    if (!slot) byKey.set(key, (slot = { byGroup: [] }));
    return slot;
  }

  begin(seg: SegmentAccess): void {
    this.seg = seg;
    this.fragment = seg.charEnd - seg.charStart < MIN_QUOTE_CHARS ? 1 : 0;
    this.notNegative = seg.negative ? 0 : 1;
    this.current = null;
  }

  private candidate(): Candidate {
    if (this.current) return this.current;
    const { segmentId, documentId, charStart, charEnd, negative, sentimentScore } = this.seg!;
    return (this.current = {
      fact: { segmentId, documentId, charStart, charEnd, negative, sentimentScore },
      rank: [this.fragment, this.notNegative, sentimentScore, segmentId],
    });
  }

  /** Whether the current segment goes before a held entry (the order of `before`), without allocating. */
  private beats(score: number, held: Held): boolean {
    if (score !== held.score) return score > held.score;
    if (this.fragment !== held.fragment) return this.fragment < held.fragment;
    if (this.notNegative !== held.notNegative) return this.notNegative < held.notNegative;
    const seg = this.seg!;
    if (seg.sentimentScore !== held.sentimentScore) return seg.sentimentScore < held.sentimentScore;
    return seg.segmentId < held.segmentId;
  }

  /** Offers the current segment (`begin`) to a slot's group; `score` is the list's own score (emotion lists). */
  offer(slot: Slot, group: number, score = 0): void {
    const held = slot.byGroup[group];
    if (held === undefined) {
      const seg = this.seg!;
      slot.byGroup[group] = {
        c: this.candidate(), score, fragment: this.fragment, notNegative: this.notNegative,
        sentimentScore: seg.sentimentScore, segmentId: seg.segmentId,
      };
    } else if (this.beats(score, held)) {
      // Entries are never shared between slots: the held one is rewritten.
      const seg = this.seg!;
      held.c = this.candidate();
      held.score = score;
      held.fragment = this.fragment;
      held.notNegative = this.notNegative;
      held.sentimentScore = seg.sentimentScore;
      held.segmentId = seg.segmentId;
    }
  }

  /**
   * The winners, each once, in the global order, and per list and key the [group, quote] pairs;
   * `covered` holds the list + key + group triples (coverKey) a stored quote already serves.
   */
  build(db: Db, covered: ReadonlySet<string>): Pick<ReportCube, 'quotes' | 'quoteRefs'> {
    for (const [list, byKey] of this.lists) {
      for (const [key, slot] of byKey) {
        let left = 0;
        for (const [g] of held(slot)) {
          if (covered.has(coverKey(list, key, g))) slot.byGroup[g] = undefined;
          else left++;
        }
        if (!left) byKey.delete(key);
      }
    }
    const winners = new Map<number, { c: Candidate; g: number }>();
    for (const byKey of this.lists.values()) {
      for (const slot of byKey.values()) for (const [g, e] of held(slot)) winners.set(e.c.fact.segmentId, { c: e.c, g });
    }
    const ordered = [...winners.values()].sort((a, b) => (before({ c: a.c, score: 0 }, { c: b.c, score: 0 }) ? -1 : 1));
    const fields = segmentQuoteFields(db, ordered.map((w) => w.c.fact.segmentId));
    const index = new Map<number, number>();
    const quotes = ordered.map((w, i): CubeQuote => {
      const f = w.c.fact;
      const q = fields.get(f.segmentId);
      index.set(f.segmentId, i);
      return [
        f.negative ? 1 : 0, q?.text ?? '', f.documentId, q?.externalId ?? null, q?.locator ?? '',
        q?.createdAt == null ? null : q.createdAt.slice(0, 10), f.charStart, f.charEnd, Math.round(f.sentimentScore * 100) / 100, w.g,
      ];
    });
    const quoteRefs: ReportCube['quoteRefs'] = Object.create(null) as ReportCube['quoteRefs'];
    for (const [list, byKey] of this.lists) {
      const out = (quoteRefs[list] = Object.create(null) as Record<string, number[]>);
      for (const [key, slot] of byKey) {
        const pairs = [...held(slot)].map(([g, e]) => [g, index.get(e.c.fact.segmentId)!] as const);
        // Best first within a list, so the page can stop at the first few of the active groups.
        pairs.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
        out[key] = pairs.flat();
      }
    }
    return { quotes, quoteRefs };
  }
}
