/**
 * The CSV reader against a reference parser on real exports: every CSV in ../shared/datasets, as
 * it is (LF), rewritten with CRLF record ends (as Excel and Python's csv module write them, quoted
 * line breaks kept as they are) and with a BOM before that, read through the real decoding path
 * (openSourceFile) and the real reader. The reference is csv-parse in strict mode (no relaxed
 * quotes, fixed column count), on the original bytes. Every record must come out with the same
 * fields, in order: none lost, none invented, none cut short.
 *
 * The tokenizer itself is also checked on chunk boundaries at every position and on the errors
 * it recovers from.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRecords, type CsvEvent } from '../src/ingest/csv.js';
import { CsvTokenizer, type TokenEvent } from '../src/ingest/csv-tokenizer.js';
import { openSourceFile } from '../src/ingest/source-file.js';

const DATASETS = resolve(import.meta.dirname, '../../shared/datasets');
const HAVE_DATASETS = existsSync(DATASETS);
if (!HAVE_DATASETS) console.warn(`skipping the differential CSV tests: ${DATASETS} not found (it holds the real exports)`);

function sharedCsvs(): string[] {
  if (!HAVE_DATASETS) return [];
  return readdirSync(DATASETS, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.csv'))
    .map((p) => join(DATASETS, p))
    .sort();
}

const tmp = mkdtempSync(join(tmpdir(), 'voc-csv-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function readAll(path: string): Promise<CsvEvent[]> {
  const opened = await openSourceFile({ absPath: path, relPath: path.slice(tmp.length + 1) || path }, 'auto', 2e9);
  if (!opened.ok) throw new Error(opened.reason);
  const out: CsvEvent[] = [];
  for await (const ev of readCsvRecords(opened.file)) out.push(ev);
  return out;
}

/** Writes records as Python's csv module and Excel do: CRLF after each, quotes where needed. */
function writeCrlf(rows: string[][]): string {
  const cell = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return rows.map((r) => r.map(cell).join(',') + '\r\n').join('');
}

/** Records as the reference reads them: blank lines are not records (as in voc). */
function reference(bytes: Buffer): string[][] {
  const rows = parse(bytes, { bom: true, relax_quotes: false, relax_column_count: false, skip_empty_lines: true }) as string[][];
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

describe.runIf(HAVE_DATASETS)('CSV reader vs csv-parse strict on every CSV in ../shared/datasets', () => {
  for (const file of sharedCsvs()) {
    const name = file.slice(DATASETS.length + 1);
    it(`${name}: LF, CRLF and BOM+CRLF give the reference rows`, async () => {
      const original = readFileSync(file);
      const expected = reference(original);
      expect(expected.length).toBeGreaterThan(100);
      const crlf = Buffer.from(writeCrlf(expected), 'utf8');
      const variants: Array<[string, Buffer]> = [
        ['lf', original],
        ['crlf', crlf],
        ['bom-crlf', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), crlf])],
      ];
      for (const [variant, bytes] of variants) {
        const path = join(tmp, `${name.replace(/\//g, '_')}.${variant}.csv`);
        writeFileSync(path, bytes);
        const events = await readAll(path);
        const quarantined = events.filter((e) => e.type === 'quarantine');
        expect(quarantined, `${variant}: no line given up`).toEqual([]);
        const rows = events.flatMap((e) => (e.type === 'row' ? [e.fields] : []));
        expect(rows.length, `${variant}: record count`).toBe(expected.length);
        // Compare row by row, so a failure names the first differing record.
        for (let i = 0; i < expected.length; i++) {
          if (JSON.stringify(rows[i]) !== JSON.stringify(expected[i])) {
            expect({ variant, record: i, fields: rows[i] }).toEqual({ variant, record: i, fields: expected[i] });
          }
        }
      }
    }, 60_000);
  }

  it('the CFPB sample: 6,623 rows, 1,532 narratives, each of full length, also with CRLF', async () => {
    const file = join(DATASETS, 'cfpb-complaints/complaints_sample.clean.csv');
    const expected = reference(readFileSync(file));
    const narrativeCol = expected[0]!.indexOf('Consumer complaint narrative');
    const crlf = join(tmp, 'cfpb.crlf.csv');
    writeFileSync(crlf, writeCrlf(expected));
    for (const path of [file, crlf]) {
      const rows = (await readAll(path)).flatMap((e) => (e.type === 'row' ? [e.fields] : [])).slice(1);
      expect(rows).toHaveLength(6623);
      const narratives = rows.map((r) => r[narrativeCol]!).filter((t) => t.trim() !== '');
      expect(narratives).toHaveLength(1532);
      expect(narratives.reduce((a, t) => a + t.length, 0)).toBe(
        expected.slice(1).reduce((a, r) => a + (r[narrativeCol]!.trim() ? r[narrativeCol]!.length : 0), 0),
      );
    }
  }, 60_000);
});

/** Tokenizes `text` fed in pieces of `size` characters. */
function tokenize(text: string, size: number, delimiter = ','): TokenEvent[] {
  const t = new CsvTokenizer({ delimiter });
  const out: TokenEvent[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...t.feed(text.slice(i, i + size)));
  out.push(...t.end());
  return out;
}

function rowsOf(events: TokenEvent[]): Array<[number, string[]]> {
  return events.flatMap((e) => (e.type === 'row' ? [[e.line, e.fields] as [number, string[]]] : []));
}

