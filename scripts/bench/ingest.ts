/**
 * Ingest throughput and peak memory: a generated 1,000,000-row survey CSV (VOC_BENCH_ROWS to
 * change it) and real public exports from ../shared/datasets. Each ingest runs in a child process.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { SHARED_DATASETS } from '../run-sections.js';

interface ChildResult {
  read: number;
  new: number;
  quarantined: number;
  segments: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMb: number;
}

const REASONS = [
  'Delivery was late again and the box was warm when it arrived.',
  'Love the recipes, the kids actually eat their vegetables now!',
  'I was charged twice this month and support never answered my email.',
  'The app keeps crashing when I edit my weekly menu.',
  'Good value for money, easy to pause when we travel.',
  'The promo code did not work at checkout, very annoying.',
  'Fresh ingredients and clear instructions. Would recommend to friends.',
  'Cancelling was hard to find in the settings, had to call.',
];
const IMPROVE = ['Faster delivery', 'More vegetarian options', 'Fix the app', 'Cheaper plans', '', 'Better packaging', 'Answer the phone'];

async function writeSurveyCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('ResponseId,SubmittedAt,NPS,Plan,Region,Reason,Improve\n');
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < rows; i++) {
    const reason = `${REASONS[Math.floor(rnd() * REASONS.length)]} ${REASONS[Math.floor(rnd() * REASONS.length)]}`;
    const line = `R_${i},2026-0${5 + (i % 5)}-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00,${i % 11},${['Basic', 'Family', 'Premium'][i % 3]},${['North', 'South', 'East', 'West'][i % 4]},"${reason}",${IMPROVE[i % IMPROVE.length]}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function runChild(configPath: string): ChildResult {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/lib/ingest-child.ts', configPath], {
    encoding: 'utf8',
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

function writeConfig(dir: string, name: string, root: string, sources: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `name: bench-${name}\ndatabase: ${join(dir, `${name}.sqlite`)}\nroot: ${root}\nsources:\n${sources}`);
  return path;
}

function row(label: string, r: ChildResult, bytes: number): string {
  return `| ${label} | ${r.read.toLocaleString('en')} | ${(bytes / 2 ** 20).toFixed(1)} MB | ${r.segments.toLocaleString('en')} | ${r.quarantined} | ${r.seconds.toFixed(1)} s | ${Math.round(r.recordsPerSecond).toLocaleString('en')} | ${Math.round(r.peakRssMb)} MB |`;
}

export async function run(): Promise<string> {
  const rows = Number(process.env.VOC_BENCH_ROWS ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'voc-bench-ingest-'));
  const lines = [
    '## Ingest throughput',
    '',
    'Each ingest runs alone in a child process (`scripts/lib/ingest-child.ts`): decode, parse, normalise, redact, detect language, split sentences, store in SQLite (WAL, batched transactions).',
    '',
    '| input | records | size | segments | quarantined | time | records/s | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  try {
    const csv = join(dir, 'survey-1m.csv');
    await writeSurveyCsv(csv, rows);
    const generated = writeConfig(
      dir,
      'generated',
      dir,
      `  - name: generated\n    kind: survey\n    format: generic-csv\n    paths: survey-1m.csv\n    mapping: { id: ResponseId, text: [Reason, Improve], score: { field: NPS, scale: nps }, date: SubmittedAt, attributes: { plan: Plan, region: Region } }\n`,
    );
    lines.push(row(`generated survey CSV (${rows.toLocaleString('en')} rows)`, runChild(generated), statSync(csv).size));
    const real: Array<[string, string, string]> = [
      ['CFPB complaints (tickets-csv)', 'cfpb-complaints/complaints_sample.clean.csv', `kind: ticket\n    format: tickets-csv\n    mapping: { id: Complaint ID, text: [Consumer complaint narrative], date: Date received, channel: Submitted via, attributes: { product: Product, issue: Issue } }`],
      ['Support tickets, synthetic (tickets-csv)', 'customer-support-tickets-kaggle-suraj520/customer_support_tickets.csv', `kind: ticket\n    format: tickets-csv\n    mapping: { id: Ticket ID, text: [Ticket Subject, Ticket Description], channel: Ticket Channel, attributes: { type: Ticket Type, priority: Ticket Priority } }`],
      ['Airline tweets (generic-csv)', 'airline-tweets/dev.csv', `kind: survey\n    format: generic-csv\n    mapping: { id: tweet_id, text: [text], date: tweet_created, attributes: { airline: airline } }`],
    ];
    for (const [label, rel, spec] of real) {
      const abs = join(SHARED_DATASETS, rel);
      if (!existsSync(abs)) {
        lines.push(`| ${label} | skipped: ${abs} is absent | | | | | | |`);
        continue;
      }
      const cfg = writeConfig(dir, label.split(' ')[0]!.toLowerCase(), SHARED_DATASETS, `  - name: real\n    ${spec}\n    paths: ${JSON.stringify(rel)}\n`);
      lines.push(row(label, runChild(cfg), statSync(abs).size));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines.join('\n');
}
