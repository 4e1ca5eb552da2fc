/**
 * `voc classify`: analyse a CSV or JSONL file without a database and write one JSON line per input
 * row, in input order. Rows are streamed in batches, so memory does not grow with the file.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { z } from 'zod';
import { Analyzer, type AnalyzeItem, type SegmentResult } from '../analyze/analyzer.js';
import { loadAnalyzerParts } from '../analyze/models.js';
import { parseAnalysisConfig } from '../config/analysis.js';
import { loadPipelineConfig } from '../config/load.js';
import { UserError } from '../util/errors.js';
import { readRows, type InputRow } from '../util/row-file.js';
import { parseOptions } from './common.js';

const ClassifyOptions = z.object({
  input: z.string().min(1),
  textColumn: z.string().min(1),
  idColumn: z.string().min(1).optional(),
  codeframe: z.string().min(1).optional(),
  themeHead: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
  format: z.enum(['auto', 'csv', 'jsonl']).default('auto'),
  batchSize: z.coerce.number().int().min(1).max(4096).default(64),
  output: z.string().min(1),
});
type ClassifyOptions = z.infer<typeof ClassifyOptions>;

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('Classify texts in a CSV or JSONL file (no database): sentiment, emotions, themes, stage, touchpoint as JSONL')
    .requiredOption('-i, --input <file>', 'CSV (with a header row) or JSONL file')
    .requiredOption('--text-column <name>', 'column / field holding the text')
    .option('--id-column <name>', 'column / field holding the id (default: the row number, from 1)')
    .option('--codeframe <file>', 'themes codeframe YAML (default: the built-in voc-default)')
    .option('--theme-head <file>', 'a themes head trained with `voc train themes`')
    .option('-c, --config <file>', 'take analysis settings from this pipeline config')
    .option('--format <format>', 'auto | csv | jsonl (auto: by file extension)', 'auto')
    .option('--batch-size <n>', 'rows per batch', '64')
    .requiredOption('-o, --output <file>', 'JSONL file to write')
    .action(async (raw: unknown) => {
      const opts = parseOptions(ClassifyOptions, raw);
      const n = await classifyFile(opts);
      process.stderr.write(`classified ${n} rows -> ${opts.output}\n`);
    });
}

function openInput(path: string, format: ClassifyOptions['format']): AsyncGenerator<InputRow> {
  return format === 'auto' ? readRows(path) : readRows(path, format);
}

export function formatResult(id: unknown, r: SegmentResult | null): string {
  return JSON.stringify({
    id,
    sentiment: r ? { label: r.sentiment.label, score: r.sentiment.score, probs: r.sentiment.probs } : null,
    emotions: r?.emotions ?? [],
    themes: (r?.themes ?? []).map((t) => ({ id: t.id, score: t.score })),
    stage: r?.stage ?? null,
    touchpoint: r?.touchpoint ?? null,
  });
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

interface Row {
  id: unknown;
  text: string;
}

interface Pending {
  rows: Row[];
  items: AnalyzeItem[];
  vectors: Promise<Float32Array[]>;
}

/** Starts embedding a batch (in the encoder's worker threads) and returns without waiting. */
function startBatch(analyzer: Analyzer, rows: Row[]): Pending {
  const items: AnalyzeItem[] = rows
    .filter((b) => b.text.trim())
    .map((b) => ({ doc: { key: String(b.id), kind: 'survey', sourceName: 'classify', channel: null, attributes: {} }, text: b.text, field: null }));
  const vectors = analyzer.embed(items.map((i) => i.text));
  vectors.catch(() => undefined); // awaited in finishBatch; not unhandled meanwhile
  return { rows, items, vectors };
}

async function finishBatch(analyzer: Analyzer, p: Pending, out: WriteStream): Promise<void> {
  const { segments } = await analyzer.analyzeEmbedded(p.items, await p.vectors);
  let k = 0;
  for (const b of p.rows) await write(out, `${formatResult(b.id, b.text.trim() ? segments[k++]! : null)}\n`);
}

export async function classifyFile(opts: ClassifyOptions): Promise<number> {
  const base = opts.config ? loadPipelineConfig(opts.config).config.analysis : {};
  const acfg = parseAnalysisConfig(base);
  if (opts.codeframe) acfg.codeframes.themes = opts.codeframe;
  if (opts.themeHead) acfg.heads.themes = opts.themeHead;
  // A wrong column name fails now, not after the models have loaded.
  for await (const row of openInput(opts.input, opts.format)) {
    checkColumns(row, opts);
    break;
  }
  const parts = await loadAnalyzerParts(acfg, null);
  const out = createWriteStream(opts.output, 'utf8');
  let rows = 0;
  try {
    const analyzer = await Analyzer.create(acfg, parts);
    let batch: Row[] = [];
    // At most one batch waits for its vectors while the previous one is scored and written.
    let pending: Pending | null = null;
    for await (const row of openInput(opts.input, opts.format)) {
      rows++;
      if (rows === 1) checkColumns(row, opts);
      const text = row[opts.textColumn];
      batch.push({ id: opts.idColumn ? (row[opts.idColumn] ?? null) : rows, text: text === undefined || text === null ? '' : String(text) });
      if (batch.length < opts.batchSize) continue;
      const started = startBatch(analyzer, batch);
      if (pending) await finishBatch(analyzer, pending, out);
      pending = started;
      batch = [];
    }
    if (batch.length) {
      const started = startBatch(analyzer, batch);
      if (pending) await finishBatch(analyzer, pending, out);
      pending = started;
    }
    if (pending) await finishBatch(analyzer, pending, out);
  } finally {
    out.end();
    await once(out, 'close');
    await parts.encoder.dispose();
  }
  return rows;
}

function checkColumns(row: InputRow, opts: ClassifyOptions): void {
  for (const col of [opts.textColumn, opts.idColumn]) {
    if (col !== undefined && !Object.hasOwn(row, col)) {
      throw new UserError(`${opts.input}: no column "${col}" (found: ${Object.keys(row).slice(0, 20).join(', ')})`);
    }
  }
}
