/**
 * Analysis throughput: segments per second through the whole analyser (embedding, sentiment,
 * themes, emotions, stage, touchpoint) for short and long texts, with a cold embedding cache and
 * again with every vector cached; plus peak RSS of this process. Texts are generated from a seeded
 * PRNG so runs are comparable. VOC_BENCH_SHORT / VOC_BENCH_LONG change the counts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Analyzer, type AnalyzeItem } from '../../src/analyze/analyzer.js';
import { mulberry32 } from '../../src/util/random.js';
import { loadAnalyzerParts } from '../../src/analyze/models.js';
import { parseAnalysisConfig } from '../../src/config/analysis.js';
import { openDatabase } from '../../src/store/db.js';

const SUBJECTS = ['my box', 'the delivery', 'the app', 'the courier', 'customer service', 'the chatbot', 'my refund', 'the price', 'the recipe', 'checkout'];
const PROBLEMS = [
  'arrived late again',
  'was great this week',
  'keeps crashing when I edit the menu',
  'took forever to answer',
  'charged me twice',
  'was really easy to use',
  'left everything in the rain',
  'did not accept my promo code',
  'is much better than before',
  'made me wait on hold for an hour',
];
const TAILS = ['', ' and I am annoyed', ', thanks!', ' to be honest', ' which is not ok', ' so I might cancel', ' and the food was fresh'];

function sentence(rand: () => number, i: number): string {
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
  return `${pick(SUBJECTS)} ${pick(PROBLEMS)}${pick(TAILS)} (#${i})`.replace(/^./, (c) => c.toUpperCase());
}

function texts(n: number, sentencesEach: number, seed: number): string[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: sentencesEach }, (_, j) => `${sentence(rand, i * 100 + j)}.`).join(' '),
  );
}

interface Measured {
  perSecond: number;
  /** share of the wall time the main thread's event loop was busy (scoring, lexicon, zero-shot, writes) */
  mainBusy: number;
  /** main-thread busy milliseconds per segment */
  mainMsPerSegment: number;
}

/** Like analyzePipeline: the next batch is embedded while the current one is scored. */
async function measure(analyzer: Analyzer, list: string[], batch: number): Promise<Measured> {
  const started = performance.now();
  const elu = performance.eventLoopUtilization();
  const slices = Array.from({ length: Math.ceil(list.length / batch) }, (_, b) => list.slice(b * batch, (b + 1) * batch));
  const items = (texts: string[], offset: number): AnalyzeItem[] =>
    texts.map((text, k) => ({ doc: { key: String(offset + k), kind: 'survey', sourceName: 'bench', channel: null, attributes: {} }, text, field: null }));
  let next = slices.length ? analyzer.embed(slices[0]!) : null;
  for (let b = 0; next; b++) {
    const vectors = await next;
    next = b + 1 < slices.length ? analyzer.embed(slices[b + 1]!) : null;
    await analyzer.analyzeEmbedded(items(slices[b]!, b * batch), vectors);
  }
  const used = performance.eventLoopUtilization(elu);
  return { perSecond: list.length / ((performance.now() - started) / 1000), mainBusy: used.utilization, mainMsPerSegment: used.active / list.length };
}

/** The encoder alone (no scoring), same batches: the ceiling the pipeline can reach. */
async function encoderOnly(analyzer: Analyzer, list: string[], batch: number): Promise<number> {
  const started = performance.now();
  for (let b = 0; b * batch < list.length; b++) await analyzer.embed(list.slice(b * batch, (b + 1) * batch));
  return list.length / ((performance.now() - started) / 1000);
}

