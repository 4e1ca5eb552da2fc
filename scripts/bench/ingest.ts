/**
 * Ingest throughput and peak memory: a generated 1,000,000-row survey CSV (VOC_BENCH_ROWS to
 * change it), real public exports from ../shared/datasets, and a generated ~200 MB Zendesk JSON
 * export (VOC_BENCH_ZENDESK_MB to change it) read by the streaming JSON reader, with the target
 * of a flat peak RSS (<= 350 MB). Each ingest runs in a child process; inputs are written to a
 * temp folder and removed afterwards.
 *
 * `VOC_BENCH_INGEST=zendesk-json npm run bench -- ingest` runs the JSON part alone (a few
 * minutes; the CSV part takes ~7) and writes it to docs/bench.partial.md.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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

const AGENTS = ['Priya', 'Sam', 'Jordan', 'Alex', 'Mia'];
const CHANNELS = ['email', 'web', 'chat', 'voice', 'email'];
const SUBJECTS = ['Late box', 'Charged twice', 'App crashes', 'Cannot pause', 'Missing ingredients', 'Promo code', 'Great recipes'];
const REPLIES = [
  'Hi there,\n\nApologies for the trouble. I have raised this with our delivery team and applied a credit to your account.\n\nBest wishes,\n{agent}\nKestrel Kitchen Customer Care',
  '<p>Hello,</p><p>Thanks for telling us. The refund is on its way and should show within 3-5 working days.</p><p>Kind regards,<br>{agent}</p>',
  'Thanks for your patience. Could you send a photo of the box so we can check it with the courier?',
];
const FOLLOW_UPS = [
  'Thanks, the credit is showing now. Still, this is the third time.\n\nOn Tue, {agent} wrote:\n> Apologies for the trouble.',
  '<p>Got it, thank you.</p><p>Sent from my iPhone</p>',
  'That did not help at all, the app still crashes when I open the menu.',
];

/**
 * A Zendesk export of synthetic tickets, `{ "tickets": [...], "users": [...], "count": N }` with
 * the side-loaded users after the tickets (as the API writes them), pretty-printed, up to
 * `targetBytes`. Returns the ticket count.
 */
export async function writeZendeskJson(path: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const users = 5000;
  let bytes = 0;
  let n = 0;
  await write('{\n  "tickets": [\n');
  while (bytes < targetBytes) {
    const requester = 10_000 + Math.floor(rnd() * users);
    const agentId = 900 + Math.floor(rnd() * AGENTS.length);
    const agent = AGENTS[agentId - 900]!;
    const channel = pick(CHANNELS);
    const opening = `${pick(REASONS)} ${pick(REASONS)} ${pick(REASONS)} Order #${100_000 + n}, call me on 07700 900${String(n % 1000).padStart(3, '0')}.`;
    const comments = [{ id: n * 10, author_id: requester, body: opening, public: true, via: { channel } }];
    const turns = 1 + Math.floor(rnd() * 4);
    for (let k = 1; k <= turns; k++) {
      const fromAgent = k % 2 === 1;
      const body = (fromAgent ? pick(REPLIES) : pick(FOLLOW_UPS)).replace('{agent}', agent);
      const html = body.startsWith('<');
      comments.push({ id: n * 10 + k, author_id: fromAgent ? agentId : requester, ...(html ? { html_body: body } : { body }), public: !(fromAgent && rnd() < 0.2), via: { channel } } as (typeof comments)[number]);
    }
    const ticket = {
      id: 500_000 + n,
      subject: `${pick(SUBJECTS)} (${['Basic', 'Family', 'Premium'][n % 3]})`,
      description: opening,
      created_at: `2026-0${5 + (n % 5)}-${String(1 + (n % 28)).padStart(2, '0')}T10:${String(n % 60).padStart(2, '0')}:00Z`,
      status: pick(['open', 'pending', 'solved', 'closed']),
      priority: pick(['low', 'normal', 'high', 'urgent']),
      type: pick(['incident', 'question', 'problem']),
      tags: [pick(['delivery', 'billing', 'app', 'recipes']), `plan_${['basic', 'family', 'premium'][n % 3]}`],
      via: { channel, source: { rel: null } },
      requester_id: requester,
      assignee_id: agentId,
      satisfaction_rating: rnd() < 0.4 ? { score: pick(['good', 'bad', 'offered']), comment: rnd() < 0.5 ? pick(REASONS) : null } : null,
      comments,
    };
    const text = `${n > 0 ? ',\n' : ''}${JSON.stringify(ticket, null, 2).replace(/^/gm, '    ')}`;
    bytes += Buffer.byteLength(text);
    n++;
    await write(text);
  }
  await write('\n  ],\n  "users": [\n');
  for (let u = 0; u < users; u++) {
    const user = { id: 10_000 + u, name: `Customer ${u}`, role: 'end-user', user_fields: { plan: ['Basic', 'Family', 'Premium'][u % 3], region: ['North', 'South', 'East', 'West'][u % 4] } };
    await write(`${u > 0 ? ',\n' : ''}    ${JSON.stringify(user)}`);
  }
  for (let a = 0; a < AGENTS.length; a++) await write(`,\n    ${JSON.stringify({ id: 900 + a, name: AGENTS[a], role: 'agent' })}`);
  await write(`\n  ],\n  "next_page": null,\n  "count": ${n}\n}\n`);
  out.end();
  await once(out, 'finish');
  return n;
}

