/**
 * Values read but not understood are counted per file and kind, stored, shown by `voc status`,
 * and fail `--strict`: unparsed dates, scores off their scale or in scientific notation, duplicate
 * column names (read as "name (2)", not dropped), and one invalid byte in a UTF-8 file (replaced
 * and counted, not the whole file decoded as Windows-1252).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, type CliResult } from './helpers/workspace.js';
import { runVocInProcess } from './helpers/cli-in-process.js';
import { openDatabase } from '../src/store/db.js';

const ws = makeWorkspace('voc-warn-');
afterAll(() => ws.cleanup());

ws.write('in/w.csv', 'id,date,score,comment,comment\n1,19th November 2023,9,fine,second\n2,not a date,1e1,bad score,x\n3,2023-01-01,11,out of range,y\n');
ws.write(
  'in/utf8.csv',
  Buffer.concat([Buffer.from('id,comment\n1,Café crème brûlée was naïve\n2,broken byte '), Buffer.from([0xff]), Buffer.from(' here\n3,déjà vu\n')]),
);
ws.writeConfig(`name: w
database: ${ws.dbPath}
root: ${ws.dir}
sources:
  - name: s
    kind: survey
    format: generic-csv
    paths: in/w.csv
    mapping: { id: id, text: [comment, "comment (2)"], date: date, score: { field: score, scale: nps } }
  - name: u
    kind: survey
    format: generic-csv
    paths: in/utf8.csv
    mapping: { id: id, text: [comment] }
`);

describe('ingest warnings', () => {
  let strict: CliResult;
  beforeAll(async () => {
    strict = await runVocInProcess(['ingest', '--config', ws.configPath, '--strict'], ws.dir);
  });

  it('are counted per file and kind in the summary, and --strict fails on them', () => {
    expect(strict.status).toBe(3);
    expect(strict.stdout).toMatch(/Warnings in s: in\/w\.csv: 1 duplicate-column .*; 2 invalid-score .*; 1 unparsed-date/);
    expect(strict.stdout).toMatch(/Warnings in u: in\/utf8\.csv: 1 invalid-utf8/);
    expect(strict.stderr).toMatch(/--strict: 0 row\(s\) or file\(s\) quarantined and 5 warning\(s\)/);
  });

  it('the rows are stored: the second comment column as "comment (2)", UTF-8 kept as UTF-8', () => {
    const db = openDatabase(ws.dbPath);
    try {
      const texts = (db.prepare(`SELECT text FROM documents ORDER BY id`).all() as Array<{ text: string }>).map((r) => r.text);
      expect(texts[0]).toMatch(/fine[\s\S]*second/);
      expect(texts).toContain('Café crème brûlée was naïve');
      expect(texts).toContain('broken byte \uFFFD here');
      expect(texts).toContain('déjà vu');
      const warnings = db.prepare('SELECT kind, count FROM ingest_warnings ORDER BY kind').all();
      expect(warnings).toEqual([
        { kind: 'duplicate-column', count: 1 },
        { kind: 'invalid-score', count: 2 },
        { kind: 'invalid-utf8', count: 1 },
        { kind: 'unparsed-date', count: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('voc status lists them', async () => {
    const r = await runVocInProcess(['status', '--db', ws.dbPath], ws.dir);
    expect(r.stdout).toMatch(/warnings per file/);
    expect(r.stdout).toMatch(/in\/utf8\.csv +invalid-utf8 +1/);
  });
});
