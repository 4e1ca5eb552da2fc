/**
 * `npm run bench -- nightly`: what a nightly `voc run` costs, measured end to end (issue 11), and
 * what the database holds per segment with real vectors ("Storage").
 *
 * A realistic corpus of real documents read in place from ../shared/datasets (six sources of the
 * journey corpus, round-robin, short tweets and NPS comments next to long reviews and complaints;
 * VOC_NIGHTLY_DOCS, default 3000) is written as a generic CSV into a temporary folder (never into
 * the repository). Then three `runPipeline` runs of the compiled package (dist/, compiled first:
 * what `voc run` runs, without a TypeScript loader), each in its own child process
 * (nightly-child.js) so model loading and module start-up count as they do for `voc run`:
 * 1. full: an empty database and a cold embedding cache;
 * 2. 1% new: a second file with 1% more documents (dated after the rest), run three times on
 *    copies of the full build's database (median by CPU);
 * 3. no new data: the same files again.
 * Each reports wall and CPU time (process.cpuUsage: every thread, the encoder's included), the
 * time per stage (from the reporter's stage events) and the time inside runPipeline.
 *
 * Storage: after the full build, database bytes per segment (file size after VACUUM, and per table
 * from the dbstat virtual table) as stored (int8 vectors, the default), and for a copy with every
 * vector rewritten as float32 (what the same database held before compact embeddings).
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED_DATASETS } from '../run-sections.js';

/** Runs of the 1% case (median reported). */
const ROUNDS = 3;

const SOURCES = ['airline-tweets', 'ba-reviews', 'twcs', 'cfpb', 'nps-telecom', 'comcast'];

interface ChildResult {
  wallSeconds: number;
  cpuSeconds: number;
  pipelineSeconds: number;
  pipelineCpuSeconds: number;
  stages: Record<string, number>;
  analysed: number;
  analyseSeconds: number;
  cacheMisses: number;
  unchanged: boolean;
  exports: number;
}

function csvField(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

async function corpus(n: number): Promise<Array<{ id: string; text: string }>> {
  const { availableSources } = await import('../corpus/sources.js');
  const lists = availableSources(SHARED_DATASETS)
    .sources.filter((s) => SOURCES.includes(s.name))
    .map((s) => s.read(SHARED_DATASETS).map((d) => ({ id: `${s.name}:${d.docId}`, text: d.text })));
  const out: Array<{ id: string; text: string }> = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < n && lists.some((l) => i < l.length); i++) {
    for (const l of lists) {
      const d = l[i];
      if (d && !seen.has(d.id) && out.length < n) {
        seen.add(d.id);
        out.push(d);
      }
    }
  }
  return out;
}

function writeCsv(path: string, docs: Array<{ id: string; text: string }>, firstDay: number): void {
  const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + (firstDay + Math.floor(i / 20)) * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(path, `id,comment,date\n${docs.map((d, i) => `${csvField(d.id)},${csvField(d.text)},${day(i)}`).join('\n')}\n`);
}