/** The streaming JSON reader on a generated Zendesk export: throughput and flat memory. */
async function zendeskJsonSection(dir: string): Promise<string[]> {
  const mb = Number(process.env.VOC_BENCH_ZENDESK_MB ?? 200);
  const json = join(dir, 'zendesk-export.json');
  const started = performance.now();
  const tickets = await writeZendeskJson(json, mb * 2 ** 20);
  const writeSeconds = (performance.now() - started) / 1000;
  const config = writeConfig(dir, 'zendesk', dir, `  - name: zendesk\n    kind: ticket\n    format: zendesk-json\n    paths: zendesk-export.json\n`);
  const loadBefore = loadavg()[0]!;
  const r = runChild(config);
  const loadAfter = loadavg()[0]!;
  const size = statSync(json).size;
  rmSync(json);
  const verdict = r.peakRssMb <= 350 ? 'within' : 'OVER';
  const big = await largeZendeskRead(dir);
  return [
    '### Zendesk JSON export (streamed)',
    '',
    `A generated Zendesk export (\`{ "tickets": [...], "users": [...] }\`, ${tickets.toLocaleString('en')} synthetic tickets with 2-5 comments each, pretty-printed, users side-loaded after the tickets; written in ${writeSeconds.toFixed(0)} s, not committed), ingested by the real engine into a temp SQLite database in a child process (\`scripts/lib/ingest-child.ts\`): two streaming passes (side-loads, then tickets), e-mail cleaning, HTML, redaction, language, sentences, SQLite. Peak RSS is the child's \`process.resourceUsage().maxRSS\`.`,
    '',
    '| input | records | size | segments | quarantined | time | records/s | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row(`generated Zendesk JSON (${tickets.toLocaleString('en')} tickets)`, r, size),
    '',
    `Target peak RSS <= 350 MB: ${verdict} (${Math.round(r.peakRssMb)} MB for ${(size / 2 ** 20).toFixed(0)} MB of JSON). Before streaming, the whole-document reader needed 678 MB for a 210 MB file and refused files over ~512 MB. Load average ${loadBefore.toFixed(2)} before the ingest, ${loadAfter.toFixed(2)} after (2 cores, shared with other jobs: records/s drop when it is above 2).`,
    ...big,
  ];
}

/**
 * A Zendesk export past V8's ~512 MB string limit, read by the reader alone (no preparation or
 * storage, which would take a quarter of an hour): it must not be refused, and memory stays flat.
 * VOC_BENCH_ZENDESK_BIG_MB (default 600; 0 skips it).
 */
async function largeZendeskRead(dir: string): Promise<string[]> {
  const mb = Number(process.env.VOC_BENCH_ZENDESK_BIG_MB ?? 600);
  if (mb <= 0) return [];
  const json = join(dir, 'zendesk-big.json');
  const tickets = await writeZendeskJson(json, mb * 2 ** 20);
  const size = statSync(json).size;
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/lib/read-child.ts', 'zendesk-json', json], { encoding: 'utf8', maxBuffer: 10 * 1024 * 1024 });
  rmSync(json);
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { records: number; quarantined: number; rejected: string | null; seconds: number; recordsPerSecond: number; peakRssMb: number };
  return [
    '',
    `Past the old limit, reader only (\`scripts/lib/read-child.ts\`: open, decode, both passes, zod validation, records built; nothing prepared or stored): a ${(size / 2 ** 20).toFixed(0)} MB export of ${tickets.toLocaleString('en')} tickets gave ${r.records.toLocaleString('en')} records, ${r.quarantined} quarantined${r.rejected ? `, REJECTED: ${r.rejected}` : ', not refused'}, in ${r.seconds.toFixed(1)} s (${Math.round(r.recordsPerSecond).toLocaleString('en')} records/s, ${(size / 2 ** 20 / r.seconds).toFixed(0)} MB/s), peak RSS ${Math.round(r.peakRssMb)} MB.`,
  ];
}

export async function run(): Promise<string> {
  const only = process.env.VOC_BENCH_INGEST;
  if (only === 'zendesk-json') {
    const dir = mkdtempSync(join(tmpdir(), 'voc-bench-ingest-'));
    try {
      return ['## Ingest throughput', '', ...(await zendeskJsonSection(dir))].join('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
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
    lines.push('', ...(await zendeskJsonSection(dir)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines.join('\n');
}