/** `voc classify` in a child process: its peak RSS for a small and a large input (streaming check). */
function classifyRss(dir: string, rows: number): { seconds: number; peakMb: number } {
  const input = join(dir, `in-${rows}.csv`);
  writeFileSync(input, `id,text\n${texts(rows, 1, 3).map((t, i) => `${i},"${t}"`).join('\n')}\n`);
  const code = `const { classifyFile } = await import(${JSON.stringify(new URL('../../src/pipeline/classify.ts', import.meta.url).href)});
const t = performance.now();
await classifyFile({ input: ${JSON.stringify(input)}, textColumn: 'text', idColumn: 'id', output: ${JSON.stringify(`${input}.jsonl`)}, format: 'csv', batchSize: 64 });
console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, peakMb: process.resourceUsage().maxRSS / 1024 }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`classify child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; peakMb: number };
}

export async function run(): Promise<string> {
  const nShort = Number(process.env.VOC_BENCH_SHORT ?? 2000);
  const nLong = Number(process.env.VOC_BENCH_LONG ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'voc-bench-analyze-'));
  const db = openDatabase(join(dir, 'bench.sqlite'));
  const acfg = parseAnalysisConfig({});
  const parts = await loadAnalyzerParts(acfg, db);
  try {
    const analyzer = await Analyzer.create(acfg, parts);
    const short = texts(nShort, 1, 1);
    const long = texts(nLong, 8, 2);
    const fresh = new Map([
      [short, texts(nShort, 1, 11)],
      [long, texts(nLong, 8, 12)],
    ]);
    const rows = [] as string[];
    for (const [name, list] of [
      ['short (one sentence, ~10 words)', short],
      ['long (8 sentences, ~90 words)', long],
    ] as const) {
      const cold = await measure(analyzer, list, acfg.batchSize);
      const cached = await measure(analyzer, list, acfg.batchSize);
      // Texts of the same shape that the cache has not seen (another seed: a repeat is one in ~700).
      const bare = await encoderOnly(analyzer, fresh.get(list)!, acfg.batchSize);
      rows.push(
        `| ${name} | ${list.length} | ${cold.perSecond.toFixed(0)} | ${bare.toFixed(0)} | ${(cold.perSecond / bare).toFixed(2)} | ${(100 * cold.mainBusy).toFixed(0)}% | ${cold.mainMsPerSegment.toFixed(2)} | ${cached.perSecond.toFixed(0)} |`,
      );
    }
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const classified = [100, Number(process.env.VOC_BENCH_CLASSIFY ?? 3000)].map((n) => ({ n, r: classifyRss(dir, n) }));
    return [
      '## Analysis throughput',
      '',
      `Command: \`npm run bench -- analyze\`, run on ${new Date().toISOString().slice(0, 10)}. Encoder \`${parts.encoder.id}\`, batch ${acfg.batchSize}, built-in codeframes, SQLite embedding cache.`,
      '',
      '| texts | count | segments/s (cold cache) | encoder alone, texts/s | pipeline / encoder | main thread busy (cold) | main-thread ms per segment | segments/s (cached vectors) |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `The encoder runs in ${availableParallelism()} worker threads at most (analysis.encoder.threads, default the CPU count); the main thread scores batch b (lexicon sentiment, zero-shot, heads, themes, emotions) while batch b+1 is embedded. "Main thread busy" is its event-loop utilisation during the cold run: the share of the time it worked. It caps one process at 1000 / (main-thread ms per segment) segments per second, whatever the cores; with cached vectors the main thread is all the work.`,
      '',
      `Peak RSS of the process: ${peakMb.toFixed(0)} MB (includes the encoder's worker threads and the generated texts). Load average during the run: ${loadavg()[0]!.toFixed(1)} (2-core machine shared with other jobs: throughput drops when it is above 2).`,
      '',
      '`voc classify` streaming check (separate processes, short texts, no database):',
      '',
      '| rows | seconds (incl. model load) | rows/s | peak RSS |',
      '|---|---|---|---|',
      ...classified.map(({ n, r }) => `| ${n} | ${r.seconds.toFixed(1)} | ${(n / r.seconds).toFixed(0)} | ${r.peakMb.toFixed(0)} MB |`),
    ].join('\n');
  } finally {
    await parts.encoder.dispose();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
