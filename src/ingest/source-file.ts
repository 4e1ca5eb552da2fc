/**
 * Finding export files and opening them as decoded `SourceFile`s.
 *
 * Paths come from config globs resolved against the pipeline root; a match that resolves (through
 * `..` or a symlink) outside the root is refused, so a config can never make voc read elsewhere.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import type { Encoding } from '../config/pipeline.js';
import { decoderFor, detectEncoding, looksBinary } from '../text/encoding.js';
import { UserError } from '../util/errors.js';
import type { SourceFile } from './types.js';

const HEAD_BYTES = 64 * 1024;

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

export interface FoundFile {
  absPath: string;
  relPath: string;
}

/** Expands the source's globs under `root`, sorted, de-duplicated, all inside the root. */
export async function findSourceFiles(root: string, patterns: readonly string[]): Promise<{ files: FoundFile[]; refused: string[] }> {
  const realRoot = await realpath(root).catch(() => {
    throw new UserError(`The pipeline root "${root}" does not exist.`);
  });
  const refused: string[] = [];
  const safePatterns: string[] = [];
  for (const p of patterns) {
    if (isAbsolute(p) || p.split(/[\\/]/).includes('..')) refused.push(`${p} (outside the pipeline root ${root})`);
    else safePatterns.push(p);
  }
  const matches = safePatterns.length
    ? await fg(safePatterns, { cwd: realRoot, onlyFiles: true, dot: false, followSymbolicLinks: false, unique: true })
    : [];
  const files: FoundFile[] = [];
  for (const rel of [...new Set(matches)].sort()) {
    const abs = resolve(realRoot, rel);
    const real = await realpath(abs);
    if (!isInside(realRoot, real)) {
      refused.push(`${rel} (resolves outside the pipeline root)`);
      continue;
    }
    files.push({ absPath: real, relPath: rel.split(sep).join('/') });
  }
  return { files, refused };
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readHeadBytes(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export type OpenResult =
  | { ok: true; file: SourceFile }
  | { ok: false; reason: string; sha256: string; sizeBytes: number; excerpt?: string };

/** Opens a file for reading: checks size, emptiness and binariness, picks the encoding. */
export async function openSourceFile(found: FoundFile, declared: Encoding, maxBytes: number): Promise<OpenResult> {
  const { size } = await stat(found.absPath);
  const sha256 = await sha256OfFile(found.absPath);
  const fail = (reason: string, excerpt?: string): OpenResult => ({ ok: false, reason, sha256, sizeBytes: size, excerpt });
  if (size === 0) return fail('empty file: it has no bytes at all');
  if (size > maxBytes) return fail(`file is ${size} bytes, over the ingest.maxFileBytes limit of ${maxBytes}`);
  const headBytes = await readHeadBytes(found.absPath);
  const detected = detectEncoding(headBytes);
  if (declared === 'auto' && looksBinary(headBytes)) {
    return fail('binary file: this does not look like text (a spreadsheet, PDF, image or archive?); export it as CSV or JSON');
  }
  const encoding = declared === 'auto' ? detected.encoding : declared === 'latin1' ? 'windows-1252' : declared;
  const bomLength = declared === 'auto' || declared === detected.encoding ? detected.bomLength : 0;
  const head = decoderFor(encoding).decode(headBytes.subarray(bomLength), { stream: true });
  if (head.trim() === '') return fail('empty file: it contains only whitespace');
  const stats = { invalid: 0 };
  const file: SourceFile = {
    absPath: found.absPath,
    relPath: found.relPath,
    sha256,
    sizeBytes: size,
    encoding,
    head,
    chunks: () => decodedChunks(found.absPath, encoding, bomLength, stats),
    invalidSequences: () => stats.invalid,
    readAll: async () => {
      const buf = await readFile(found.absPath);
      return decoderFor(encoding).decode(buf.subarray(bomLength));
    },
  };
  return { ok: true, file };
}

const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]); // U+FFFD encoded: EF BF BD

function countOf(haystack: Buffer | string, needle: Buffer | string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle as never); i >= 0; i = haystack.indexOf(needle as never, i + needle.length)) n++;
  return n;
}

/**
 * Decoded chunks; for UTF-8, `stats.invalid` counts the byte sequences the decoder replaced with
 * U+FFFD (replacement characters in the text that were not already U+FFFD in the file).
 */
async function* decodedChunks(path: string, encoding: string, bomLength: number, stats: { invalid: number }): AsyncGenerator<string> {
  const decoder = decoderFor(encoding);
  const utf8 = encoding === 'utf-8';
  stats.invalid = 0;
  for await (const chunk of createReadStream(path, { start: bomLength, highWaterMark: 256 * 1024 })) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    if (utf8) stats.invalid += countOf(text, '\uFFFD') - countOf(chunk as Buffer, REPLACEMENT_BYTES);
    if (text) yield text;
  }
  const rest = decoder.decode(Buffer.alloc(0));
  if (utf8) stats.invalid += countOf(rest, '\uFFFD');
  if (rest) yield rest;
}
