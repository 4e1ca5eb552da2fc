import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEncoder } from '../src/models/encoder.js';
import { UserError } from '../src/util/errors.js';
import { HIDDEN, TOKENIZER_DIR, writeTinyBert } from './fixtures-models/tiny-bert.js';

// The real encoder module, not the shared one every other file gets (helpers/setup-shared-encoder.ts):
// this file tests loading the transformers backend and its errors.
vi.unmock('../src/models/encoder.js');

const haveTokenizer = existsSync(TOKENIZER_DIR);
if (!haveTokenizer) console.warn(`skipping transformers backend tests: ${TOKENIZER_DIR} is absent`);

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe.skipIf(!haveTokenizer)('transformers.js encoder backend (offline, tiny ONNX model)', () => {
  let dir: string;
  let modelDir: string;
  let server: Server;
  let host: string;
  const requested: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voc-transformers-'));
    modelDir = writeTinyBert(join(dir, 'local'));
    // A loopback server standing in for the hub: GET /<model>/resolve/main/<file>.
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const m = /^\/acme\/tiny-bert\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      const file = m ? join(modelDir, decodeURIComponent(m[1]!)) : '';
      if (!m || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      const body = readFileSync(file);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    process.env.VOC_TRANSFORMERS_CACHE = join(dir, 'cache');
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    delete process.env.VOC_TRANSFORMERS_CACHE;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads a model folder from disk and returns unit vectors in order', async () => {
    const enc = await createEncoder({ backend: 'transformers', model: modelDir });
    try {
      expect(enc.id).toBe('transformers:tiny-bert');
      expect(enc.dim).toBe(HIDDEN);
      const texts = ['the box was late', 'the box was late', 'completely different words here', ''];
      const v = await enc.embed(texts);
      expect(v).toHaveLength(4);
      for (const x of v.slice(0, 3)) expect(cosine(x, x)).toBeCloseTo(1, 4);
      expect(cosine(v[0]!, v[1]!)).toBeCloseTo(1, 5);
      expect(cosine(v[0]!, v[2]!)).toBeLessThan(0.999);
      // Batching (32 per call) keeps order.
      const many = Array.from({ length: 40 }, (_, i) => `text number ${i}`);
      const out = await enc.embed(many);
      const single = await enc.embed([many[37]!]);
      expect(cosine(out[37]!, single[0]!)).toBeCloseTo(1, 5);
    } finally {
      await enc.dispose();
    }
  });

  it('refuses to download unless allowed, with a clear message', async () => {
    await expect(createEncoder({ backend: 'transformers', model: 'acme/tiny-bert', localPath: join(dir, 'empty') })).rejects.toThrow(UserError);
    await expect(createEncoder({ backend: 'transformers', model: 'acme/tiny-bert', localPath: join(dir, 'empty') })).rejects.toThrow(/downloads are off/);
    expect(requested).toHaveLength(0);
  });

  it('downloads from a configured host when allowed, caching the files, and gives the same vectors', async () => {
    const local = await createEncoder({ backend: 'transformers', model: modelDir });
    const remote = await createEncoder({ backend: 'transformers', model: 'acme/tiny-bert', localPath: join(dir, 'empty'), allowRemote: true, remoteHost: host });
    try {
      expect(requested.some((u) => u.endsWith('/onnx/model.onnx'))).toBe(true);
      expect(requested.some((u) => u.endsWith('/tokenizer.json'))).toBe(true);
      expect(remote.id).toBe('transformers:acme/tiny-bert');
      const [a] = await local.embed(['delivery was late']);
      const [b] = await remote.embed(['delivery was late']);
      expect(cosine(a!, b!)).toBeCloseTo(1, 5);
      const cached = readdirSync(join(dir, 'cache'), { recursive: true }).map(String);
      expect(cached.some((f) => f.endsWith('model.onnx'))).toBe(true);
    } finally {
      await local.dispose();
      await remote.dispose();
    }
  });
});
