/**
 * Distributed analysis throughput (`npm run bench -- workers`): the same generated segments
 * analysed through the BullMQ queue by 1, 2 and 4 `voc worker` processes on this machine, timed
 * from the first enqueue to the last result written (workers are started and their models loaded
 * before the clock starts), and the queue's overhead against the analysis itself:
 * - coordinator ms per batch (its work: load from the store, enqueue, fetch the results from
 *   Redis, validate, write) against the workers' analysis ms per batch (the `seconds` each
 *   result reports), and apart from it the polls that found nothing (waiting, every 200 ms);
 * - with one worker, the wall time not spent analysing (queue hand-offs, polling, the last write)
 *   as a share of the analysis time;
 * - the workers' CPU seconds during the run (from /proc, model loading excluded), so that a run
 *   on a machine shared with other jobs can still be compared: segments per worker CPU second.
 * Needs redis-server: VOC_BENCH_REDIS_URL, else a private one is started on a temp port.
 * VOC_BENCH_SEGMENTS (default 2048), VOC_BENCH_BATCH (segments per batch, default 256, the
 * issue's target size), VOC_BENCH_WORKERS (default 1,2,4), VOC_BENCH_THREADS (encoder threads per
 * worker, default "1,default": one thread each, then the default of one per core) and
 * VOC_BENCH_DATABASE (a postgres:// URL of an empty database for the coordinator's store; default
 * a SQLite file) change it. One thread per worker is the question "do two workers on two cores
 * give twice one": with the default, one worker's encoder already uses every core.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseYamlWith } from '../../src/config/load.js';
import { PipelineConfig } from '../../src/config/pipeline.js';
import { parseAnalysisConfig } from '../../src/config/analysis.js';
import { loadAnalyzerParts } from '../../src/analyze/models.js';
import { planBatches } from '../../src/analyze/pipeline.js';
import { ingestPipeline } from '../../src/ingest/engine.js';
import { countAnalysableSegments, registerAnalysisVersion, staleDocumentIds } from '../../src/store/analysis.js';
import { openDatabase } from '../../src/store/db.js';
import { startRun } from '../../src/store/runs.js';
import { queueSettings } from '../../src/config/queue.js';
import { runDistributed } from '../../src/queue/coordinator.js';
import { checkRedis } from '../../src/queue/redis.js';
import { mulberry32 } from '../../src/util/random.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const SUBJECTS = ['My box', 'The delivery', 'The app', 'The courier', 'Customer service', 'The chatbot', 'My refund', 'The price', 'Checkout'];
const PROBLEMS = ['arrived late again', 'was great this week', 'keeps crashing', 'took forever to answer', 'charged me twice', 'was easy to use', 'left it in the rain'];

async function redisUrl(dir: string): Promise<{ url: string; stop: () => void }> {
  if (process.env.VOC_BENCH_REDIS_URL) return { url: process.env.VOC_BENCH_REDIS_URL, stop: () => undefined };
  const port = 20000 + Math.floor(Math.random() * 20000);
  const r = spawnSync('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no',
    '--maxmemory-policy', 'noeviction', '--daemonize', 'yes', '--pidfile', join(dir, 'redis.pid')]);
  if (r.status !== 0) throw new Error('redis-server is not installed and VOC_BENCH_REDIS_URL is not set');
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try {
      await checkRedis(url, 500);
      break;
    } catch {
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  return { url, stop: () => spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']) };
}

/** User + system CPU seconds of a process so far (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

function startWorkers(n: number, configPath: string, cwd: string): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => new Promise<ChildProcess>((ok, fail) => {
      const c = spawn(process.execPath, ['--import', TSX, join(ROOT, 'test/helpers/voc-dev.ts'), 'worker', '--config', configPath, '--quiet'], {
        cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' },
      });
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/ready: queue/.test(out)) ok(c);
      };
      c.stdout.on('data', onData);
      c.stderr.on('data', onData);
      c.once('exit', (code) => fail(new Error(`worker exited ${code}: ${out}`)));
    })),
  );
}

export async function run(): Promise<string> {
  const nSeg = Number(process.env.VOC_BENCH_SEGMENTS ?? 2048);
  const batchSize = Number(process.env.VOC_BENCH_BATCH ?? 256);
  const counts = (process.env.VOC_BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
  const threadOptions = (process.env.VOC_BENCH_THREADS ?? '1,default').split(',').map((t) => (t === 'default' ? null : Number(t)));
  const database = process.env.VOC_BENCH_DATABASE;
  const dir = mkdtempSync(join(tmpdir(), 'voc-bench-workers-'));
  const redis = await redisUrl(dir);
  const rand = mulberry32(5);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
  writeFileSync(join(dir, 'in.csv'), `id,text\n${Array.from({ length: nSeg }, (_, i) => `${i},"${pick(SUBJECTS)} ${pick(PROBLEMS)} (#${i})."`).join('\n')}\n`);
  const yaml = `name: bench-workers
database: ${database ?? join(dir, 'bench.sqlite')}
root: ${dir}
sources:
  - { name: bench, kind: survey, format: generic-csv, paths: in.csv, mapping: { id: id, text: [text] } }
analysis: { discovery: { enabled: false } }
queue: { url: "${redis.url}", batchSize: ${batchSize} }
`;
  writeFileSync(join(dir, 'pipeline.yaml'), yaml);
  // The workers' configs: the same pipeline with the encoder's threads set (not part of the analysis key).
  const workerConfig = (threads: number | null) => {
    if (threads === null) return join(dir, 'pipeline.yaml');
    const path = join(dir, `pipeline-threads-${threads}.yaml`);
    writeFileSync(path, yaml.replace('analysis: { discovery: { enabled: false } }', `analysis: { discovery: { enabled: false }, encoder: { backend: use, threads: ${threads} } }`));
    return path;
  };
  const config = parseYamlWith(yaml, PipelineConfig, 'bench pipeline');
  const db = openDatabase(database ?? join(dir, 'bench.sqlite'));
  const rows: string[] = [];
  try {
    await ingestPipeline(db, config, startRun(db, { command: 'ingest', toolVersion: 'bench' }), {});
    process.stderr.write(`ingested ${nSeg} rows; loading the models for the analysis key\n`);
    const acfg = parseAnalysisConfig(config.analysis);
    const parts = await loadAnalyzerParts(acfg, null);
    const key = parts.key;
    await parts.encoder.dispose();
    registerAnalysisVersion(db, key, parts.modelsJson, new Date().toISOString());
    const settings = queueSettings(config.queue, config.name)!;
    // The default first, so that the one-thread rows can be compared with one default worker.
    const runs = [...threadOptions].sort((a, b) => (a === null ? -1 : b === null ? 1 : a - b)).flatMap((threads) => counts.map((n) => ({ n, threads })));
    const perSecond = new Map<string, number>();
    for (const { n, threads } of runs) {
      const threadsLabel = threads === null ? `default (${availableParallelism()})` : String(threads);
      process.stderr.write(`starting ${n} worker(s), encoder threads ${threadsLabel}\n`);
      db.exec('DELETE FROM segment_themes; DELETE FROM segment_emotions; DELETE FROM segment_analysis; DELETE FROM document_analysis');
      process.stderr.write('cleared the analysis tables\n');
      // From the project folder, like this process: the analysis key depends on which models are found (e.g. ../shared/models).
      const workers = await startWorkers(n, workerConfig(threads), ROOT);
      try {
        const segCounts = countAnalysableSegments(db);
        const batches = planBatches(staleDocumentIds(db, key), segCounts, settings.batchSize);
        const cpu0 = workers.reduce((sum, w) => sum + cpuSeconds(w.pid), 0);
        const t = performance.now();
        const { progress, stats, analysisSeconds, idlePollMs } = await runDistributed({ db, config, batches, counts: segCounts, key, runId: null, settings });
        const s = (performance.now() - t) / 1000;
        const cpu = workers.reduce((sum, w) => sum + cpuSeconds(w.pid), 0) - cpu0;
        const analysisMs = (analysisSeconds * 1000) / Math.max(1, stats.batches);
        const idle = n === 1 ? `${(((s - analysisSeconds) / analysisSeconds) * 100).toFixed(1)}%` : '';
        const rate = progress.segmentsDone / s;
        if (n === 1) perSecond.set(threadsLabel, rate);
        const one = perSecond.get(threadsLabel);
        const firstDefault = perSecond.get(`default (${availableParallelism()})`);
        rows.push(
          `| ${n} | ${threadsLabel} | ${one ? `${(rate / one).toFixed(2)}x` : ''} | ${firstDefault && threads !== null ? `${(rate / firstDefault).toFixed(2)}x` : ''} | ${progress.segmentsDone} | ${stats.batches} | ${s.toFixed(1)} | ${(progress.segmentsDone / s).toFixed(1)} | ` +
            `${analysisMs.toFixed(0)} | ${stats.coordinatorMsPerBatch.toFixed(1)} | ${((stats.coordinatorMsPerBatch / analysisMs) * 100).toFixed(1)}% | ` +
            `${(idlePollMs / Math.max(1, stats.batches)).toFixed(1)} | ${idle} | ` +
            `${cpu.toFixed(0)} | ${cpu > 0 ? (progress.segmentsDone / cpu).toFixed(1) : ''} | ${loadavg()[0]!.toFixed(1)} |`,
        );
        process.stderr.write(`${rows.at(-1)}\n`);
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
      }
    }
  } finally {
    db.close();
    redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    '## Distributed analysis (BullMQ workers)',
    '',
    `Command: \`npm run bench -- workers\`, run on ${new Date().toISOString().slice(0, 10)}. ${nSeg} generated one-sentence segments, batches of ${batchSize}, ` +
      `the coordinator's store on ${database ? 'PostgreSQL' : 'SQLite'}, ` +
      'workers are `voc worker` processes on this machine (models loaded before the clock starts), Redis on loopback; ' +
      'the time runs from the first enqueue to the last result written.',
    '',
    '| workers | encoder threads per worker | vs 1 worker, same threads | vs 1 default worker | segments | batches | seconds | segments/s | analysis ms per batch | coordinator ms per batch | coordinator / analysis | idle polls ms per batch | 1 worker: wall not analysing | worker CPU s | segments per worker CPU s | load average after |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Analysis ms per batch = the time a worker reports for analysing one batch. Coordinator ms per batch = its work for a batch: loading it from the store, ' +
      'enqueueing it, fetching the results from Redis, validating the returned rows and writing them in one transaction; ' +
      'idle polls = the Redis polls (every 200 ms) that found nothing, i.e. the coordinator waiting for the workers. ' +
      '"Wall not analysing" (one worker) = run time minus analysis time, over analysis time: every hand-off through the queue. ' +
      'Segments per worker CPU second stays comparable when other jobs share the machine.',
  ].join('\n');
}
