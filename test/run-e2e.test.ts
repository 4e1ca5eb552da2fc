/**
 * `voc run` end to end on a slice of the real fixtures, through the real CLI program (in-process,
 * helpers/cli-in-process.ts; the real encoder loaded once for the file): ingest, analysis,
 * aggregation, exports and report; a second run changes nothing; a lock keeps a second run out;
 * failures exit non-zero with one clear line. The last test spawns the real process once, so that
 * start-up from bin and the exit status stay covered here too (test/e2e/ has the kill trials).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeWorkspace, runVoc, type Workspace } from './helpers/workspace.js';
import { runVocInProcess } from './helpers/cli-in-process.js';
import { onboardingSource, SOCIAL_DMS_SOURCE } from './helpers/fixture-sources.js';

let ws: Workspace;

const CONFIG = (ws: Workspace) => `name: e2e
database: ${ws.dbPath}
root: ${ws.dir}
outputDir: ${join(ws.dir, 'out')}
sources:
${onboardingSource('    stage: onboarding-delivery\n')}  - name: interviews
    kind: interview
    format: auto
    paths: fixtures/interviews/vtt/kk-int-01-jordan.vtt
    interview: { interviewers: [Dana Whitfield] }
${SOCIAL_DMS_SOURCE}analysis:
  discovery: { enabled: false }
exports:
  - { type: heatmap, rows: stage, cols: theme, metric: pain, out: stage-theme.csv }
  - { type: report, out: report.html }
`;

function snapshot(): Record<string, unknown> {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    const one = (sql: string) => db.prepare(sql).get();
    return {
      documents: one('SELECT COUNT(*) AS n, SUM(version) AS v, MAX(id) AS maxId FROM documents'),
      segments: one('SELECT COUNT(*) AS n, MAX(id) AS maxId FROM segments'),
      analysis: one('SELECT COUNT(*) AS n, MAX(analyzed_at) AS last FROM segment_analysis'),
      aggregates: one('SELECT COUNT(*) AS n FROM aggregate_runs'),
      cells: one('SELECT COUNT(*) AS n FROM cells'),
    };
  } finally {
    db.close();
  }
}

beforeAll(() => {
  ws = makeWorkspace('voc-e2e-');
  ws.copy('fixtures/surveys/onboarding-csat-surveymonkey.csv');
  ws.copy('fixtures/interviews/vtt/kk-int-01-jordan.vtt');
  ws.copy('fixtures/tickets/social-dms.csv');
  ws.writeConfig(CONFIG(ws));
});
afterAll(async () => {
  ws.cleanup();
});

describe('voc run', () => {
  it('ingests, analyses, aggregates and writes the exports and report', async () => {
    const r = await runVocInProcess(['run', '--config', ws.configPath], ws.dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Counts reconcile: read 121 = 121 new/);
    expect(r.stdout).toMatch(/Analysis: \d+ segments/);
    expect(r.stdout).toMatch(/Aggregate \d+: \d+ cells/);
    const csv = readFileSync(join(ws.dir, 'out', 'stage-theme.csv'), 'utf8');
    expect(csv.split('\n')[0]).toMatch(/stage/);
    expect(csv).toMatch(/onboarding-delivery|Onboarding/);
    expect(existsSync(join(ws.dir, 'out', 'report.html'))).toBe(true);
    const s = snapshot() as { analysis: { n: number }; cells: { n: number } };
    expect(s.analysis.n).toBeGreaterThan(100);
    expect(s.cells.n).toBeGreaterThan(0);
  });

  it('changes nothing when run again on the same exports', async () => {
    const before = snapshot();
    const r = await runVocInProcess(['run', '--config', ws.configPath], ws.dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/3 file\(s\) skipped/);
    expect(r.stdout).toMatch(/Analysis: 0 segments/);
    expect(r.stdout).toMatch(/No new or changed data/);
    expect(snapshot()).toEqual(before);
  });

  it('writes again an export that is missing or half-written (a kill during the exports), with no new data', async () => {
    const csvPath = join(ws.dir, 'out', 'stage-theme.csv');
    const good = readFileSync(csvPath, 'utf8');
    rmSync(join(ws.dir, 'out', 'report.html'));
    writeFileSync(csvPath, good.slice(0, 20)); // half-written, and older than the aggregate
    utimesSync(csvPath, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const before = snapshot();
    const r = await runVocInProcess(['run', '--config', ws.configPath], ws.dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No new or changed data; 2 export\(s\) missing or older than the latest aggregate are written again/);
    expect(readFileSync(csvPath, 'utf8')).toBe(good);
    expect(existsSync(join(ws.dir, 'out', 'report.html'))).toBe(true);
    expect(snapshot()).toEqual(before);
  });

  it('refuses to run while another process holds the lock', async () => {
    // The test runner's own pid is alive, so the lock is not stale.
    writeFileSync(`${ws.dbPath}.lock`, JSON.stringify({ pid: process.pid, what: 'run', since: '2026-11-22T02:00:00Z' }));
    try {
      const r = await runVocInProcess(['run', '--config', ws.configPath], ws.dir);
      expect(r.status).toBe(4);
      expect(r.stderr).toMatch(/Another voc process \(pid \d+, run/);
    } finally {
      writeFileSync(`${ws.dbPath}.lock`, JSON.stringify({ pid: 2 ** 22 + 1, what: 'run', since: 'x' })); // stale: taken over
    }
    const r = await runVocInProcess(['run', '--config', ws.configPath, '--quiet'], ws.dir);
    expect(r.status).toBe(0);
    expect(existsSync(`${ws.dbPath}.lock`)).toBe(false);
  });

  it('exits non-zero with one clear line on a broken analysis config (a spawned process)', () => {
    const bad = ws.write('bad.yaml', CONFIG(ws).replace('discovery: { enabled: false }', 'discovery: { enabled: maybe }'));
    const r = runVoc(['run', '--config', bad], ws.dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Invalid pipeline config \S*bad\.yaml:\n\s+analysis\.discovery\.enabled: found "maybe"; expected/);
    expect(r.stderr).not.toMatch(/ingest/); // validated before anything was read
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
