/**
 * Incremental theme discovery after a run (src/analyze/discover-run.ts, issue 11), on a real
 * SQLite database filled by the real ingest engine and analysed with the real encoder: the first
 * run clusters; a run that adds fewer new unassigned segments than `reclusterShare` of the sample
 * keeps the proposals as they are and assigns the new segments to the nearest one (recorded in
 * the summary); once the new segments since the last clustering reach the share, the next run
 * clusters again. The decision itself is checked as a pure function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYamlWith } from '../src/config/load.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { ingestPipeline } from '../src/ingest/engine.js';
import { openDatabase } from '../src/store/db.js';
import { startRun } from '../src/store/runs.js';
import { analyzePipeline } from '../src/analyze/pipeline.js';
import { planDiscovery } from '../src/analyze/discover-run.js';
import { GROUPS } from './helpers/discovery-groups.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';


let ws: Workspace;
let config: PipelineConfig;
const rows: string[] = [];

function addRows(texts: string[]): void {
  for (const t of texts) rows.push(`d${rows.length + 1},"${t}"`);
  ws.write('in/feedback.csv', `id,comment\n${rows.join('\n')}\n`);
}

/** Ingest what is in the folder, then analyse, each in its own recorded run (as `voc run` does). */
async function nightly() {
  const db = openDatabase(ws.dbPath);
  try {
    await ingestPipeline(db, config, startRun(db, { command: 'ingest', toolVersion: 'test' }), {});
    return await analyzePipeline(db, config, startRun(db, { command: 'analyze', toolVersion: 'test' }));
  } finally {
    db.close();
  }
}

function suggestionRows(): unknown[] {
  const db = openDatabase(ws.dbPath);
  try {
    return db.prepare('SELECT id, run_id, suggestion_key, label, terms, quotes, size, centroid FROM theme_suggestions ORDER BY id').all();
  } finally {
    db.close();
  }
}

beforeAll(() => {
  ws = makeWorkspace('voc-discovery-incr-');
  // A codeframe about something else entirely: every segment stays unassigned and goes to discovery.
  const themes = ws.write(
    'themes.yaml',
    'id: other\nversion: 1\nkind: themes\nthemes:\n  - id: invoices\n    label: Invoices\n    description: Tax invoices and VAT numbers on company receipts.\n    keywords: [invoice, vat number]\n',
  );
  config = parseYamlWith(
    `name: discovery-incremental
database: ${ws.dbPath}
root: ${ws.dir}
sources:
  - { name: feedback, kind: survey, format: generic-csv, paths: "in/*.csv", mapping: { id: id, text: [comment] } }
analysis:
  codeframes: { themes: ${themes} }
  discovery: { minClusterSize: 4, maxK: 6, seed: 7, reclusterShare: 0.1 }
`,
    PipelineConfig,
    'test config',
  );
  addRows([...GROUPS.parking.slice(0, 6), ...GROUPS.packaging.slice(0, 6), ...GROUPS.recipes.slice(0, 6)]);
});
afterAll(() => ws?.cleanup());

describe('discovery after a run', () => {
  it('clusters, then assigns a few new segments to the proposals, then clusters again once they add up', async () => {
    const first = await nightly();
    expect(first.discovery).toMatchObject({ clustered: true, newUnassigned: 18, reason: 'no proposals to assign new segments to' });
    expect(first.suggestions).toBeGreaterThanOrEqual(2);
    const clustered = suggestionRows();

    // One new parking complaint: below 10% of the 19 unassigned segments (threshold 2).
    addRows([GROUPS.parking[6]!]);
    const second = await nightly();
    expect(second.segmentsAnalysed).toBe(1);
    expect(second.discovery?.clustered).toBe(false);
    expect(second.discovery?.newUnassigned).toBe(1);
    expect(second.discovery?.reason).toMatch(/^1 unassigned segments analysed since run \d+ \(fewer than 2/);
    expect(second.suggestions).toBe(first.suggestions);
    const assigned = second.discovery?.assigned ?? [];
    expect(assigned).toHaveLength(1);
    expect(assigned[0]!.segments).toBe(1);
    expect(assigned[0]!.label).toMatch(/park/);
    // The proposals are exactly as the clustering stored them.
    expect(suggestionRows()).toEqual(clustered);

    // Two more: three since the last clustering, at least 10% of 21: cluster again.
    addRows([GROUPS.packaging[6]!, GROUPS.recipes[6]!]);
    const third = await nightly();
    expect(third.discovery).toMatchObject({ clustered: true, newUnassigned: 3 });
    expect(third.discovery?.reason).toMatch(/^3 unassigned segments analysed since run \d+ \(at least 3/);
    expect(suggestionRows()).not.toEqual(clustered);
  });
});

describe('planDiscovery', () => {
  const base = { proposals: 5, lastRun: 7, unassigned: 6000, newUnassigned: 60, maxSegments: 5000, reclusterShare: 0.1 };
  it('keeps the proposals while the new unassigned segments are below the share of the sample', () => {
    expect(planDiscovery(base)).toMatchObject({ recluster: false, threshold: 500 });
    expect(planDiscovery({ ...base, newUnassigned: 499 }).recluster).toBe(false);
    expect(planDiscovery({ ...base, newUnassigned: 0 }).recluster).toBe(false);
  });
  it('clusters again at the share, with no proposals, with an unknown last run, or with share 0', () => {
    expect(planDiscovery({ ...base, newUnassigned: 500 }).recluster).toBe(true);
    expect(planDiscovery({ ...base, unassigned: 400, newUnassigned: 40 })).toMatchObject({ recluster: true, threshold: 40 });
    expect(planDiscovery({ ...base, proposals: 0 }).recluster).toBe(true);
    expect(planDiscovery({ ...base, lastRun: null }).recluster).toBe(true);
    expect(planDiscovery({ ...base, reclusterShare: 0, newUnassigned: 0 }).recluster).toBe(true);
  });
});