/** One run in a child process on the compiled package (nightly-child.js), as `voc run` runs. */
function runChild(config: string): ChildResult {
  const out = execFileSync(process.execPath, [fileURLToPath(new URL('./nightly-child.js', import.meta.url)), config], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

interface Storage {
  segments: number;
  fileBytes: number;
  tables: Array<{ name: string; bytes: number }>;
}

function storage(path: string): Storage {
  const db = new Database(path);
  try {
    db.exec('VACUUM');
    const segments = (db.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number }).n;
    const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as Array<{ name: string; bytes: number }>;
    return { segments, fileBytes: statSync(path).size, tables: rows };
  } finally {
    db.close();
  }
}

/** A copy of the database at `path` with every vector rewritten as float32 (the pre-007 layout). */
async function asFloat32(path: string, copy: string): Promise<void> {
  const { decodeVector, encodeVector } = await import('../../src/models/cache.js');
  copyFileSync(path, copy);
  const db = new Database(copy);
  try {
    const rows = db.prepare('SELECT model_id, text_hash, format, vector FROM embeddings').all() as Array<{ model_id: string; text_hash: string; format: 'int8' | 'float16' | 'float32'; vector: Buffer }>;
    const update = db.prepare(`UPDATE embeddings SET format = 'float32', vector = ? WHERE model_id = ? AND text_hash = ?`);
    db.transaction(() => {
      for (const r of rows) update.run(encodeVector(decodeVector(r.vector, r.format), 'float32'), r.model_id, r.text_hash);
    })();
  } finally {
    db.close();
  }
}

const fmt = (x: number, d = 1) => x.toFixed(d);

export async function run(): Promise<string> {
  // The children run dist/ (what `voc run` runs): compile it from the current sources first.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const n = Number(process.env.VOC_NIGHTLY_DOCS ?? 3000);
  // VOC_NIGHTLY_KEEP=1 keeps the folder (corpus, config, database) for profiling by hand.
  const keep = process.env.VOC_NIGHTLY_KEEP === '1';
  const dir = mkdtempSync(join(tmpdir(), 'voc-bench-nightly-'));
  try {
    const docs = await corpus(n + Math.ceil(n / 100));
    if (docs.length < n) throw new Error(`only ${docs.length} documents found under ${SHARED_DATASETS}`);
    const base = docs.slice(0, n);
    const extra = docs.slice(n);
    mkdirSync(join(dir, 'in'));
    writeCsv(join(dir, 'in', 'base.csv'), base, 0);
    const config = join(dir, 'voc.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'name: nightly-bench',
        `database: ${join(dir, 'voc.sqlite')}`,
        `root: ${dir}`,
        `outputDir: ${join(dir, 'out')}`,
        'sources:',
        '  - { name: feedback, kind: survey, format: generic-csv, paths: "in/*.csv", mapping: { id: id, text: [comment], date: date } }',
        '',
      ].join('\n'),
    );
    const full = runChild(config);
    const dbPath = join(dir, 'voc.sqlite');
    const stored = storage(dbPath);
    await asFloat32(dbPath, join(dir, 'f32.sqlite'));
    const before = storage(join(dir, 'f32.sqlite'));
    writeCsv(join(dir, 'in', 'new.csv'), extra, 400);
    // The 1% run is short, so its CPU time is noisy: it runs ROUNDS times, each on a fresh copy of
    // the full build's database (same cache, same new file), and the median by CPU is reported.
    const snapshot = join(dir, 'full.sqlite');
    copyFileSync(dbPath, snapshot);
    const rounds: ChildResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
      copyFileSync(snapshot, dbPath);
      rounds.push(runChild(config));
    }
    const byCpu = [...rounds].sort((a, b) => a.cpuSeconds - b.cpuSeconds);
    const onePercent = byCpu[Math.floor(ROUNDS / 2)]!;
    const noop = runChild(config);
    const row = (name: string, r: ChildResult) =>
      `| ${name} | ${r.analysed} | ${fmt(r.wallSeconds)} | ${fmt(r.cpuSeconds)} | ${fmt((100 * r.cpuSeconds) / full.cpuSeconds)}% | ${fmt(r.pipelineSeconds)} | ${['ingest', 'analyze', 'aggregate', 'exports'].map((s) => (r.stages[s] === undefined ? '-' : fmt(r.stages[s]!))).join(' | ')} | ${r.unchanged ? 'yes' : 'no'} |`;
    const perSeg = (s: Storage) => s.fileBytes / s.segments;
    const tableRow = (s: Storage, name: string) => fmt((s.tables.find((t) => t.name === name)?.bytes ?? 0) / s.segments, 0);
    const top = stored.tables.slice(0, 6).map((t) => t.name);
    if (!top.includes('embeddings')) top.push('embeddings');
    return [
      '## Nightly',
      '',
      `Command: \`npm run bench -- nightly\` (scripts/bench/nightly.ts), ${new Date().toISOString().slice(0, 10)}. ${base.length} real documents (${SOURCES.join(', ')}, round-robin, read from ../shared/datasets) as one generic CSV, ${stored.segments} segments; then ${extra.length} new documents (1%) in a second file; then nothing new. Each run is \`runPipeline\` of the compiled package (dist/, built first) in its own child process, so module start-up counts as for \`voc run\`; CPU = process.cpuUsage of that process (all threads). Load average at the end: ${fmt(loadavg()[0]!)} on a shared 2-core machine: wall times vary, CPU is the steadier measure.`,
      '',
      '| run | segments analysed | wall s | CPU s | CPU vs full | in runPipeline s | ingest s | analyze s | aggregate s | exports s | no-op |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      row('full build', full),
      row('1% new', onePercent),
      row('no new data', noop),
      '',
      `1% new: the median by CPU of ${ROUNDS} runs, each on a copy of the full build's database (CPU of the ${ROUNDS}: ${rounds.map((r) => fmt(r.cpuSeconds, 2)).join(', ')} s; ${rounds.map((r) => fmt((100 * r.cpuSeconds) / full.cpuSeconds, 2)).join(', ')}% of the full build). Analysis of the 1% run: ${onePercent.analysed} segments in ${fmt(onePercent.analyseSeconds)} s (encoder misses ${onePercent.cacheMisses}); of the no-op run (after the last 1% run): ${fmt(noop.analyseSeconds)} s.`,
      '',
      '## Storage',
      '',
      `Command: \`npm run bench -- nightly\`, ${new Date().toISOString().slice(0, 10)}: the full build above (${stored.segments} segments of real documents, default config), after VACUUM; per table from SQLite's dbstat. "float32" is a copy of the same database with every vector rewritten in the layout used before compact embeddings (migration 007).`,
      '',
      `| vectors | bytes per segment (file) | ${top.join(' | ')} |`,
      `|---|---:|${top.map(() => '---:').join('|')}|`,
      `| int8 (default) | ${fmt(perSeg(stored), 0)} | ${top.map((t) => tableRow(stored, t)).join(' | ')} |`,
      `| float32 | ${fmt(perSeg(before), 0)} | ${top.map((t) => tableRow(before, t)).join(' | ')} |`,
    ].join('\n');
  } finally {
    if (keep) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

