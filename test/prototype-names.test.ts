/**
 * Customer text is looked up in lexicons, vocabularies and tables; a lookup in a plain object turns
 * "constructor" or "__proto__" into a function or a prototype (once: a null sentiment that made
 * every later run fail on a NOT NULL constraint). Every Object.prototype member name goes through
 * `voc run` here (texts, ids, column names, attribute values, channels), twice, and every
 * segment must come out analysed with finite scores, the aggregate and exports written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeWorkspace, type CliResult, type Workspace } from './helpers/workspace.js';
import { runVocInProcess } from './helpers/cli-in-process.js';

const NAMES = Object.getOwnPropertyNames(Object.prototype);

let ws: Workspace;
let first: CliResult;
let second: CliResult;

beforeAll(async () => {
  ws = makeWorkspace('voc-proto-');
  const header = ['id', 'date', 'score', 'channel', 'comment', 'constructor', '__proto__'].join(',');
  const rows = NAMES.map((n, i) =>
    [n, `2026-0${(i % 9) + 1}-01`, String(i % 11), n, `"The ${n} was broken and ${n.toUpperCase()} failed again, ${n} ${n}."`, n, n].join(','),
  );
  ws.write('in/proto.csv', `${header}\n${rows.join('\n')}\n`);
  ws.writeConfig(`name: proto
database: ${ws.dbPath}
root: ${ws.dir}
outputDir: ${join(ws.dir, 'out')}
sources:
  - name: proto
    kind: survey
    format: generic-csv
    paths: in/proto.csv
    mapping:
      id: id
      text: [comment]
      date: date
      score: { field: score, scale: nps }
      channel: channel
      attributes: { plan: constructor, tier: __proto__ }
analysis:
  discovery: { enabled: false }
exports:
  - { type: heatmap, rows: stage, cols: theme, metric: negative_share, out: stage-theme.csv }
  - { type: heatmap, rows: "attr:plan", cols: stage, metric: mentions, out: plan-stage.csv }
  - { type: report, out: report.html }
`);
  first = await runVocInProcess(['run', '--config', ws.configPath, '--quiet'], ws.dir);
  second = await runVocInProcess(['run', '--config', ws.configPath, '--quiet'], ws.dir);
}, 300_000);

afterAll(async () => {
  ws?.cleanup();
});

describe('Object.prototype names as customer data', () => {
  it('both runs succeed', () => {
    expect(first.stderr).not.toMatch(/constraint|TypeError|at .*\.ts:/);
    expect(first.status, first.stderr).toBe(0);
    expect(second.status, second.stderr).toBe(0);
  });

  it('every record is stored with its id and attributes, every segment analysed with finite scores', () => {
    const db = new Database(ws.dbPath, { readonly: true });
    try {
      const docs = db.prepare('SELECT external_id, attributes FROM documents ORDER BY id').all() as Array<{ external_id: string; attributes: string }>;
      expect(docs.map((d) => d.external_id).sort()).toEqual([...NAMES].sort());
      for (const d of docs) expect(JSON.parse(d.attributes)).toEqual({ plan: d.external_id, tier: d.external_id });
      const seg = db.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number };
      const bad = db
        .prepare('SELECT COUNT(*) AS n FROM segment_analysis WHERE sentiment_score IS NULL OR sentiment_score != sentiment_score OR p_negative != p_negative')
        .get() as { n: number };
      const analysed = db.prepare('SELECT COUNT(*) AS n FROM segment_analysis').get() as { n: number };
      expect(seg.n).toBeGreaterThanOrEqual(NAMES.length);
      expect(analysed.n).toBe(seg.n);
      expect(bad.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it('the exports hold the names as values', () => {
    const plan = readFileSync(join(ws.dir, 'out/plan-stage.csv'), 'utf8');
    for (const n of NAMES) expect(plan).toContain(n);
    expect(readFileSync(join(ws.dir, 'out/report.html'), 'utf8')).toContain('hasOwnProperty');
  });
});
