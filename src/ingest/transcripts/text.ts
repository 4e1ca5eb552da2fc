/**
 * Line and text helpers shared by the transcript parsers: iterate lines with their numbers without
 * splitting the whole file into an array, group blank-line separated blocks (cues), strip caption
 * markup, decode entities and recognise "Speaker:" labels.
 */

export interface Line {
  /** 1-based physical line number. */
  no: number;
  text: string;
}

/** Yields every line of `text` (any of \n, \r\n, \r) with its 1-based number. */
export function* linesOf(text: string): Generator<Line> {
  let no = 1;
  let pos = 0;
  const re = /\r\n|\n|\r/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    yield { no, text: text.slice(pos, m.index) };
    no++;
    pos = m.index + m[0].length;
  }
  if (pos < text.length) yield { no, text: text.slice(pos) };
}

/** Groups lines into blocks separated by blank lines (how VTT and SRT separate cues). */
export function* blocksOf(text: string): Generator<Line[]> {
  let block: Line[] = [];
  for (const line of linesOf(text)) {
    if (line.text.trim() === '') {
      if (block.length > 0) yield block;
      block = [];
    } else {
      block.push(line);
    }
  }
  if (block.length > 0) yield block;
}

/** The first non-blank lines of a text, for FileRejected excerpts. */
export function firstLines(text: string, count = 5): string {
  const out: string[] = [];
  for (const line of linesOf(text)) {
    if (line.text.trim() === '') continue;
    out.push(line.text);
    if (out.length >= count) break;
  }
  return out.join('\n').slice(0, 400);
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  nbsp: ' ',
  quot: '"',
  apos: "'",
  lrm: '',
  rlm: '',
};

/** Decodes the entities captions use (&amp; &lt; &gt; &nbsp; &lrm; &rlm; numeric). Unknown ones stay. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Removes caption markup: <c>, <i>, <b>, <u>, <font>, <ruby>, <lang>, inline timestamps, {\an8}. */
export function stripTags(text: string): string {
  return text.replace(/<[^<>]*>/g, '').replace(/\{\\[^{}]*\}/g, '');
}

/** Collapses runs of whitespace (captions wrap lines anywhere) into single spaces. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Lower-case particles allowed inside names ("Tomás de la Cruz", "Anna van Dijk"). */
const NAME_PARTICLES = new Set(['de', 'la', 'le', 'del', 'della', 'da', 'di', 'du', 'van', 'von', 'der', 'den', 'bin', 'al', 'el', 'y']);

/** Bracketed words that are sound descriptions, not speakers. */
const SOUND_WORDS = /^(laugh(s|ing|ter)?|music|inaudible|crosstalk|applause|silence|pause|noise|sighs?|coughs?|unclear|overlapping|background noise)$/i;

/**
 * Whether `name` looks like a speaker label: 1-4 words, each capitalised (or a name particle or a
 * parenthesised note such as "(Kestrel)"), at most 40 characters. Keeps "Note: the box..." style
 * sentences with lower-case words from being read as speakers.
 */
export function looksLikeName(name: string): boolean {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 40) return false;
  const words = trimmed.split(/\s+/);
  if (words.length > 4) return false;
  return words.every(
    (w, i) =>
      /^[\p{Lu}\p{Lt}][\p{L}\p{M}\p{N}'’.-]*$/u.test(w) ||
      (i > 0 && NAME_PARTICLES.has(w)) ||
      (i > 0 && /^\p{N}+$/u.test(w)) ||
      (i > 0 && /^\([^()]{1,30}\)$/u.test(w)),
  );
}

export interface Labelled {
  speaker: string;
  rest: string;
}

/** "Name: text", ">> Name: text" or "[Name] text" at the start of a line; null when there is none. */
export function speakerLabel(line: string): Labelled | null {
  const text = line.replace(/^\s*>>\s*/, '');
  const colon = /^([^:\n]{1,40}?)\s*:(?:\s+(.*))?$/su.exec(text);
  if (colon && looksLikeName(colon[1] ?? '')) return { speaker: squash(colon[1] ?? ''), rest: colon[2] ?? '' };
  const bracket = /^\[([^\]]{1,40})\]\s*(.*)$/su.exec(text);
  if (bracket && looksLikeName(bracket[1] ?? '') && !SOUND_WORDS.test((bracket[1] ?? '').trim())) {
    return { speaker: squash(bracket[1] ?? ''), rest: bracket[2] ?? '' };
  }
  return null;
}

export interface LabelledText {
  /** null: no label, the previous speaker goes on. */
  speaker: string | null;
  text: string;
}

/**
 * Splits caption lines (SRT cues, VTT cues without voice spans) by speaker: "Name: text",
 * "[Name] text", ">> Name: text", and "- " dialogue lines (each one a new speaker; "Unknown" when
 * it names nobody). Lines without a label continue the current speaker.
 */
export function splitLabelled(lines: readonly string[], unknown: string): LabelledText[] {
  const out: LabelledText[] = [];
  for (const raw of lines) {
    const line = squash(decodeEntities(stripTags(raw)));
    if (line === '') continue;
    const dash = /^[-–—]\s+(.*)$/su.exec(line);
    const body = dash ? (dash[1] ?? '') : line;
    const label = speakerLabel(body);
    const current = out.at(-1);
    if (label) out.push({ speaker: label.speaker, text: label.rest });
    else if (dash) out.push({ speaker: unknown, text: body });
    else if (current) current.text = `${current.text} ${line}`.trim();
    else out.push({ speaker: null, text: line });
  }
  return out;
}

/** "key: value" facts a transcript states about itself in a header or NOTE block. */
const HEADER_KEYS: Record<string, 'id' | 'title' | 'date'> = {
  id: 'id',
  'interview id': 'id',
  'interview-id': 'id',
  'session id': 'id',
  title: 'title',
  subject: 'title',
  date: 'date',
  recorded: 'date',
  'recorded on': 'date',
  'interview date': 'date',
};

/** Reads a header line like "Interview ID: KK-07" or "Date: 2026-06-03"; null when it is not one. */
export function headerFact(line: string): { key: 'id' | 'title' | 'date'; value: string } | null {
  const m = /^\s*([A-Za-z][A-Za-z -]{0,20}?)\s*:\s*(.+?)\s*$/.exec(line);
  const key = m ? HEADER_KEYS[(m[1] ?? '').toLowerCase()] : undefined;
  return m && key ? { key, value: m[2] ?? '' } : null;
}
