/**
 * WebVTT transcripts (Zoom, Teams, Google Meet, YouTube captions).
 *
 *   WEBVTT
 *
 *   NOTE id: KK-INT-02
 *
 *   1
 *   00:00:01.000 --> 00:00:04.200 align:start
 *   <v Dana Whitfield>Thanks for joining!</v>
 *
 * Speakers come from voice spans `<v Name>` / `<v.loud Name>`, else from a "Name:" label in the
 * cue. Other markup is stripped and entities decoded. A cue whose timing line is malformed is
 * quarantined ("cue N") and reading goes on.
 */
import { FileRejected, type FormatModule, type ReaderContext } from '../types.js';
import { headerEvent, transcriptReader, type ParseEvent } from './record.js';
import { blocksOf, decodeEntities, firstLines, headerFact, squash, splitLabelled, stripTags, type Line, type LabelledText } from './text.js';
import { parseTimingLine } from './timecode.js';
import { UNKNOWN_SPEAKER } from './turns.js';

const VOICE = /<v(?=[\s.>])(?:\.[^\s>]*)?(?:\s+([^>]*))?>/g;

/** Splits a cue payload at its voice spans; falls back to "Name:" labels when there are none. */
export function vttPayload(lines: readonly string[]): LabelledText[] {
  const payload = lines.join('\n');
  const spans = [...payload.matchAll(VOICE)];
  if (spans.length === 0) return splitLabelled(lines, UNKNOWN_SPEAKER);
  const out: LabelledText[] = [];
  let speaker: string | null = null;
  let from = 0;
  const push = (end: number): void => {
    const text = squash(decodeEntities(stripTags(payload.slice(from, end))));
    if (text !== '') out.push({ speaker, text });
  };
  for (const m of spans) {
    push(m.index);
    speaker = squash(decodeEntities(m[1] ?? '')) || null;
    from = m.index + m[0].length;
  }
  push(payload.length);
  return out;
}

function* noteBlock(block: Line[]): Generator<ParseEvent> {
  const lines = block.map((l) => l.text);
  lines[0] = (lines[0] ?? '').replace(/^NOTE\s*/, '');
  for (const line of lines) {
    const fact = headerFact(line);
    const ev = fact ? headerEvent(fact.key, fact.value) : null;
    if (ev) yield ev;
  }
}

function* cueBlock(block: Line[], cueNo: number): Generator<ParseEvent> {
  const timingAt = block.findIndex((l, i) => i < 2 && l.text.includes('-->'));
  const first = block[0];
  if (timingAt < 0 || !first) {
    yield {
      type: 'quarantine',
      locator: `cue ${cueNo}`,
      reason: `cue ${cueNo} (line ${first?.no ?? '?'}) has no timing line "start --> end"`,
      excerpt: block.map((l) => l.text).join('\n'),
    };
    return;
  }
  const timingLine = block[timingAt] as Line;
  const timing = parseTimingLine(timingLine.text);
  if (typeof timing === 'string') {
    yield {
      type: 'quarantine',
      locator: `cue ${cueNo}`,
      reason: `malformed cue timing on line ${timingLine.no}: ${timing}`,
      excerpt: block.map((l) => l.text).join('\n'),
    };
    return;
  }
  const payload = block.slice(timingAt + 1);
  for (const u of vttPayload(payload.map((l) => l.text))) {
    yield {
      type: 'utterance',
      utterance: { ...u, startMs: timing.startMs, endMs: timing.endMs, line: payload[0]?.no ?? timingLine.no },
    };
  }
}

/** The WEBVTT header block: "WEBVTT - Title", then header lines; a cue may follow without a blank line. */
function* headerBlock(block: Line[], text: string): Generator<ParseEvent> {
  const first = block[0]?.text ?? '';
  if (!/^WEBVTT(\s|$)/.test(first)) {
    throw new FileRejected('not a WebVTT file: the first line must be "WEBVTT"', firstLines(text));
  }
  const title = first.replace(/^WEBVTT\s*(-\s*)?/, '').trim();
  if (title !== '') yield { type: 'header', header: { title } };
  const rest = block.slice(1);
  if (rest.some((l) => l.text.includes('-->'))) yield* cueBlock(rest, 1);
}

export function* parseVtt(text: string, _ctx?: ReaderContext): Generator<ParseEvent> {
  let cueNo = 0;
  let first = true;
  for (const block of blocksOf(text)) {
    if (first) {
      first = false;
      yield* headerBlock(block, text);
      if (block.slice(1).some((l) => l.text.includes('-->'))) cueNo++;
      continue;
    }
    const head = block[0]?.text ?? '';
    if (/^NOTE(\s|$)/.test(head)) yield* noteBlock(block);
    else if (/^(STYLE|REGION)(\s|$)/.test(head)) continue;
    else yield* cueBlock(block, ++cueNo);
  }
}

export const vttFormat: FormatModule = {
  format: 'vtt',
  kind: 'interview',
  sniff(head, fileName) {
    if (/^WEBVTT(\s|$)/.test(head.trimStart())) return 1;
    return /\.vtt$/i.test(fileName) ? 0.4 : 0;
  },
  read: transcriptReader('vtt', parseVtt),
};
