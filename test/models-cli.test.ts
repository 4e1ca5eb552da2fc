/**
 * `voc train themes` and `voc eval` end to end through the CLI program, in-process, on the real
 * encoder (loaded once for the file). The sentiment training and adaptation runs, 15-30 s each,
 * are in test/e2e/models-train-cli.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vocProgram } from './helpers/cli-in-process.js';
import { openDatabase } from '../src/store/db.js';
import { countEmbeddings } from '../src/store/embeddings.js';

const FIXTURE = join(import.meta.dirname, 'fixtures-models', 'feedback.csv');

const voc = (...args: string[]): Promise<string> => vocProgram(args);

describe('voc train / voc eval end to end', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voc-cli-models-'));
    db = join(dir, 'voc.sqlite');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trains a multi-label themes head, writes it with a card, and evaluates it as JSON', async () => {
    const out = join(dir, 'themes.json');
    const printed = await voc('train', 'themes', '--input', FIXTURE, '--text-column', 'text', '--label-column', 'themes', '--multi-label', '--out', out, '--db', db);
    expect(printed).toMatch(/wrote .*themes\.json: 5 labels, 50 examples, encoder use-lite@energetic-ai-0\.2\.0/);
    expect(printed).toMatch(/held-out split: microF1/);
    const head = JSON.parse(readFileSync(out, 'utf8'));
    expect(head.card.task).toBe('themes');
    expect(head.multiLabel).toBe(true);
    // The label texts: "delivery" from the built-in (cross-industry) codeframe, the other four from
    // their names (billing and support are no id or label there: "Billing errors", "Support and resolution").
    expect(head.card.notes).toContain('Label texts as extra examples: 1 label(s) from codeframe builtin:cross-industry.yaml, 4 from their names, 0 without.');
    // The embeddings (50 rows + the label texts) were cached in the database for the next run.
    const handle = openDatabase(db);
    expect(countEmbeddings(handle)).toBeGreaterThan(50 + 4);
    handle.close();
    const plainOut = join(dir, 'themes-plain.json');
    await voc('train', 'themes', '--input', FIXTURE, '--label-column', 'themes', '--multi-label', '--no-label-texts', '--out', plainOut, '--db', db);
    expect(JSON.parse(readFileSync(plainOut, 'utf8')).card.notes).toBeUndefined();

    const json = JSON.parse(await voc('eval', 'themes', '--input', FIXTURE, '--label-column', 'themes', '--head', out, '--db', db, '--json'));
    expect(json.kind).toBe('multi');
    expect(json.report.n).toBe(50);
    expect(json.report.microF1).toBeGreaterThan(0.6);
  });

  it('evaluates the shipped general sentiment model without --head', async () => {
    const json = JSON.parse(await voc('eval', 'sentiment', '--input', FIXTURE, '--label-column', 'sentiment', '--db', db, '--json'));
    expect(json.model).toMatch(/^sentiment:sentiment-general#/);
    expect(json.report.accuracy).toBeGreaterThan(0.6);
    expect(json.report.confusion).toHaveLength(3);
  });

  it('evaluates journey stages zero-shot with the built-in codeframe when no head is given', async () => {
    const stages = join(import.meta.dirname, 'fixtures-models', 'stages.csv');
    const json = JSON.parse(await voc('eval', 'stage', '--input', stages, '--label-column', 'stage', '--db', db, '--json'));
    expect(json.model).toMatch(/^zero-shot builtin:journey-stages\.yaml/);
    expect(json.report.n).toBe(16);
    // Chance is 1/8; the codeframe's names, descriptions and examples should do far better.
    expect(json.report.accuracy).toBeGreaterThan(0.5);
  });

  it('explains bad input with a UserError, not a stack trace', async () => {
    await expect(voc('eval', 'themes', '--input', FIXTURE, '--label-column', 'themes', '--codeframe', join(dir, 'missing.yaml'), '--db', db)).rejects.toThrow(/does not exist/);
    await expect(voc('train', 'themes', '--input', FIXTURE, '--label-column', 'nope', '--out', join(dir, 'x.json'), '--db', db)).rejects.toThrow(
      /Column "nope" not found/,
    );
  });
});
