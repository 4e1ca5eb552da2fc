/**
 * `voc train sentiment` and its adaptation without labels, end to end through the CLI program on
 * the real encoder: an in-domain sentiment model trained with its stack and evaluated with a
 * confusion matrix; self-training on unlabelled texts, from a file and from the segments stored in
 * a database. Moved here from test/models-cli.test.ts: each trains a 5-fold head and a stack,
 * 15-30 s apiece on two cores; `voc train themes` and `voc eval` stay in `npm test`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { vocProgram } from '../helpers/cli-in-process.js';
import { readLabelled } from '../../src/models/labelled.js';
import { makeWorkspace } from '../helpers/workspace.js';
import { disposeSharedEncoders } from '../helpers/shared-encoder.js';

// The real encoder, loaded once for the file (helpers/shared-encoder.ts).
vi.mock('../../src/models/encoder.js', async (importOriginal) => (await import('../helpers/shared-encoder.js')).sharedEncoderModule(await importOriginal()));
afterAll(disposeSharedEncoders);

const FIXTURE = join(import.meta.dirname, '..', 'fixtures-models', 'feedback.csv');
const DATA = join(import.meta.dirname, '..', 'data');

const voc = (...args: string[]): Promise<string> => vocProgram(args);

describe('voc train sentiment end to end', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voc-cli-sentiment-'));
    db = join(dir, 'voc.sqlite');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
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

  it('adapts the general sentiment model to unlabelled texts (self-training) and refuses it for other tasks', async () => {
    const texts = join(DATA, 'sentiment-feedback-labelled.csv');
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
      const labelled = await readLabelled({ input: join(DATA, 'sentiment-feedback-labelled.csv'), textColumn: 'text', labelColumn: 'label' });
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
});
