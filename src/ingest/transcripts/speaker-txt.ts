/**
 * Plain "Speaker: text" transcripts (hand-typed notes, Descript/Rev text exports).
 *
 *   Title: Kestrel interview 07
 *   Date: 2026-08-14
 *
 *   [00:00:04] Dana Whitfield: Thanks for joining, Lena.
 *   [00:00:09] Lena: Hi! Sure.
 *   It's a bit loud here, sorry.
 *
 * A turn starts at a "Name:" line (optionally after a "[00:12:01]" or "(00:12)" stamp, or with the
 * stamp after the name: "Name (00:12):") and continues until the next one. To keep sentences like
 * "Honestly: it was late" from becoming speakers, a label counts only when it is used at least
 * twice in the file, is named in the config, or is an interviewer/participant role name.
 * "Key: value" lines before the first turn (Title, Date, Interview ID) are the header.
 */
import type { InterviewSettings } from '../../config/pipeline.js';
import type { FormatModule, ReaderContext } from '../types.js';
import { headerEvent, transcriptReader, type ParseEvent } from './record.js';
import { isRoleName } from './roles.js';
import { headerFact, linesOf, looksLikeName, squash, type Line } from './text.js';
import { parseClockTime, parseCueTime } from './timecode.js';
import { speakerKey } from './turns.js';

const STAMP = String.raw`[\[(](\d{1,3}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)[\])]`;
/** [stamp] Name [stamp]: rest */
const LABEL_LINE = new RegExp(String.raw`^\s*(?:${STAMP}\s*)?([^:\[\]()]{1,40}?)\s*(?:${STAMP})?\s*:(?:\s+(.*))?$`, 'su');
const LEADING_STAMP = new RegExp(String.raw`^\s*${STAMP}\s*`);

interface LabelMatch {
  speaker: string;
  stamp?: string;
  rest: string;
}

function matchLabel(text: string): LabelMatch | null {
  const m = LABEL_LINE.exec(text);
  if (!m || !looksLikeName(m[2] ?? '')) return null;
  let rest = m[4] ?? '';
  let stamp = m[1] ?? m[3];
  // "Name: [00:12] text" puts the stamp after the colon.
  const after = LEADING_STAMP.exec(rest);
  if (after && stamp === undefined) {
    stamp = after[1];
    rest = rest.slice(after[0].length);
  }
  return { speaker: squash(m[2] ?? ''), stamp, rest };
}

function stampMs(stamp: string): number | null {
  return /[.,]/.test(stamp) ? parseCueTime(stamp) : parseClockTime(stamp);
}

/** Labels that name speakers: used twice or more, configured, or a role name. */
function speakerNames(text: string, settings: InterviewSettings | undefined): Set<string> {
  const counts = new Map<string, number>();
  for (const line of linesOf(text)) {
    const m = matchLabel(line.text);
    if (m && !headerFact(line.text)) counts.set(speakerKey(m.speaker), (counts.get(speakerKey(m.speaker)) ?? 0) + 1);
  }
  const configured = new Set([...(settings?.interviewers ?? []), ...(settings?.participants ?? [])].map(speakerKey));
  return new Set([...counts.entries()].filter(([k, n]) => n >= 2 || configured.has(k) || isRoleName(k)).map(([k]) => k));
}

interface OpenTurn {
  speaker: string;
  line: number;
  startMs?: number;
  text: string[];
  badStamp?: string;
}

function* closeTurn(turn: OpenTurn | null): Generator<ParseEvent> {
  if (!turn) return;
  if (turn.badStamp !== undefined) {
    yield {
      type: 'quarantine',
      locator: `line ${turn.line}`,
      field: turn.speaker,
      reason: `malformed timestamp "${turn.badStamp}": expected [HH:MM:SS] or (MM:SS); the turn was skipped`,
      excerpt: turn.text.join(' ').slice(0, 200),
    };
    return;
  }
  yield { type: 'utterance', utterance: { speaker: turn.speaker, startMs: turn.startMs, line: turn.line, text: turn.text.join(' ') } };
}

function openTurn(m: LabelMatch, line: Line): OpenTurn {
  const ms = m.stamp === undefined ? undefined : stampMs(m.stamp);
  const turn: OpenTurn = { speaker: m.speaker, line: line.no, text: m.rest.trim() ? [m.rest.trim()] : [] };
  if (ms === null) turn.badStamp = m.stamp;
  else turn.startMs = ms;
  return turn;
}

export function* parseSpeakerTxt(text: string, ctx?: ReaderContext): Generator<ParseEvent> {
  const names = speakerNames(text, ctx?.source.interview);
  let turn: OpenTurn | null = null;
  let sawHeaderText = false;
  for (const line of linesOf(text)) {
    const body = line.text.trim();
    if (body === '') continue;
    const m = matchLabel(line.text);
    if (m && names.has(speakerKey(m.speaker))) {
      yield* closeTurn(turn);
      turn = openTurn(m, line);
    } else if (turn) {
      turn.text.push(body);
    } else {
      yield* headerLine(body, !sawHeaderText);
      sawHeaderText = true;
    }
  }
  yield* closeTurn(turn);
}

/** Before the first turn: "Key: value" facts, or a first line that is the title ("# Interview 7"). */
function* headerLine(body: string, isFirst: boolean): Generator<ParseEvent> {
  const fact = headerFact(body);
  const ev = fact ? headerEvent(fact.key, fact.value) : isFirst ? headerEvent('title', body.replace(/^#+\s*/, '')) : null;
  if (ev) yield ev;
}

export const speakerTxtFormat: FormatModule = {
  format: 'speaker-txt',
  kind: 'interview',
  sniff(head, fileName) {
    if (/^WEBVTT/.test(head.trimStart())) return 0;
    const counts = new Map<string, number>();
    let labels = 0;
    for (const line of linesOf(head)) {
      const m = matchLabel(line.text);
      if (!m || headerFact(line.text)) continue;
      labels++;
      counts.set(speakerKey(m.speaker), (counts.get(speakerKey(m.speaker)) ?? 0) + 1);
    }
    const repeated = [...counts.values()].filter((n) => n >= 2).length;
    if (labels < 3 || repeated === 0) return 0;
    return (repeated >= 2 ? 0.6 : 0.45) + (/\.(txt|md|text)$/i.test(fileName) ? 0.1 : 0);
  },
  read: transcriptReader('speaker-txt', parseSpeakerTxt),
};
