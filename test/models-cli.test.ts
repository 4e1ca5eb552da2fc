import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { openDatabase } from '../src/store/db.js';
import { countEmbeddings } from '../src/store/embeddings.js';
import { readLabelled } from '../src/models/labelled.js';
import { makeWorkspace } from './helpers/workspace.js';
import { disposeSharedEncoders } from './helpers/shared-encoder.js';

// The real encoder, loaded once per file, its vectors cached for the run (helpers/shared-encoder.ts).
vi.mock('../src/models/encoder.js', async (importOriginal) => (await import('./helpers/shared-encoder.js')).sharedEncoderModule(await importOriginal()));
afterAll(disposeSharedEncoders);

const FIXTURE = join(import.meta.dirname, 'fixtures-models', 'feedback.csv');

/** Runs `voc ...` in-process and returns what it printed on stdout. */
async function voc(...args: string[]): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await buildProgram().parseAsync(['node', 'voc', ...args]);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  return chunks.join('');
}

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
    // The label texts: "delivery" from the built-in codeframe, the other four from their names.
    expect(head.card.notes).toContain('Label texts as extra examples: 1 label(s) from codeframe builtin:voc-default.yaml, 4 from their names, 0 without.');
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

  it('trains an in-domain sentiment model and prints a readable report with a confusion matrix', async () => {
    const out = join(dir, 'sentiment.json');
    const printed = await voc('train', 'sentiment', '--input', FIXTURE, '--label-column', 'sentiment', '--out', out, '--db', db);
    expect(printed).toMatch(/3 labels, 50 examples/);
    expect(printed).toMatch(/stack.*accuracy/);
    expect(existsSync(out)).toBe(true);
    const table = await voc('eval', 'sentiment', '--input', FIXTURE, '--label-column', 'sentiment', '--head', out, '--db', db);
    expect(table).toMatch(/accuracy: 0\.\d{3}\s+macro-F1: 0\.\d{3}/);
    expect(table).toMatch(/confusion \(rows = gold, columns = predicted\)/);
    expect(table).toMatch(/negative\s+\d\.\d{3}\s+\d\.\d{3}/);
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

  it('adapts the general sentiment model to unlabelled texts (self-training) and refuses it for other tasks', async () => {
    const texts = join(import.meta.dirname, 'data', 'sentiment-feedback-labelled.csv');
    const out = join(dir, 'adapted.json');
    // No --label-column: the labels come from the general model's confident predictions.
    const printed = await voc('train', 'sentiment', '--input', texts, '--unlabelled', '--out', out, '--db', db);
    expect(printed).toMatch(/wrote .*adapted\.json: 3 labels/);
    const head = JSON.parse(readFileSync(out, 'utf8'));
    expect(head.card.createdWith).toBe('voc train sentiment --unlabelled');
    expect(head.card.notes.join(' ')).toMatch(/Adapted without labels: \d+ of 173 texts pseudo-labelled by the general model at p >= 0\.7/);
    expect(head.stack.withoutFasttext.features).toContain('general_negative');
    // The adapted model still reads the labelled sentences well (it never saw their labels).
    const json = JSON.parse(await voc('eval', 'sentiment', '--input', texts, '--head', out, '--db', db, '--json'));
    expect(json.report.accuracy).toBeGreaterThan(0.7);
    await expect(voc('train', 'themes', '--input', texts, '--unlabelled', '--out', join(dir, 'y.json'), '--db', db)).rejects.toThrow(/adapts the sentiment model only/);
    // Almost no text is confidently positive in a 3-row file: a clear error, not a bad model.
    const tiny = join(dir, 'tiny.csv');
    writeFileSync(tiny, 'text\nThe box was late.\nWhere is my order?\nThe courier was rude.\n');
    await expect(voc('train', 'sentiment', '--input', tiny, '--unlabelled', '--out', join(dir, 'z.json'), '--db', db)).rejects.toThrow(/Too few confident .*positive/);
  });

  it('adapts to the segments stored in the database (--from-db), one source at a time', async () => {
    const ws = makeWorkspace('voc-adapt-db-');
    try {
      const labelled = await readLabelled({ input: join(import.meta.dirname, 'data', 'sentiment-feedback-labelled.csv'), textColumn: 'text', labelColumn: 'label' });
      const csv = ['id,comment', ...labelled.texts.map((t, i) => `r${i},"${t.replace(/"/g, '""')}"`)].join('\n');
      ws.write('surveys/pulse.csv', `${csv}\n`);
      ws.writeConfig(`name: adapt\ndatabase: ${ws.dbPath}\nroot: ${ws.dir}\nsources:\n  - name: pulse\n    kind: survey\n    format: generic-csv\n    paths: "surveys/*.csv"\n    mapping: { id: id, text: [comment] }\n`);
      await voc('ingest', '--config', ws.configPath);
      const out = join(ws.dir, 'adapted.json');
      await voc('train', 'sentiment', '--unlabelled', '--from-db', '--source', 'pulse', '--db', ws.dbPath, '--out', out);
      const head = JSON.parse(readFileSync(out, 'utf8'));
      expect(head.card.trainingData[0].name).toMatch(/^segments in .*voc\.sqlite \(source pulse\) \(unlabelled/);
      expect(head.card.trainingData[0].rows).toBeGreaterThanOrEqual(labelled.texts.length);
      await expect(voc('train', 'sentiment', '--unlabelled', '--from-db', '--source', 'nope', '--db', ws.dbPath, '--out', out)).rejects.toThrow(/No analysable segments/);
      await expect(voc('train', 'sentiment', '--from-db', '--db', ws.dbPath, '--out', out)).rejects.toThrow(/--from-db: only with --unlabelled/);
      await expect(voc('train', 'sentiment', '--unlabelled', '--out', out)).rejects.toThrow(/--input: required/);
    } finally {
      ws.cleanup();
    }
  });

  it('explains bad input with a UserError, not a stack trace', async () => {
    await expect(voc('eval', 'themes', '--input', FIXTURE, '--label-column', 'themes', '--codeframe', join(dir, 'missing.yaml'), '--db', db)).rejects.toThrow(/does not exist/);
    await expect(voc('train', 'themes', '--input', FIXTURE, '--label-column', 'nope', '--out', join(dir, 'x.json'), '--db', db)).rejects.toThrow(
      /Column "nope" not found/,
    );
  });
});
