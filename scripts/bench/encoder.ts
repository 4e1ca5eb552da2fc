/**
 * Encoder throughput: texts per second for short (~12 words) and long (~120 words) texts through
 * the USE-lite encoder with 1 and 2 inference threads, cold and through the embedding cache (a
 * second pass over the same texts), plus peak RSS. Texts come from a seeded generator so runs are
 * comparable; the machine load average is printed because the numbers depend on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedEncoder } from '../../src/store/embeddings.js';
import { createEncoder } from '../../src/models/encoder.js';
import { mulberry32 } from '../../src/util/random.js';
import { openDatabase } from '../../src/store/db.js';
import { machineLine } from '../run-sections.js';

const WORDS = ('delivery box late courier rain warm chicken app crash menu update logged out billing charged twice cancel pause ' +
  'price increase promo code checkout payment failed support phone wait chatbot email agent recipe fresh portion tasty ' +
  'family plan premium basic weekly great love terrible slow quick friendly never again thanks easy hard').split(' ');

function texts(n: number, words: number, seed: number): string[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const w = Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]!);
    return `${w.join(' ')} ${i}.`;
  });
}

async function measure(threads: number, items: string[], dbPath: string): Promise<{ cold: number; cached: number }> {
  const db = openDatabase(dbPath);
  const base = await createEncoder({ backend: 'use', threads });
  const enc = cachedEncoder(db, base);
  try {
    await base.embed(items.slice(0, 8)); // warm-up (graph compile), not cached
    let t0 = performance.now();
    await enc.embed(items);
    const cold = items.length / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    await enc.embed(items);
    const cached = items.length / ((performance.now() - t0) / 1000);
    return { cold, cached };
  } finally {
    await enc.dispose();
    db.close();
  }
}

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'voc-bench-encoder-'));
  const short = texts(Number(process.env.VOC_BENCH_SHORT ?? 1000), 12, 1);
  const long = texts(Number(process.env.VOC_BENCH_LONG ?? 150), 120, 2);
  const rows: string[] = [];
  try {
    for (const threads of [1, 2]) {
      const s = await measure(threads, short, join(dir, `s${threads}.sqlite`));
      const l = await measure(threads, long, join(dir, `l${threads}.sqlite`));
      rows.push(`| ${threads} | ${s.cold.toFixed(0)} | ${s.cached.toFixed(0)} | ${l.cold.toFixed(1)} | ${l.cached.toFixed(0)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rssMb = process.resourceUsage().maxRSS / 1024;
  return [
    '## Encoder (USE lite, TF.js wasm)',
    '',
    `Command: \`npm run bench -- encoder\` (scripts/bench/encoder.ts), ${new Date().toISOString().slice(0, 10)}, ${machineLine()}, load average ${loadavg()[0]!.toFixed(2)}.`,
    `${short.length} short texts (~12 words) and ${long.length} long texts (~120 words); "cached" = the same texts again through the embeddings table.`,
    '',
    '| threads | short texts/s (cold) | short texts/s (cached) | long texts/s (cold) | long texts/s (cached) |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Peak RSS of the benchmark process (workers included): ${rssMb.toFixed(0)} MB.`,
  ].join('\n');
}
