/**
 * `npm run bench -- scale`: aggregation and queries at three database sizes (issue 11).
 *
 * Corpora are synthetic analysis results written straight into SQLite (the encoder is not run):
 * documents of 1-7 sentences over 18 months, three kinds and five sources, NPS scores on surveys,
 * attributes, a 10 x 4 theme hierarchy, 11 stages (some unknown), 8 touchpoints, sentiment and
 * emotions, with copy-pasted and very short sentences so quote de-duplication has work to do. No
 * embeddings are stored (the database size per segment excludes them).
 *
 * Each stage (aggregate, heatmap, heatmap-stream, themes, quotes, export) runs in its own child process so its peak
 * RSS (process.resourceUsage().maxRSS) is its own. Queries are timed warm: the best of 3 after one
 * untimed run. The slope is the time per 1k segments between the smallest and largest size.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../src/util/random.js';

const SIZES = (process.env.VOC_SCALE_SIZES ?? '10000,100000,300000').split(',').map(Number);
const DIR = resolve(process.env.VOC_SCALE_DIR ?? join(tmpdir(), 'voc-bench-scale'));
const STAGES = ['blocks', 'aggregate', 'report', 'heatmap', 'heatmap-stream', 'themes', 'quotes', 'export', 'aggregate-attr', 'report-attr', 'heatmap-attr'] as const;
type Stage = (typeof STAGES)[number];


const STAGE_IDS = ['awareness', 'consideration', 'purchase', 'checkout', 'onboarding', 'delivery', 'usage', 'support', 'renewal', 'churn', 'unknown'];
const TOUCHPOINTS = ['website', 'app', 'email', 'phone', 'chat', 'store', 'courier', 'invoice'];
const EMOTIONS = ['frustration-anger', 'confusion', 'disappointment', 'worry', 'satisfaction-joy', 'gratitude', 'surprise'];
const SUBJECTS = ['the delivery', 'the app', 'my invoice', 'the support agent', 'the checkout page', 'the box', 'the refund', 'the login', 'the recipe', 'the courier'];
const VERBS = ['was late again', 'worked fine', 'kept crashing', 'was really helpful', 'charged me twice', 'arrived damaged', 'was confusing', 'made my day', 'took forever', 'was exactly as described'];
const SHORT = ['ok.', 'Fine', 'Yes', 'No.', 'Great!', 'meh'];

/** Writes a synthetic analysed corpus of about `segments` segments to a new database at `path`. */
export function generateCorpus(path: string, segments: number, seed = 11): { documents: number; segments: number } {
  rmSync(path, { force: true });
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  // openDatabase applies the migrations; import lazily so the bench parent stays light.
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--scale-init', path], { stdio: 'inherit' });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const now = '2026-11-01T00:00:00Z';
  db.prepare(`INSERT INTO analysis_versions (analysis_key, models_json, created_at) VALUES ('bench', '{}', ?)`).run(now);
  const insTheme = db.prepare(`INSERT INTO themes (theme_id, parent_id, label) VALUES (?, ?, ?)`);
  const themes: string[] = [];
  for (let p = 0; p < 10; p++) {
    insTheme.run(`p${p}`, null, `Parent ${p}`);
    for (let c = 0; c < 4; c++) {
      insTheme.run(`p${p}-c${c}`, `p${p}`, `Child ${p}.${c}`);
      themes.push(`p${p}-c${c}`);
    }
  }
  const sources = ['survey-a', 'survey-b', 'zendesk', 'intercom', 'interviews'];
  const kindOf: Record<string, string> = { 'survey-a': 'survey', 'survey-b': 'survey', zendesk: 'ticket', intercom: 'ticket', interviews: 'interview' };
  const sourceId = new Map<string, number>();
  const insSource = db.prepare(
    `INSERT INTO sources (name, path, sha256, size_bytes, kind, format, imported_at, settings_hash, status)
     VALUES (?, ?, ?, 1, ?, 'generic-csv', ?, 'bench', 'complete')`,
  );
  for (const s of sources) sourceId.set(s, Number(insSource.run(s, `${s}.csv`, `sha-${s}`, kindOf[s], now).lastInsertRowid));
  const insDoc = db.prepare(
    `INSERT INTO documents (identity, kind, source_name, external_id, source_id, locator, created_at, score, score_scale,
       channel, attributes, text, content_hash, needs_analysis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
  );
  const insSeg = db.prepare(
    `INSERT INTO segments (document_id, idx, part_idx, role, char_start, char_end, text, text_hash, analyse)
     VALUES (?, ?, 0, 'respondent', ?, ?, ?, ?, 1)`,
  );
  const insAnalysis = db.prepare(
    `INSERT INTO segment_analysis (segment_id, analysis_key, sentiment, sentiment_score, p_negative, p_neutral, p_positive,
       stage, stage_confidence, touchpoint, touchpoint_confidence, analyzed_at) VALUES (?, 'bench', ?, ?, ?, ?, ?, ?, 0.8, ?, 0.7, ?)`,
  );
  const insSegTheme = db.prepare(`INSERT INTO segment_themes (segment_id, theme_id, score, signal) VALUES (?, ?, ?, 'head')`);
  const insEmotion = db.prepare(`INSERT INTO segment_emotions (segment_id, emotion, score) VALUES (?, ?, ?)`);
  let written = 0;
  let docs = 0;
  const batch = db.transaction((until: number) => {
    while (written < until) {
      docs++;
      const source = pick(sources);
      const kind = kindOf[source]!;
      const month = Math.floor(rnd() * 18);
      const created = `${2025 + Math.floor((month + 5) / 12)}-${String(((month + 5) % 12) + 1).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}T10:00:00Z`;
      const n = 1 + Math.floor(rnd() * 7);
      const texts: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = rnd();
        texts.push(r < 0.05 ? pick(SHORT) : r < 0.2 ? `${pick(SUBJECTS)} ${pick(VERBS)}.` : `Order ${docs}-${i}: ${pick(SUBJECTS)} ${pick(VERBS)} and ${pick(SUBJECTS)} ${pick(VERBS)}.`);
      }
      const text = texts.join(' ');
      const score = kind === 'survey' ? Math.floor(rnd() * 11) : null;
      const docId = Number(
        insDoc.run(
          `${kind}:${source}:D${docs}`, kind, source, `D${docs}`, sourceId.get(source), `record ${docs}`, created, score,
          score === null ? null : 'nps', pick(['web', 'email', 'app', null]),
          JSON.stringify({ plan: pick(['basic', 'plus', 'family']), region: pick(['north', 'south', 'east', 'west']) }),
          text, `h${docs}`,
        ).lastInsertRowid,
      );
      let offset = 0;
      texts.forEach((t, idx) => {
        const segId = Number(insSeg.run(docId, idx, offset, offset + t.length, t, `t${docs}-${idx}`).lastInsertRowid);
        offset += t.length + 1;
        const r = rnd();
        const sentiment = r < 0.35 ? 'negative' : r < 0.7 ? 'neutral' : 'positive';
        const s = sentiment === 'negative' ? -0.2 - 0.8 * rnd() : sentiment === 'positive' ? 0.2 + 0.8 * rnd() : 0.4 * rnd() - 0.2;
        const pn = sentiment === 'negative' ? 0.5 + 0.5 * rnd() : 0.3 * rnd();
        insAnalysis.run(segId, sentiment, s, pn, (1 - pn) / 2, (1 - pn) / 2, pick(STAGE_IDS), pick(TOUCHPOINTS), now);
        const nThemes = Math.floor(rnd() * 3);
        const chosen = new Set<string>();
        for (let k = 0; k < nThemes; k++) chosen.add(pick(themes));
        for (const th of chosen) insSegTheme.run(segId, th, 0.3 + 0.7 * rnd());
        const nEmo = rnd() < 0.4 ? 1 + Math.floor(rnd() * 2) : 0;
        const emos = new Set<string>();
        for (let k = 0; k < nEmo; k++) emos.add(pick(EMOTIONS));
        for (const e of emos) insEmotion.run(segId, e, 0.4 + 0.6 * rnd());
        written++;
      });
    }
  });
  while (written < segments) batch(Math.min(segments, written + 20_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
  return { documents: docs, segments: written };
}

interface ChildResult {
  stage: Stage;
  /** Wall time of the stage (queries: best warm run), seconds. */
  seconds: number;
  /** CPU time (user + system) of the same run, seconds: steadier than wall time on a shared machine. */
  cpuSeconds: number;
  maxRssMb: number;
}

/** A module of the compiled package (dist/, what `voc` runs), typed as its source. */
async function dist<T>(path: string): Promise<T> {
  return (await import(new URL(`../../dist/${path}.js`, import.meta.url).href)) as T;
}

async function child(stage: Stage, path: string): Promise<void> {
  const { openDatabase } = await dist<typeof import('../../src/store/db.js')>('store/db');
  const { parseAggregateConfig } = await dist<typeof import('../../src/config/aggregate.js')>('config/aggregate');
  const { aggregatePipeline, queryMatrix, streamedMatrix } = await dist<typeof import('../../src/aggregate/pipeline.js')>('aggregate/pipeline');
  const { rankThemes, findQuotes } = await dist<typeof import('../../src/aggregate/query.js')>('aggregate/query');
  const { heatmapExportText } = await dist<typeof import('../../src/report/exports.js')>('report/exports');
  const { refreshFactBlocks } = await dist<typeof import('../../src/store/fact-blocks.js')>('store/fact-blocks');
  const { writeReport } = await dist<typeof import('../../src/report/html.js')>('report/html');
  const db = openDatabase(path);
  const params = parseAggregateConfig({});
  const withAttributes = parseAggregateConfig({ attributes: ['plan', 'region'] });
  const aggregate = (p: typeof params) => {
    const runId = Number(
      db.prepare(`INSERT INTO runs (command, tool_version, started_at) VALUES ('aggregate', 'bench', ?)`).run(new Date().toISOString()).lastInsertRowid,
    );
    return aggregatePipeline(db, { aggregate: p }, runId);
  };
  const runs: Record<Stage, () => unknown> = {
    blocks: () => refreshFactBlocks(db),
    aggregate: () => aggregate(params),
    report: () => writeReport(db, `${path}.report.html`, { title: 'bench', params }),
    heatmap: () => queryMatrix(db, { rows: 'stage', cols: 'theme' }, { where: { kind: 'survey' } }, params),
    'heatmap-stream': () => streamedMatrix(db, { rows: 'stage', cols: 'theme' }, { where: { kind: 'survey' } }, params),
    themes: () => rankThemes(db, { stage: 'delivery', sort: 'pain', limit: 10 }, params),
    quotes: () => findQuotes(db, { theme: 'p3', sentiment: 'negative', limit: 5 }),
    export: () => heatmapExportText(db, { rows: 'stage', cols: 'theme', long: true, format: 'csv' }, params),
    'aggregate-attr': () => aggregate(withAttributes),
    'report-attr': () => writeReport(db, `${path}.report.html`, { title: 'bench', params: withAttributes }),
    'heatmap-attr': () => queryMatrix(db, { rows: 'attr:plan', cols: 'stage' }, { where: { 'attr:region': 'north' } }, withAttributes),
  };
  let best = Infinity;
  let bestCpu = Infinity;
  const once = stage === 'aggregate' || stage === 'blocks' || stage === 'report' || stage === 'aggregate-attr' || stage === 'report-attr';
  const rounds = once ? 1 : 4;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    runs[stage]();
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    if (once || i > 0) {
      best = Math.min(best, s);
      bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
    }
  }
  db.close();
  const out: ChildResult = { stage, seconds: best, cpuSeconds: bestCpu, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild(stage: Stage, path: string): ChildResult {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--scale-child', stage, path], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

const fmt = (x: number, d = 2): string => x.toFixed(d);

export async function run(): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  // The children run dist/ (what `voc` runs): compile it from the current sources first.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const rows: { size: number; docs: number; gen: number; bytes: number; blockBytes: number; r: Record<Stage, ChildResult> }[] = [];
  for (const size of SIZES) {
    const path = join(DIR, `scale-${size}.sqlite`);
    const t0 = performance.now();
    const { documents } = generateCorpus(path, size);
    const gen = (performance.now() - t0) / 1000;
    const bytes = statSync(path).size;
    const r = {} as Record<Stage, ChildResult>;
    let blockBytes = 0;
    for (const stage of STAGES) {
      r[stage] = runChild(stage, path);
      if (stage === 'blocks') blockBytes = statSync(path).size;
      process.stderr.write(`${size} ${stage}: ${fmt(r[stage].seconds, 3)} s wall, ${fmt(r[stage].cpuSeconds, 3)} s CPU, ${fmt(r[stage].maxRssMb, 0)} MB\n`);
    }
    rows.push({ size, docs: documents, gen, bytes, blockBytes, r });
    rmSync(path, { force: true });
    rmSync(`${path}.report.html`, { force: true });
  }
  const lines = [
    '## Scale',
    '',
    `Synthetic analysed corpora written straight into SQLite (no encoder, no stored embeddings), sizes ${SIZES.join(', ')} segments. Each stage runs the compiled package (dist/, built first) in its own child process, in this order on the same database; peak RSS = process.resourceUsage().maxRSS of that process (Node and modules included). Queries: best of 3 warm runs (after one untimed run). CPU time is the steadier measure on a shared machine (2 cores). blocks: \`refreshFactBlocks\` with every segment new (what the first aggregate after a full build or an upgrade does once). aggregate: full \`aggregatePipeline\` with the blocks current (what a nightly run does after rewriting the blocks of its new documents): all configured and journey matrices with quotes, written to the database. report: \`writeReport\` of that aggregate (the HTML page with its filter cube, as \`voc run\` writes it after aggregating). heatmap: \`voc heatmap --rows stage --cols theme --where kind=survey\` (from the fact blocks); heatmap-stream: the same matrix by the streaming reference path (\`streamedMatrix\`); themes: \`voc themes --stage delivery\`; quotes: \`voc quotes --theme p3 --sentiment negative\`; export: long CSV stage x theme; aggregate-attr and report-attr: the same as aggregate and report with \`aggregate.attributes: [plan, region]\` (two more attr x stage matrices, the report's groups split by both); heatmap-attr: \`voc heatmap --rows attr:plan --cols stage --where region=north\`.`,
    '',
    '| segments | documents | DB bytes/segment (with blocks) | stage | wall (s) | CPU (s) | CPU µs/segment | peak RSS (MB) |',
    '|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    for (const stage of STAGES) {
      const x = row.r[stage];
      lines.push(
        `| ${row.size} | ${row.docs} | ${fmt(row.bytes / row.size, 0)} (${fmt(row.blockBytes / row.size, 0)}) | ${stage} | ${fmt(x.seconds, 3)} | ${fmt(x.cpuSeconds, 3)} | ${fmt((x.cpuSeconds * 1e6) / row.size, 2)} | ${fmt(x.maxRssMb, 0)} |`,
      );
    }
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first && last && last.size > first.size) {
    lines.push('', '| stage | CPU slope (ms per 1k segments) | RSS growth (MB per 100k segments) |', '|---|---:|---:|');
    for (const stage of STAGES) {
      const slope = ((last.r[stage].cpuSeconds - first.r[stage].cpuSeconds) * 1e6) / (last.size - first.size);
      const rss = ((last.r[stage].maxRssMb - first.r[stage].maxRssMb) * 1e5) / (last.size - first.size);
      lines.push(`| ${stage} | ${fmt(slope, 3)} | ${fmt(rss, 1)} |`);
    }
  }
  lines.push('', `Corpus generation took ${rows.map((r) => `${fmt(r.gen, 1)} s`).join(', ')}.`);
  return lines.join('\n');
}

if (process.argv[2] === '--scale-child') {
  await child(process.argv[3] as Stage, process.argv[4]!);
} else if (process.argv[2] === '--scale-init') {
  const { openDatabase } = await import('../../src/store/db.js');
  openDatabase(process.argv[3]!).close();
}
