/**
 * Merging cues into speaker turns. Captions split speech every few seconds; analysis wants what a
 * person said in one go, so consecutive cues by the same speaker become one turn.
 */
import type { QuarantineEvent } from '../types.js';

export const UNKNOWN_SPEAKER = 'Unknown';

/** One cue or labelled line, as a parser read it. */
export interface Utterance {
  /** null: no label in the cue, so the previous speaker goes on (or Unknown at the start). */
  speaker: string | null;
  text: string;
  startMs?: number;
  endMs?: number;
  /** 1-based line where it starts, for locators. */
  line: number;
}

export interface Turn {
  speaker: string;
  text: string;
  startMs?: number;
  endMs?: number;
  line: number;
  /** How many cues were merged into this turn. */
  cues: number;
  /** A quarantined cue followed this turn, so the next turn's start is not its end. */
  beforeGap?: boolean;
}

/** Same person, whatever the casing and spacing the transcript used this time. */
export function speakerKey(name: string): string {
  return name.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Collects utterances into turns; keeps the first spelling of each speaker's name. */
export class TurnCollector {
  readonly turns: Turn[] = [];
  private readonly spelling = new Map<string, string>();
  /** Set after a quarantined cue: the speech around a gap is not one turn. */
  private gap = false;

  /** Marks a gap (a cue was quarantined): the next utterance starts a new turn. */
  breakTurn(): void {
    this.gap = true;
    const last = this.turns.at(-1);
    if (last) last.beforeGap = true;
  }

  add(u: Utterance): void {
    const text = u.text.trim();
    if (text === '') return;
    const last = this.turns.at(-1);
    const speaker = u.speaker === null ? (last?.speaker ?? UNKNOWN_SPEAKER) : this.canonical(u.speaker);
    const gap = this.gap;
    this.gap = false;
    if (last && last.speaker === speaker && !gap) {
      last.text += ` ${text}`;
      if (u.endMs !== undefined) last.endMs = Math.max(last.endMs ?? u.endMs, u.endMs);
      last.startMs ??= u.startMs;
      last.cues++;
      return;
    }
    this.turns.push({ speaker, text, startMs: u.startMs, endMs: u.endMs, line: u.line, cues: 1 });
  }

  private canonical(name: string): string {
    const key = speakerKey(name);
    const known = this.spelling.get(key);
    if (known !== undefined) return known;
    const spelled = name.replace(/\s+/g, ' ').trim();
    this.spelling.set(key, spelled);
    return spelled;
  }
}

/**
 * Splits turns into those within the length limit and quarantine events for the others: a turn
 * that long is almost always a missing speaker label that glued a whole transcript together.
 */
export function checkTurnLengths(turns: readonly Turn[], maxChars: number): { kept: Turn[]; rejected: QuarantineEvent[] } {
  const kept: Turn[] = [];
  const rejected: QuarantineEvent[] = [];
  for (const t of turns) {
    if (t.text.length <= maxChars) {
      kept.push(t);
      continue;
    }
    rejected.push({
      type: 'quarantine',
      locator: `line ${t.line}`,
      field: t.speaker,
      reason: `speaker turn of ${t.speaker} is ${t.text.length} characters, longer than the limit of ${maxChars} (ingest.maxFieldChars); a missing speaker label often causes this`,
      excerpt: t.text.slice(0, 200),
    });
  }
  return { kept, rejected };
}
