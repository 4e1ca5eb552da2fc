/**
 * The USE encoder starts its inference threads on the first text it must embed, not when it is
 * created (issue 11, the nightly run's fixed cost): a run whose texts are all in the embedding
 * cache never loads the runtime, and one text starts one thread of the two allowed. Worker construction is counted through a wrapped
 * node:worker_threads; the threads themselves are real. The suite shares modules between files
 * (isolate: false), so the encoder modules are imported afresh here, after the mock.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { openDatabase, type Db } from '../src/store/db.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

// The real encoder module, not the suite's shared one (helpers/setup-shared-encoder.ts).
vi.unmock('../src/models/encoder.js');

const started = vi.hoisted(() => ({ workers: 0 }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class CountedWorker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args);
      started.workers++;
    }
  }
  return { ...real, Worker: CountedWorker, default: { ...real, Worker: CountedWorker } };
});

// Counts imports of TF.js in this thread: loading the analyser's models must not load it (the
// first embedding does, in-process with threads: 1, or in the encoder's worker threads).
const tf = vi.hoisted(() => ({ imports: 0 }));
vi.mock('../src/models/tfjs.js', async (importOriginal) => {
  tf.imports++;
  return await importOriginal<typeof import('../src/models/tfjs.js')>();
});

let ws: Workspace;
let db: Db;
let createEncoder: typeof import('../src/models/encoder.js').createEncoder;
let cachedEncoder: typeof import('../src/store/embeddings.js').cachedEncoder;
beforeAll(async () => {
  vi.resetModules();
  ({ createEncoder } = await import('../src/models/encoder.js'));
  ({ cachedEncoder } = await import('../src/store/embeddings.js'));
  ws = makeWorkspace('voc-use-lazy-');
  db = openDatabase(join(ws.dir, 'v.sqlite'));
});
afterAll(() => {
  db.close();
  ws.cleanup();
});

describe('USE encoder start-up', () => {
  it('starts no thread until a text misses the cache, then one (more only as the work grows: use-pool.ts)', async () => {
    const first = await createEncoder({ backend: 'use', threads: 2 });
    expect(started.workers).toBe(0);
    const [v] = await cachedEncoder(db, first).embed(['The courier left my box in the rain.']);
    expect(started.workers).toBe(1);
    await first.dispose();

    // A second encoder over the same cache: every text is a hit, so nothing starts.
    const second = await createEncoder({ backend: 'use', threads: 2 });
    const [again] = await cachedEncoder(db, second).embed(['The courier left my box in the rain.']);
    expect([...again!]).toEqual([...v!]);
    expect(started.workers).toBe(1);
    await second.dispose();
  });
});

describe('analyser start-up', () => {
  it('loads the heads and the sentiment model without TF.js; the first text to embed loads it', async () => {
    vi.resetModules();
    tf.imports = 0;
    const { loadAnalyzerParts } = await import('../src/analyze/models.js');
    const { parseAnalysisConfig } = await import('../src/config/analysis.js');
    const parts = await loadAnalyzerParts(parseAnalysisConfig({ encoder: { backend: 'use', threads: 1 } }), db);
    try {
      expect(parts.heads.themes).toBeDefined();
      expect(parts.key).toMatch(/^[0-9a-f]{16}$/);
      expect(tf.imports).toBe(0);
      await parts.encoder.embed(['A text no cache has seen before: the chatbot sent me in circles.']);
      expect(tf.imports).toBe(1);
    } finally {
      await parts.encoder.dispose();
    }
  });
});
