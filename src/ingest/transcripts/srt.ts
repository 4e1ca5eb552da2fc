/**
 * SubRip (.srt) transcripts.
 *
 *   12
 *   00:01:02,500 --> 00:01:05,000
 *   Dana: And how did you hear about Kestrel?
 *
 * Speakers come from a "Name:" or "[Name]" prefix, or "- " dialogue lines; a cue without a label
 * continues the previous speaker ("Unknown" before the first label). A cue with a malformed
 * timing line is quarantined ("cue N", N being the cue number in the file) and reading goes on.
 */
import type { FormatModule, QuarantineEvent, ReaderContext } from '../types.js';
import { transcriptReader, type ParseEvent } from './record.js';
import { blocksOf, splitLabelled, type Line } from './text.js';
import { parseTimingLine } from './timecode.js';
import { UNKNOWN_SPEAKER } from './turns.js';

function rejectBlock(locator: string, reason: string, block: Line[]): QuarantineEvent {
  return { type: 'quarantine', locator, reason, excerpt: block.map((l) => l.text).join('\n') };
}

function* srtBlock(block: Line[], ordinal: number): Generator<ParseEvent> {
  const first = block[0] as Line;
  const numbered = /^\d+$/.test(first.text.trim());
  const cue = numbered ? `cue ${first.text.trim()}` : `cue ${ordinal}`;
  const timingLine = numbered ? block[1] : first;
  if (!timingLine || !timingLine.text.includes('-->')) {
    yield numbered
      ? rejectBlock(cue, `${cue} (line ${first.no}) has no timing line "start --> end" after its number`, block)
      : rejectBlock(`line ${first.no}`, 'text outside a cue: expected a cue number and a "start --> end" timing line', block);
    return;
  }
  const timing = parseTimingLine(timingLine.text);
  if (typeof timing === 'string') {
    yield rejectBlock(cue, `malformed cue timing on line ${timingLine.no}: ${timing}`, block);
    return;
  }
  const payload = block.slice(block.indexOf(timingLine) + 1);
  for (const u of splitLabelled(payload.map((l) => l.text), UNKNOWN_SPEAKER)) {
    yield {
      type: 'utterance',
      utterance: { ...u, startMs: timing.startMs, endMs: timing.endMs, line: payload[0]?.no ?? timingLine.no },
    };
  }
}

export function* parseSrt(text: string, _ctx?: ReaderContext): Generator<ParseEvent> {
  let ordinal = 0;
  for (const block of blocksOf(text)) yield* srtBlock(block, ++ordinal);
}

const SRT_HEAD = /^\s*\d+[ \t]*\r?\n[ \t]*\d{1,3}:\d{2}:\d{2},\d{1,3}[ \t]*-->[ \t]*\d{1,3}:\d{2}:\d{2},\d{1,3}/m;

export const srtFormat: FormatModule = {
  format: 'srt',
  kind: 'interview',
  sniff(head, fileName) {
    const ext = /\.srt$/i.test(fileName);
    if (SRT_HEAD.test(head)) return ext ? 1 : 0.9;
    return ext ? 0.4 : 0;
  },
  read: transcriptReader('srt', parseSrt),
};
