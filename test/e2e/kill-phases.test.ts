/**
 * kill -9 in every phase of `voc run` (ingest, analyze, aggregate, exports), then a rerun: the
 * database content and the exports must equal those of a clean run. The kill points are found
 * from the run's own progress lines, so each trial stops the process inside the phase it names.
 * Slow (a model load per run): `npm run test:e2e`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { onboardingSource, SOCIAL_DMS_SOURCE } from '../helpers/fixture-sources.js';
import { exited, vocProcess } from '../helpers/processes.js';
import { makeWorkspace, runVoc, type Workspace } from '../helpers/workspace.js';

function config(ws: Workspace): string {
  return `name: kill
database: ${ws.dbPath}
root: ${ws.dir}
outputDir: ${join(ws.dir, 'out')}
sources:
${onboardingSource()}${SOCIAL_DMS_SOURCE}  - name: zendesk
    kind: ticket
    format: zendesk-json
    paths: fixtures/tickets/zendesk-export.json
ingest: { batchSize: 5 }
analysis:
  discovery: { enabled: false }
  batchSize: 16
exports:
  - { type: heatmap, rows: stage, cols: theme, metric: negative_share, out: stage-theme.csv }
  - { type: heatmap, rows: stage, cols: touchpoint, metric: mentions, long: true, out: stage-touchpoint-long.csv }
  - { type: quotes, out: quotes.csv }
  - { type: report, out: report.html }
`;
}

function workspace(): Workspace {
  const ws = makeWorkspace('voc-kill-');
  for (const f of ['fixtures/surveys/onboarding-csat-surveymonkey.csv', 'fixtures/tickets/social-dms.csv', 'fixtures/tickets/zendesk-export.json']) ws.copy(f);
  ws.writeConfig(config(ws));
  return ws;
}

/** Starts `voc run` and SIGKILLs it when its output matches `when`; resolves with what it printed. */
async function runAndKill(ws: Workspace, when: RegExp): Promise<{ killed: boolean; out: string }> {
  let killed = false;
  const child = vocProcess(['run', '--config', ws.configPath], ws.dir, (out, c) => {
    if (!killed && when.test(out)) {
      killed = true;
      c.kill('SIGKILL');
    }
  });
  await exited(child);
  return { killed, out: child.out() };
}

/** The database's content, without ids, run numbers or times. */
function content(ws: Workspace): unknown {
  const db = new Database(ws.dbPath, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all();
    const latest = (db.prepare('SELECT MAX(id) AS id FROM aggregate_runs').get() as { id: number }).id;
    return {
      documents: all('SELECT identity, version, content_hash, text, score, channel, attributes FROM documents ORDER BY identity'),
      segments: all('SELECT d.identity, s.idx, s.text, s.analyse FROM segments s JOIN documents d ON d.id = s.document_id ORDER BY d.identity, s.idx'),
      analysis: all(
        `SELECT d.identity, s.idx, a.sentiment, a.sentiment_score, a.stage, a.touchpoint FROM segment_analysis a
         JOIN segments s ON s.id = a.segment_id JOIN documents d ON d.id = s.document_id ORDER BY d.identity, s.idx`,
      ),
      themes: all(
        `SELECT d.identity, s.idx, t.theme_id, t.score FROM segment_themes t JOIN segments s ON s.id = t.segment_id
         JOIN documents d ON d.id = s.document_id ORDER BY d.identity, s.idx, t.theme_id`,
      ),
      cells: db.prepare('SELECT matrix, row_key, col_key, mentions, pain_index FROM cells WHERE aggregate_id = ? ORDER BY matrix, row_key, col_key').all(latest),
      quarantine: all('SELECT path, locator, reason FROM quarantine ORDER BY path, locator, reason'),
    };
  } finally {
    db.close();
  }
}

function exportsOf(ws: Workspace): Record<string, string> {
  const read = (f: string) => readFileSync(join(ws.dir, 'out', f), 'utf8');
  return { 'stage-theme.csv': read('stage-theme.csv'), 'stage-touchpoint-long.csv': read('stage-touchpoint-long.csv'), 'quotes.csv': read('quotes.csv') };
}

const spaces: Workspace[] = [];
afterAll(() => spaces.forEach((w) => w.cleanup()));

describe('kill -9 in any phase, then a rerun', () => {
  const clean = workspace();
  spaces.push(clean);
  let reference: { db: unknown; exports: Record<string, string> };

  it('a clean run', () => {
    const r = runVoc(['run', '--config', clean.configPath, '--quiet'], clean.dir);
    expect(r.status, r.stderr).toBe(0);
    reference = { db: content(clean), exports: exportsOf(clean) };
  });

  const PHASES: Array<[string, RegExp]> = [
    ['ingest', /read +onboarding-csat|read .*onboarding/],
    ['analyze', /Counts reconcile/],
    ['aggregate', /Analysis: \d+ segments/],
    ['exports', /Aggregate \d+:/],
  ];
  for (const [phase, when] of PHASES) {
    it(`killed during ${phase}: the rerun gives the clean run's database and exports`, async () => {
      const ws = workspace();
      spaces.push(ws);
      const k = await runAndKill(ws, when);
      expect(k.killed, `the kill point was reached: ${k.out.slice(-300)}`).toBe(true);
      const r = runVoc(['run', '--config', ws.configPath], ws.dir);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(content(ws)).toEqual(reference.db);
      expect(exportsOf(ws)).toEqual(reference.exports);
    });
  }
});
