/**
 * The bad-input corpus (fixtures/bad/manifest.yaml, 48 kinds across every format) in one ingest
 * run through the real CLI: the run finishes with no stack trace, and for every file the counts
 * reconcile against what the file holds, every quarantine names file, place and reason, and the
 * expected warnings are counted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeWorkspace, PROJECT_ROOT, type CliResult, type Workspace } from './helpers/workspace.js';
import { runVocInProcess } from './helpers/cli-in-process.js';

const Entry = z.object({
  file: z.string(),
  kind: z.enum(['survey', 'interview', 'ticket']),
  format: z.string(),
  mapping: z.record(z.string(), z.unknown()).optional(),
  rows: z.number().int().min(0),
  quarantined: z.number().int().min(0).optional(),
  duplicate: z.number().int().min(0).optional(),
  threaded: z.number().int().min(0).optional(),
  warnings: z.array(z.string()).optional(),
  why: z.string(),
});
const MANIFEST = z.array(Entry).parse(parseYaml(readFileSync(join(PROJECT_ROOT, 'fixtures/bad/manifest.yaml'), 'utf8')));

let ws: Workspace;
let run: CliResult;
let report: { files: Array<Record<string, unknown> & { path: string; source: string; read: number; warnings?: Record<string, { count: number; locator: string; message: string }> }> };

const sourceName = (i: number) => `bad${String(i).padStart(2, '0')}`;

beforeAll(async () => {
  ws = makeWorkspace('voc-bad-');
  const sources = MANIFEST.map((e, i) => {
    ws.copy(join('fixtures/bad', e.file), join('in', e.file));
    return { name: sourceName(i), kind: e.kind, format: e.format, paths: join('in', e.file), ...(e.mapping ? { mapping: e.mapping } : {}) };
  });
  ws.writeConfig(JSON.stringify({ name: 'bad', database: ws.dbPath, root: ws.dir, sources }));
  run = await runVocInProcess(['ingest', '--config', ws.configPath, '--json'], ws.dir);
  report = JSON.parse(run.stdout) as typeof report;
}, 120_000);

afterAll(() => ws?.cleanup());

describe(`the bad-input corpus (${MANIFEST.length} kinds)`, () => {
  it('has at least 40 kinds, and the run finishes without a stack trace', () => {
    expect(MANIFEST.length).toBeGreaterThanOrEqual(40);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  MANIFEST.forEach((e, i) => {
    it(`${e.file}: ${e.why}`, () => {
      const f = report.files.find((x) => x.source === sourceName(i));
      expect(f, 'a file report').toBeDefined();
      const n = f as unknown as Record<string, number | undefined>;
      const k = ['read', 'new', 'updated', 'unchanged', 'duplicate', 'quarantined', 'filtered', 'threaded'] as const;
      const c = Object.fromEntries(k.map((key) => [key, n[key] ?? 0])) as Record<(typeof k)[number], number>;
      expect(c.read, 'read = what the file holds').toBe(e.rows);
      expect(c.new + c.updated + c.unchanged + c.duplicate + c.quarantined + c.filtered + c.threaded).toBe(c.read);
      if (e.quarantined !== undefined) expect(c.quarantined, 'quarantined').toBe(e.quarantined);
      if (e.duplicate !== undefined) expect(c.duplicate, 'duplicate').toBe(e.duplicate);
      if (e.threaded !== undefined) expect(c.threaded, 'thread turns').toBe(e.threaded);
      for (const w of e.warnings ?? []) expect(Object.keys(f!.warnings ?? {}), 'warnings').toContain(w);
      for (const w of Object.values(f!.warnings ?? {})) expect(w.locator).toMatch(/^(line \d+|record \d+|file)$/);
      const db = new Database(ws.dbPath, { readonly: true });
      try {
        const q = db.prepare('SELECT path, locator, reason FROM quarantine WHERE source_name = ?').all(sourceName(i)) as Array<{ path: string; locator: string; reason: string }>;
        expect(q).toHaveLength(c.quarantined);
        for (const row of q) {
          expect(row.path).toBe(join('in', e.file));
          expect(row.locator).toMatch(/^(line \d+|record \d+|cue \d+|turn \d+|file)$/);
          expect(row.reason.length).toBeGreaterThan(10);
          expect(row.reason).not.toMatch(/please report|\n\s+at /);
        }
      } finally {
        db.close();
      }
    });
  });
});
