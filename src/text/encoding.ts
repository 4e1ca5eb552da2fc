/**
 * Character-encoding detection and streaming decoding for source files.
 *
 * Exports from survey tools and help desks arrive as UTF-8 (with or without BOM), as UTF-16 from
 * Excel's "Unicode text" export, or as Windows-1252 from older Windows tools. Detection order: BOM,
 * UTF-16 by its NUL-byte pattern, strict UTF-8 validation, then `chardet`'s statistical guess.
 * Latin-1 (ISO-8859-1) is decoded as Windows-1252, its superset (curly quotes and € live in
 * 0x80-0x9F, which Latin-1 assigns to invisible control characters).
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { UserError } from '../util/errors.js';

export type DetectedEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface EncodingGuess {
  encoding: DetectedEncoding;
  /** Bytes of byte-order mark at the start of the file (skip them before decoding). */
  bomLength: number;
  /** 0..1: 1 for a BOM or valid multi-byte UTF-8, lower for statistical guesses. */
  confidence: number;
}

/** How much of the sample the NUL-pattern and control-byte statistics look at. */
const STATS_BYTES = 8192;

function bom(sample: Buffer): EncodingGuess | null {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3, confidence: 1 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, confidence: 1 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, confidence: 1 };
  return null;
}

/**
 * UTF-16 without BOM: Latin-script text has a NUL in every other byte (odd positions for little
 * endian, even for big endian) and almost none in the other positions.
 */
function utf16ByNulPattern(sample: Buffer): EncodingGuess | null {
  const n = Math.min(sample.length, STATS_BYTES) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  let leSpaces = 0; // "\n\0", " \0": whitespace as UTF-16LE
  let beSpaces = 0; // "\0\n", "\0 ": whitespace as UTF-16BE
  for (let i = 0; i < n; i += 2) {
    const a = sample[i]!;
    const b = sample[i + 1]!;
    if (a === 0) evenNul++;
    if (b === 0) oddNul++;
    if (b === 0 && isSpaceByte(a)) leSpaces++;
    if (a === 0 && isSpaceByte(b)) beSpaces++;
  }
  const pairs = n / 2;
  const confidence = (share: number): number => Math.min(0.95, 0.5 + share / 2);
  if (oddNul / pairs > 0.3 && evenNul / pairs < 0.05) return { encoding: 'utf-16le', bomLength: 0, confidence: confidence(oddNul / pairs) };
  if (evenNul / pairs > 0.3 && oddNul / pairs < 0.05) return { encoding: 'utf-16be', bomLength: 0, confidence: confidence(evenNul / pairs) };
  // CJK text in UTF-16 has NULs only in its ASCII characters (newlines, spaces, digits): few, but
  // all on one side, and some of them are whitespace. Single-byte and UTF-8 text has no NULs.
  if (oddNul / pairs >= 0.01 && evenNul === 0 && leSpaces >= 2) return { encoding: 'utf-16le', bomLength: 0, confidence: 0.6 };
  if (evenNul / pairs >= 0.01 && oddNul === 0 && beSpaces >= 2) return { encoding: 'utf-16be', bomLength: 0, confidence: 0.6 };
  return null;
}

function isSpaceByte(b: number): boolean {
  return b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09;
}

