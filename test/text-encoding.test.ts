import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decoderFor, detectEncoding, looksBinary } from '../src/text/encoding.js';
import { UserError } from '../src/util/errors.js';

const SAMPLE = 'Die Lieferung war spät — the box was “warm”, café naïve €5\nsecond line, more text here\n';

/** Windows-1252 bytes of SAMPLE-like text, written by hand so the test does not trust our decoder. */
const CP1252 = Buffer.concat([
  Buffer.from('The box was '),
  Buffer.from([0x93]), // “
  Buffer.from('warm'),
  Buffer.from([0x94]), // ”
  Buffer.from(' and cost '),
  Buffer.from([0x80]), // €
  Buffer.from('5, caf'),
  Buffer.from([0xe9]), // é
  Buffer.from(' na'),
  Buffer.from([0xef]), // ï
  Buffer.from('ve, Lieferung sp'),
  Buffer.from([0xe4]), // ä
  Buffer.from('t, r'),
  Buffer.from([0xe9]),
  Buffer.from('sum'),
  Buffer.from([0xe9]),
  Buffer.from(', d'),
  Buffer.from([0xe9]),
  Buffer.from('j'),
  Buffer.from([0xe0]),
  Buffer.from(' vu, tr'),
  Buffer.from([0xe8]),
  Buffer.from('s bien.\n'),
]);

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return Buffer.from(le).swap16();
}

describe('detectEncoding', () => {
  it('recognises byte-order marks', () => {
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]))).toEqual({ encoding: 'utf-8', bomLength: 3, confidence: 1 });
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]))).toEqual({ encoding: 'utf-16le', bomLength: 2, confidence: 1 });
    expect(detectEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(SAMPLE)]))).toEqual({ encoding: 'utf-16be', bomLength: 2, confidence: 1 });
  });

  it('recognises UTF-16 without BOM by the NUL-byte pattern', () => {
    expect(detectEncoding(Buffer.from(SAMPLE, 'utf16le'))).toMatchObject({ encoding: 'utf-16le', bomLength: 0 });
    expect(detectEncoding(utf16be(SAMPLE))).toMatchObject({ encoding: 'utf-16be', bomLength: 0 });
  });

  it('recognises CJK UTF-16 without BOM by the NULs of its newlines and spaces', () => {
    const ja = '配送がとても遅くて、箱が濡れていました。\r\nサポートに電話しても誰も出ませんでした 2 回。\r\n'.repeat(20);
    expect(detectEncoding(Buffer.from(ja, 'utf16le'))).toMatchObject({ encoding: 'utf-16le', bomLength: 0 });
    expect(detectEncoding(utf16be(ja))).toMatchObject({ encoding: 'utf-16be', bomLength: 0 });
    expect(looksBinary(Buffer.from(ja, 'utf16le'))).toBe(false);
  });

  it('accepts UTF-8 whose last multi-byte character is cut by the sample end', () => {
    const bytes = Buffer.from(`${SAMPLE}日本`);
    for (const cut of [1, 2, 4]) {
      expect(detectEncoding(bytes.subarray(0, bytes.length - cut))).toEqual({ encoding: 'utf-8', bomLength: 0, confidence: 1 });
    }
  });

  it('rejects UTF-8 with an invalid byte in the middle and falls back to windows-1252', () => {
    const guess = detectEncoding(CP1252);
    expect(guess.encoding).toBe('windows-1252');
    expect(guess.bomLength).toBe(0);
    expect(guess.confidence).toBeGreaterThan(0);
    expect(guess.confidence).toBeLessThan(1);
  });

  it('treats plain ASCII as UTF-8', () => {
    expect(detectEncoding(Buffer.from('id,comment\n1,late box\n'))).toMatchObject({ encoding: 'utf-8', bomLength: 0 });
  });
});

describe('looksBinary', () => {
  it('is false for text in every supported encoding', () => {
    expect(looksBinary(Buffer.from(SAMPLE))).toBe(false);
    expect(looksBinary(Buffer.from(SAMPLE, 'utf16le'))).toBe(false);
    expect(looksBinary(utf16be(SAMPLE))).toBe(false);
    expect(looksBinary(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]))).toBe(false);
    expect(looksBinary(CP1252)).toBe(false);
  });

  it('is true for PDF, ZIP/XLSX, PNG and gzip signatures', () => {
    expect(looksBinary(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'))).toBe(true);
    expect(looksBinary(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]))).toBe(true);
    expect(looksBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(looksBinary(Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBe(true);
  });

  it('is true for a real SQLite database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voc-text-'));
    try {
      const path = join(dir, 'x.sqlite');
      const db = new Database(path);
      db.exec("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('hello')");
      db.close();
      expect(looksBinary(readFileSync(path).subarray(0, 4096))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is true for NUL bytes or many control bytes in non-UTF-16 data', () => {
    expect(looksBinary(Buffer.from('abc\u0000def ghi jkl'))).toBe(true);
    expect(looksBinary(Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x02 : 0x41))))).toBe(true);
  });
});

describe('decoderFor', () => {
  function decodeInChunks(encoding: string, bytes: Buffer, size: number): string {
    const d = decoderFor(encoding);
    let out = '';
    for (let i = 0; i < bytes.length; i += size) out += d.decode(bytes.subarray(i, i + size), { stream: true });
    return out + d.decode(Buffer.alloc(0));
  }

  it.each([1, 2, 3, 5, 7])('streams UTF-8 and UTF-16 correctly across %i-byte chunks', (size) => {
    const text = `${SAMPLE}日本語 😀`;
    expect(decodeInChunks('utf-8', Buffer.from(text), size)).toBe(text);
    expect(decodeInChunks('utf-16le', Buffer.from(text, 'utf16le'), size)).toBe(text);
    expect(decodeInChunks('utf-16be', utf16be(text), size)).toBe(text);
  });

  it('decodes windows-1252 (and latin1 as windows-1252) including € and curly quotes', () => {
    const expected = 'The box was “warm” and cost €5, café naïve, Lieferung spät, résumé, déjà vu, très bien.\n';
    expect(decoderFor('windows-1252').decode(CP1252)).toBe(expected);
    expect(decoderFor('latin1').decode(CP1252)).toBe(expected);
  });

  it('drops a BOM at the start of the stream', () => {
    expect(decoderFor('utf-8').decode(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('A');
  });

  it('can be reused after a non-streaming call', () => {
    const d = decoderFor('utf-8');
    const bytes = Buffer.from('é');
    expect(d.decode(bytes.subarray(0, 1), { stream: true })).toBe('');
    expect(d.decode(bytes.subarray(1))).toBe('é');
    expect(d.decode(Buffer.from('ok'))).toBe('ok');
  });

  it('throws a UserError for an unknown encoding', () => {
    expect(() => decoderFor('ebcdic')).toThrow(UserError);
  });
});
