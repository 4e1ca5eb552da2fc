/**
 * Classification checks what it can before any model loads: a wrong text or id column fails at
 * once with the columns found (in a file with rows, and in a CSV with only its header), and an
 * input without rows is done without loading anything. The model loader is replaced by one that
 * fails loudly, so each check here fails if it moves after the models (as it was: a wrong
 * --text-column cost 10 s of model loading, and a header-only CSV loaded them to write nothing).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerClassify } from '../src/cli/classify.js';
import { classify, classifyFile, UserError } from '../src/index.js';
import { vocInProcess } from './helpers/cli-in-process.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const loader = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../src/analyze/models.js', () => ({
  loadAnalyzerParts: () => {
    loader.calls++;
    return Promise.reject(new Error('models loaded'));
  },
}));

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace('voc-classify-check-');
  ws.write('rows.csv', 'id,text\n1,My box arrived late.\n2,Great recipes.\n');
  ws.write('header.csv', 'id,text\n');
  ws.write('empty.csv', '');
  ws.write('rows.jsonl', '{"ticket":"t1","body":"Nobody answered my emails."}\n');
});
afterAll(() => ws.cleanup());
beforeEach(() => {
  loader.calls = 0;
});

describe('classify checks before loading models', () => {
  it('names a wrong text or id column, with the columns found', async () => {
    const output = join(ws.dir, 'out.jsonl');
    await expect(classifyFile({ input: join(ws.dir, 'rows.csv'), textColumn: 'body', output })).rejects.toThrow(/rows\.csv: no column "body" \(found: id, text\)/);
    await expect(classifyFile({ input: join(ws.dir, 'header.csv'), textColumn: 'body', output })).rejects.toThrow(/header\.csv: no column "body" \(found: id, text\)/);
    await expect(classifyFile({ input: join(ws.dir, 'rows.jsonl'), textColumn: 'body', idColumn: 'id', output })).rejects.toThrow(/no column "id" \(found: ticket, body\)/);
    expect(loader.calls).toBe(0);
  });

  it('fails the same way through `voc classify`, as a UserError', async () => {
    const run = vocInProcess([registerClassify], ['classify', '--input', join(ws.dir, 'rows.csv'), '--text-column', 'comment', '--output', join(ws.dir, 'cli.jsonl')]);
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(/no column "comment"/);
    expect(loader.calls).toBe(0);
  });

  it('finishes an input without rows without loading anything', async () => {
    for (const file of ['header.csv', 'empty.csv']) {
      const output = join(ws.dir, `${file}.jsonl`);
      expect(await classifyFile({ input: join(ws.dir, file), textColumn: 'text', output })).toBe(0);
      expect(readFileSync(output, 'utf8')).toBe('');
    }
    expect(await classify([])).toEqual([]);
    expect(loader.calls).toBe(0);
  });

  it('loads the models once the columns are right and there are rows', async () => {
    await expect(classifyFile({ input: join(ws.dir, 'rows.csv'), textColumn: 'text', output: join(ws.dir, 'ok.jsonl') })).rejects.toThrow('models loaded');
    await expect(classify(['one text'])).rejects.toThrow('models loaded');
    expect(loader.calls).toBe(2);
  });

  it('refuses bad options with the option named', async () => {
    await expect(classify(['x'], { batchSize: 0 })).rejects.toThrow(/Invalid classify settings:\n {2}batchSize: found 0/);
    expect(loader.calls).toBe(0);
  });
});