/** Length of `sample` without a multi-byte UTF-8 sequence cut off by the end of the sample. */
function withoutCutSequence(sample: Buffer): number {
  const n = sample.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = sample[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8(sample: Buffer): EncodingGuess | null {
  const body = sample.subarray(0, withoutCutSequence(sample));
  try {
    strictUtf8.decode(body);
  } catch {
    // A few invalid bytes in otherwise valid multi-byte UTF-8 (a truncated character, one stray
    // Latin-1 byte): still UTF-8, with those bytes replaced and counted as a warning, rather than
    // the whole file decoded as Windows-1252 mojibake. Windows-1252 text almost never forms valid
    // multi-byte sequences by chance.
    const text = new TextDecoder('utf-8').decode(body);
    let invalid = 0;
    let multi = 0;
    for (const ch of text) {
      if (ch === '\uFFFD') invalid++;
      else if (ch.codePointAt(0)! > 0x7f) multi++;
    }
    if (multi >= 2 && invalid <= Math.max(2, multi / 4)) return { encoding: 'utf-8', bomLength: 0, confidence: 0.7 };
    return null;
  }
  // Pure ASCII is valid in every candidate; UTF-8 is the right and harmless choice.
  const ascii = body.every((b) => b < 0x80);
  return { encoding: 'utf-8', bomLength: 0, confidence: ascii ? 0.9 : 1 };
}

/** Detects the encoding of the first bytes of a file (a few KB is plenty). */
export function detectEncoding(sample: Buffer): EncodingGuess {
  const guess = bom(sample) ?? utf16ByNulPattern(sample) ?? utf8(sample);
  if (guess) return guess;
  // Not UTF-8: a single-byte encoding. We only decode Windows-1252 (a superset of Latin-1, and
  // what Western Windows tools write); for other guesses it is still the lossless-looking fallback.
  const best = chardet.analyse(sample)[0];
  const latin = best && /^(ISO-8859-1|windows-1252|ISO-8859-15)$/i.test(best.name);
  const confidence = best ? best.confidence / 100 : 0.1;
  return { encoding: 'windows-1252', bomLength: 0, confidence: latin ? confidence : Math.min(confidence, 0.3) };
}

/** Magic numbers of binary formats people mistake for exports. */
const MAGIC: Buffer[] = [
  Buffer.from('%PDF-'),
  Buffer.from([0x50, 0x4b, 0x03, 0x04]), // ZIP, XLSX, DOCX
  Buffer.from([0x89, 0x50, 0x4e, 0x47]), // PNG
  Buffer.from('GIF8'),
  Buffer.from([0xff, 0xd8, 0xff]), // JPEG
  Buffer.from('SQLite format 3\0'),
  Buffer.from([0x1f, 0x8b]), // gzip
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), // legacy XLS/DOC (OLE2)
  Buffer.from([0x7f, 0x45, 0x4c, 0x46]), // ELF
  Buffer.from('Rar!'),
  Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), // 7z
];

/** True for bytes that are not text: NULs outside UTF-16, or many control bytes. */
export function looksBinary(sample: Buffer): boolean {
  if (MAGIC.some((m) => sample.length >= m.length && sample.subarray(0, m.length).equals(m))) return true;
  const guess = bom(sample) ?? utf16ByNulPattern(sample);
  if (guess && guess.encoding !== 'utf-8') return false;
  const n = Math.min(sample.length, STATS_BYTES);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const b = sample[i]!;
    if (b === 0) return true;
    // Tab, LF, FF, CR and ESC appear in text files; other C0 bytes do not.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) controls++;
  }
  return n > 0 && controls / n > 0.05;
}

export interface TextChunkDecoder {
  /** Decodes a chunk; with `stream: true` an incomplete trailing character waits for the next chunk. */
  decode(buf: Buffer, opts?: { stream?: boolean }): string;
}

const ICONV_NAMES: Record<string, string> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  'windows-1252': 'win1252',
  latin1: 'win1252', // decoded as its superset: see the module comment
  'iso-8859-1': 'win1252',
};

/**
 * A streaming decoder with `TextDecoder` semantics, backed by iconv-lite (Node's own TextDecoder
 * decodes "windows-1252" as plain Latin-1 in small-ICU builds, losing € and curly quotes).
 * A BOM at the start of the stream is dropped.
 */
export function decoderFor(encoding: string): TextChunkDecoder {
  const name = ICONV_NAMES[encoding.toLowerCase()];
  if (!name) {
    throw new UserError(`unsupported encoding "${encoding}": use one of utf-8, utf-16le, utf-16be, windows-1252, latin1`);
  }
  let decoder = iconv.getDecoder(name);
  return {
    decode(buf, opts = {}) {
      const text = buf.length ? decoder.write(buf) : '';
      if (opts.stream) return text;
      const rest = decoder.end() ?? '';
      decoder = iconv.getDecoder(name); // like TextDecoder: a non-stream call resets the state
      return text + rest;
    },
  };
}
