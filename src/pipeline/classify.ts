/**
 * Classification without a database: texts in, one result per text out (sentiment, emotions,
 * themes, journey stage and touchpoint), in input order. `classifyFile` streams a CSV or JSONL file
 * to a JSONL file in batches, so memory does not grow with the file; `classify` takes texts in
 * memory and returns the results.
 *
 * Everything that can be checked without the models is checked first (options, the input file,
 * its columns): loading the encoder and heads takes seconds, so a wrong column name fails before
 * it, and an input without rows writes an empty output without loading anything. The analyser is
 * imported only then. While one batch is embedded (in the encoder's worker threads) the previous
 * one is scored and written.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import type { Analyzer, AnalyzeItem, SegmentResult } from '../analyze/analyzer.js';
import { AnalysisConfig, parseAnalysisConfig } from '../config/analysis.js';
import { validateWith } from '../config/issues.js';
import { loadPipelineConfig } from '../config/load.js';
import { UserError } from '../util/errors.js';
import { readRows, rowFormatOf, type InputRow } from '../util/row-file.js';

/** Where the analysis settings come from, and how many texts are embedded at once. */
export const ClassifySettings = z.object({
  /** take the analysis settings from this pipeline config file */
  config: z.string().min(1).optional(),
  /** or give them here (the `analysis:` section of a pipeline config) */
  analysis: AnalysisConfig.optional(),
  /** themes codeframe YAML (default: the settings', else the built-in cross-industry) */
  codeframe: z.string().min(1).optional(),
  /** a themes head trained with `train` / `voc train themes` */
  themeHead: z.string().min(1).optional(),
  batchSize: z.coerce.number().int().min(1).max(4096).default(64),
});
export type ClassifySettings = z.input<typeof ClassifySettings>;

export const ClassifyFileOptions = ClassifySettings.extend({
  /** CSV (with a header row) or JSONL file */
  input: z.string().min(1),
  textColumn: z.string().min(1),
  /** default: the row number, from 1 */
  idColumn: z.string().min(1).optional(),
  format: z.enum(['auto', 'csv', 'jsonl']).default('auto'),
  /** the JSONL file to write */
  output: z.string().min(1),
});
export type ClassifyFileOptions = z.input<typeof ClassifyFileOptions>;

/** One classified text, as written per line by `classifyFile`. */
export interface Classified {
  id: unknown;
  /** null for an empty text */
  sentiment: Pick<SegmentResult['sentiment'], 'label' | 'score' | 'probs'> | null;
  emotions: SegmentResult['emotions'];
  themes: { id: string; score: number }[];
  stage: SegmentResult['stage'];
  touchpoint: SegmentResult['touchpoint'];
}

export interface TextRow {
  id: unknown;
  text: string;
}

function settingsFrom(s: z.output<typeof ClassifySettings>): AnalysisConfig {
  if (s.config && s.analysis) throw new UserError('classify: give config or analysis settings, not both');
  const acfg = s.config ? structuredClone(loadPipelineConfig(s.config).config.analysis) : (s.analysis ?? parseAnalysisConfig({}));
  if (s.codeframe) acfg.codeframes.themes = s.codeframe;
  if (s.themeHead) acfg.heads.themes = s.themeHead;
  return acfg;
}

export function toClassified(id: unknown, r: SegmentResult | null): Classified {
  return {
    id,
    sentiment: r ? { label: r.sentiment.label, score: r.sentiment.score, probs: r.sentiment.probs } : null,
    emotions: r?.emotions ?? [],
    themes: (r?.themes ?? []).map((t) => ({ id: t.id, score: t.score })),
    stage: r?.stage ?? null,
    touchpoint: r?.touchpoint ?? null,
  };
}

/**
 * Classifies rows as they come, one result per row in order, `batchSize` at a time. The models
 * load when the first row arrives: a source without rows loads nothing.
 */
