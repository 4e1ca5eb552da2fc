/**
 * Reads labelled examples (text + label) from CSV or JSONL for `voc train` / `voc eval` and the
 * eval scripts. Streams the file; rows with an empty text or label are skipped and counted.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { z } from 'zod';
import { UserError } from '../util/errors.js';

export const labelledInputSchema = z.object({
  input: z.string().min(1),
  textColumn: z.string().min(1).default('text'),
  labelColumn: z.string().min(1).default('label'),
  multiLabel: z.boolean().default(false),
  labelSeparator: z.string().min(1).default(';'),
  /** Optional row filter, e.g. keep only some rows (used by scripts). */
  limit: z.number().int().positive().optional(),
});
export type LabelledInput = z.input<typeof labelledInputSchema>;

export interface LabelledData {
  texts: string[];
  labels: string[][];
  /** Every column of each kept row, for callers that need more (e.g. a score). */
  rows: Array<Record<string, string>>;
  skipped: number;
}

const rowSchema = z.record(z.string(), z.unknown());

export async function readLabelled(options: LabelledInput): Promise<LabelledData> {
  const o = labelledInputSchema.parse(options);
  if (!existsSync(o.input)) throw new UserError(`Input file not found: ${o.input}`);
  const out: LabelledData = { texts: [], labels: [], rows: [], skipped: 0 };
  let sawHeader = false;
  const onRow = (raw: unknown): boolean => {
    const row = rowSchema.parse(raw);
    if (!sawHeader) {
      sawHeader = true;
      for (const col of [o.textColumn, o.labelColumn]) {
        if (!(col in row)) {
          throw new UserError(`Column "${col}" not found in ${o.input}. Columns: ${Object.keys(row).join(', ')}`);
        }
      }
    }
    const text = cell(row[o.textColumn]).trim();
    const labelCell = cell(row[o.labelColumn]).trim();
    const labels = o.multiLabel ? labelCell.split(o.labelSeparator).map((l) => l.trim()).filter(Boolean) : labelCell ? [labelCell] : [];
    if (!text || labels.length === 0) {
      out.skipped++;
      return true;
    }
    out.texts.push(text);
    out.labels.push(labels);
    out.rows.push(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, cell(v)])));
    return o.limit === undefined || out.texts.length < o.limit;
  };
  if (/\.jsonl?$/i.test(o.input)) await readJsonl(o.input, onRow);
  else await readCsv(o.input, onRow);
  if (out.texts.length === 0) throw new UserError(`No labelled rows in ${o.input} (columns "${o.textColumn}" and "${o.labelColumn}").`);
  return out;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(String).join(';');
  return String(v);
}

async function readCsv(path: string, onRow: (row: unknown) => boolean): Promise<void> {
  const parser = createReadStream(path).pipe(parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true }));
  try {
    for await (const record of parser) {
      if (!onRow(record)) break;
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`Cannot parse CSV ${path}: ${(err as Error).message}`);
  } finally {
    parser.destroy();
  }
}

async function readJsonl(path: string, onRow: (row: unknown) => boolean): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UserError(`${path}:${n}: not valid JSON.`);
    }
    if (!onRow(value)) break;
  }
  lines.close();
}