describe('CsvTokenizer', () => {
  const body = (eol: string) => `id,text,n${eol}1,"a, ""quoted""\r\nline\nbreak\rhere",2${eol}2,plain,3${eol}3,"",4${eol}${eol}4,"x",5`;
  const expected: Array<[number, string[]]> = [
    [1, ['id', 'text', 'n']],
    [2, ['1', 'a, "quoted"\r\nline\nbreak\rhere', '2']],
    [6, ['2', 'plain', '3']],
    [7, ['3', '', '4']],
    [9, ['4', 'x', '5']],
  ];

  it('reads LF, CRLF and CR files with quoted breaks kept and physical line numbers, at every chunk size', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = body(eol);
      for (let size = 1; size <= text.length; size++) {
        expect(rowsOf(tokenize(text, size)), `${JSON.stringify(eol)}, chunk size ${size}`).toEqual(expected);
      }
      // The reference agrees on the fields.
      const ref = parse(text, { skip_empty_lines: true }) as string[][];
      expect(rowsOf(tokenize(text, 7)).map(([, f]) => f)).toEqual(ref);
    }
  });

  it('a bare CR in an unquoted field of an LF file is text (as csv-parse reads it), and CRLF still ends a record', () => {
    const text = 'id,text\n1,hello \r\rworld\n2,mixed\r\n3,end';
    for (const size of [1, 2, 5, 100]) {
      expect(rowsOf(tokenize(text, size))).toEqual([
        [1, ['id', 'text']],
        [2, ['1', 'hello \r\rworld']],
        [5, ['2', 'mixed']],
        [6, ['3', 'end']],
      ]);
    }
    expect(rowsOf(tokenize(text, 3)).map(([, f]) => f).slice(0, 2)).toEqual((parse(text) as string[][]).slice(0, 2));
  });

  it('keeps a quote inside an unquoted field as text, and ignores blanks after a closing quote', () => {
    expect(rowsOf(tokenize('a,b\n5" screen,"x"  \n', 3))).toEqual([
      [1, ['a', 'b']],
      [2, ['5" screen', 'x']],
    ]);
  });

  it('a stray quote that never closes costs its one line', () => {
    const text = 'id,text\n1,"broken\n2,ok\n3,fine\n';
    for (const size of [1, 4, 100]) {
      const events = tokenize(text, size);
      expect(rowsOf(events)).toEqual([
        [1, ['id', 'text']],
        [3, ['2', 'ok']],
        [4, ['3', 'fine']],
      ]);
      const errors = events.filter((e) => e.type === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ line: 2, kind: 'unclosed-quote' });
      expect((errors[0] as { message: string }).message).toMatch(/^unbalanced quote: .*line 2 was skipped and reading resumed on line 3/);
    }
  });

  it('a stray quote closed by a later field is found by the character after it, and costs one line', () => {
    const text = 'id,text\n1,"bro"ken\n2,ok\n3,"said ""hi"" once"\n4,"open\n5,x"y\n6,last\n';
    const events = tokenize(text, 5);
    expect(rowsOf(events)).toEqual([
      [1, ['id', 'text']],
      [3, ['2', 'ok']],
      [4, ['3', 'said "hi" once']],
      [6, ['5', 'x"y']],
      [7, ['6', 'last']],
    ]);
    expect(events.filter((e) => e.type === 'error').map((e) => [e.line, (e as { kind: string }).kind])).toEqual([
      [2, 'after-quote'],
      [5, 'after-quote'],
    ]);
  });

  it('a multi-line record with the wrong field count is a swallowed row: its first line is given up', () => {
    const text = 'id,text,n\n1,"open,2\n2,b,3\n3,c",4,5\n4,d,6\n';
    const events = tokenize(text, 3);
    expect(rowsOf(events)).toEqual([
      [1, ['id', 'text', 'n']],
      [3, ['2', 'b', '3']],
      // A one-line record with a wrong count is a row: the caller quarantines it against the header.
      [4, ['3', 'c"', '4', '5']],
      [5, ['4', 'd', '6']],
    ]);
    expect(events.filter((e) => e.type === 'error').map((e) => e.line)).toEqual([2]);
  });

  it('in a CRLF file, a wrong-count record whose only breaks are bare LFs in quotes is given up whole, and line numbers stay right', () => {
    const text = 'id,text\r\n1,"a\nb",extra\r\n2,ok\r\n';
    for (const size of [1, 3, 100]) {
      const events = tokenize(text, size);
      expect(rowsOf(events)).toEqual([
        [1, ['id', 'text']],
        [4, ['2', 'ok']],
      ]);
      expect(events.filter((e) => e.type === 'error').map((e) => e.line)).toEqual([2]);
    }
  });

  it('an open quote running past maxRecordChars is given up on its first line', () => {
    const t = new CsvTokenizer({ delimiter: ',', maxRecordChars: 50 });
    const events = [...t.feed('a,b\n1,"' + 'x'.repeat(30) + '\n' + 'y'.repeat(30) + '\n2,ok\n'), ...t.end()];
    expect(events.filter((e) => e.type === 'error').map((e) => e.line)).toEqual([2]);
    expect(rowsOf(events).map(([l]) => l)).toContain(4);
  });
});