export async function* classifyRows(rows: AsyncIterable<TextRow> | Iterable<TextRow>, settings: ClassifySettings = {}): AsyncGenerator<Classified> {
  const s = validateWith(ClassifySettings, settings, 'classify settings');
  const acfg = settingsFrom(s);
  const it = (Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]()) as AsyncIterator<TextRow> | Iterator<TextRow>;
  const first = await it.next();
  if (first.done) return;
  const [{ Analyzer }, { loadAnalyzerParts }] = await Promise.all([import('../analyze/analyzer.js'), import('../analyze/models.js')]);
  const parts = await loadAnalyzerParts(acfg, null);
  try {
    const analyzer = await Analyzer.create(acfg, parts);
    let batch: TextRow[] = [first.value];
    // At most one batch waits for its vectors while the previous one is scored.
    let pending: Pending | null = null;
    const flush = async function* (): AsyncGenerator<Classified> {
      const started = startBatch(analyzer, batch);
      batch = [];
      if (pending) yield* finishBatch(analyzer, pending);
      pending = started;
    };
    for (let next = await it.next(); !next.done; next = await it.next()) {
      batch.push(next.value);
      if (batch.length >= s.batchSize) yield* flush();
    }
    if (batch.length) yield* flush();
    if (pending) yield* finishBatch(analyzer, pending);
  } finally {
    await parts.encoder.dispose();
  }
}

/** Classifies texts in memory: a string's id is its position (from 1). */
export async function classify(texts: Iterable<string | TextRow>, settings: ClassifySettings = {}): Promise<Classified[]> {
  const rows = [...texts].map((t, i): TextRow => (typeof t === 'string' ? { id: i + 1, text: t } : t));
  const out: Classified[] = [];
  for await (const r of classifyRows(rows, settings)) out.push(r);
  return out;
}

interface Pending {
  rows: TextRow[];
  items: AnalyzeItem[];
  vectors: Promise<Float32Array[]>;
}

/** Starts embedding a batch and returns without waiting. */
function startBatch(analyzer: Analyzer, rows: TextRow[]): Pending {
  const items: AnalyzeItem[] = rows
    .filter((b) => b.text.trim())
    .map((b) => ({ doc: { key: String(b.id), kind: 'survey', sourceName: 'classify', channel: null, attributes: {} }, text: b.text, field: null }));
  const vectors = analyzer.embed(items.map((i) => i.text));
  vectors.catch(() => undefined); // awaited in finishBatch; not unhandled meanwhile
  return { rows, items, vectors };
}

async function* finishBatch(analyzer: Analyzer, p: Pending): AsyncGenerator<Classified> {
  const { segments } = await analyzer.analyzeEmbedded(p.items, await p.vectors);
  let k = 0;
  for (const b of p.rows) yield toClassified(b.id, b.text.trim() ? segments[k++]! : null);
}

/** Classifies a CSV or JSONL file into a JSONL file (one line per input row, in order); returns the row count. */
export async function classifyFile(options: ClassifyFileOptions): Promise<number> {
  const o = validateWith(ClassifyFileOptions, options, 'classify options');
  const format = o.format === 'auto' ? rowFormatOf(o.input) : o.format;
  const input = readRows(o.input, format);
  const first = await input.next();
  // A wrong column name fails now, before any model loads; a CSV with only a header is checked by it.
  const columns = first.done ? (format === 'csv' ? await csvHeader(o.input) : []) : Object.keys(first.value);
  if (columns.length) checkColumns(o.input, columns, [o.textColumn, o.idColumn]);
  let n = 0;
  const textRows = async function* (): AsyncGenerator<TextRow> {
    if (first.done) return;
    for (let row: InputRow | undefined = first.value; row; ) {
      n++;
      const text = row[o.textColumn];
      yield { id: o.idColumn ? (row[o.idColumn] ?? null) : n, text: text === undefined || text === null ? '' : String(text) };
      const next = await input.next();
      row = next.done ? undefined : next.value;
    }
  };
  const out = createWriteStream(o.output, 'utf8');
  try {
    for await (const r of classifyRows(textRows(), o)) await write(out, `${JSON.stringify(r)}\n`);
  } finally {
    out.end();
    await once(out, 'close');
    await input.return(undefined);
  }
  return n;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** The header row of a CSV file (for a file with no data rows); none for an empty file. */
async function csvHeader(path: string): Promise<string[]> {
  const parser = createReadStream(path).pipe(parseCsv({ bom: true, to_line: 1, relax_column_count: true }));
  try {
    for await (const record of parser) return z.array(z.string()).parse(record);
    return [];
  } finally {
    parser.destroy();
  }
}

function checkColumns(input: string, found: string[], wanted: Array<string | undefined>): void {
  for (const col of wanted) {
    if (col !== undefined && !found.includes(col)) {
      throw new UserError(`${input}: no column "${col}" (found: ${found.slice(0, 20).join(', ')})`);
    }
  }
}
