/**
 * Otter.ai text exports.
 *
 *   Kestrel Kitchen interview - Margaret
 *   Wed, Jul 8, 2026 10:02AM • 38:12
 *
 *   Tomás Rivera  0:00
 *   Good morning Margaret, thanks for making time.
 *
 *   Margaret Okafor  0:06
 *   Oh, it's my pleasure.
 *
 * A turn starts at a line "Name  M:SS" (name, two or more spaces or a tab, a timestamp M:SS,
 * MM:SS or H:MM:SS) and runs until the next such line. Lines before the first turn are the header:
 * the first is the title, a date anywhere in it becomes the interview date. A turn whose
 * timestamp is malformed ("12:75") is quarantined ("line N") with its text.
 */
import type { FormatModule, ReaderContext } from '../types.js';
import { findDate } from '../dates.js';
import { headerEvent, transcriptReader, type ParseEvent } from './record.js';
import { headerFact, linesOf, looksLikeName, squash, type Line } from './text.js';
import { parseClockTime } from './timecode.js';

/** "Name  0:00": the name, then two or more spaces or a tab, then something timestamp-like. */
const TURN_LINE = /^(\S(?:.{0,58}\S)?)(?: {2,}|\t+)(\d[\d:.]*)\s*$/;
const OTTER_FOOTER = /^Transcribed by\s+https?:\/\/otter\.ai/i;

interface OpenTurn {
  speaker: string;
  startMs?: number;
  line: number;
  text: string[];
  /** Malformed timestamp: the text is read but dropped. */
  broken: boolean;
  /** The turn line as written, for the quarantine message. */
  raw: string;
}

function turnStart(line: Line): OpenTurn | null {
  const m = TURN_LINE.exec(line.text);
  if (!m || !looksLikeName(m[1] ?? '')) return null;
  const startMs = parseClockTime(m[2] ?? '');
  return { speaker: squash(m[1] ?? ''), startMs: startMs ?? undefined, line: line.no, text: [], broken: startMs === null, raw: line.text.trim() };
}

function* closeTurn(turn: OpenTurn | null): Generator<ParseEvent> {
  if (!turn) return;
  if (turn.broken) {
    yield {
      type: 'quarantine',
      locator: `line ${turn.line}`,
      field: turn.speaker,
      reason: `malformed timestamp in the turn line "${turn.raw}": expected M:SS, MM:SS or H:MM:SS; the turn was skipped`,
      excerpt: turn.text.join(' ').slice(0, 200),
    };
    return;
  }
  const { speaker, startMs, line } = turn;
  yield { type: 'utterance', utterance: { speaker, startMs, line, text: turn.text.join(' ') } };
}

/** Header lines before the first turn: title (first line), "Key: value" facts, a date anywhere. */
function* headerLine(text: string, isFirst: boolean): Generator<ParseEvent> {
  const fact = headerFact(text);
  if (fact) {
    const ev = headerEvent(fact.key, fact.value);
    if (ev) yield ev;
    return;
  }
  const date = findDate(text);
  if (date) yield { type: 'header', header: { date } };
  else if (isFirst) yield { type: 'header', header: { title: squash(text) } };
}

export function* parseOtter(text: string, _ctx?: ReaderContext): Generator<ParseEvent> {
  let turn: OpenTurn | null = null;
  let headerLines = 0;
  for (const line of linesOf(text)) {
    const body = line.text.trim();
    if (body === '' || OTTER_FOOTER.test(body)) continue;
    const next = turnStart(line);
    if (next) {
      yield* closeTurn(turn);
      turn = next;
    } else if (turn) {
      turn.text.push(body);
    } else {
      yield* headerLine(body, headerLines++ === 0);
    }
  }
  yield* closeTurn(turn);
}

export const otterFormat: FormatModule = {
  format: 'otter-txt',
  kind: 'interview',
  sniff(head, fileName) {
    let turns = 0;
    for (const line of linesOf(head)) {
      const t = turnStart(line);
      if (t && !t.broken) turns++;
      if (turns >= 3) break;
    }
    const txt = /\.(txt|text)$/i.test(fileName) ? 0.05 : 0;
    if (turns >= 2) return 0.85 + txt;
    return turns === 1 ? 0.5 + txt : 0;
  },
  read: transcriptReader('otter-txt', parseOtter),
};
