/**
 * `voc codeframe draft`: a first codeframe from the user's own ingested data, written as YAML that
 * loads as a codeframe and can be used for analysis; through the real CLI program (in-process) on
 * a fixture export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCodeframe } from '../src/config/codeframe.js';
import { makeWorkspace } from './helpers/workspace.js';
import { runVocInProcess } from './helpers/cli-in-process.js';

const ws = makeWorkspace('voc-draft-');
afterAll(() => ws.cleanup());

describe('voc codeframe draft', () => {
  it('clusters the ingested sentences into an editable codeframe that loads', async () => {
    ws.copy('fixtures/tickets/social-dms.csv', 'in/dms.csv');
    ws.writeConfig(`name: draft
database: ${ws.dbPath}
root: ${ws.dir}
sources:
  - { name: dms, kind: ticket, format: tickets-csv, paths: in/dms.csv, mapping: { id: conversation_id, text: message, date: created_at } }
`);
    expect((await runVocInProcess(['ingest', '--config', ws.configPath], ws.dir)).status).toBe(0);
    const r = await runVocInProcess(['codeframe', 'draft', '--config', ws.configPath, '--source', 'dms', '--k', '4', '--out', 'draft.yaml'], ws.dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*draft\.yaml: \d+ themes from \d+ sentences/);
    const yaml = readFileSync(join(ws.dir, 'draft.yaml'), 'utf8');
    const cf = parseCodeframe(yaml, 'draft.yaml');
    expect(cf.codeframe.kind).toBe('themes');
    expect(cf.themes.length).toBeGreaterThanOrEqual(2);
    for (const t of cf.themes) {
      expect(t.examples.length).toBeGreaterThan(0);
      expect(t.keywords.length).toBeGreaterThan(0);
      expect(t.label).not.toMatch(/@/);
    }
    const bad = await runVocInProcess(['codeframe', 'draft', '--config', ws.configPath, '--source', 'nope', '--out', 'x.yaml'], ws.dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--source: no source named "nope"/);
  }, 120_000);
});
