/**
 * Reads labelled examples (text + label) from CSV or JSONL for `voc train` / `voc eval` and the
 * eval scripts. Streams the file; rows with an empty text or label are skipped and counted.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { readRows } from '../util/row-file.js';
import { Reservoir } from '../util/random.js';

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
  for await (const row of readRows(o.input)) if (!onRow(row)) break;
  if (out.texts.length === 0) throw new UserError(`No labelled rows in ${o.input} (columns "${o.textColumn}" and "${o.labelColumn}").`);
  return out;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(String).join(';');
  return String(v);
}

export interface UnlabelledTexts {
  texts: string[];
  /** Non-empty texts in the file (the sample is at most maxRows of them). */
  total: number;
  skipped: number;
}

/**
 * Reads the text column only, streaming, keeping a seeded uniform sample of at most `maxRows`
 * texts, so a corpus of any size fits in memory.
 */
export async function readTextSample(input: string, textColumn: string, maxRows: number, seed: number): Promise<UnlabelledTexts> {
  if (!existsSync(input)) throw new UserError(`Input file not found: ${input}`);
  const sample = new Reservoir<string>(maxRows, seed);
  let skipped = 0;
  let sawHeader = false;
  for await (const raw of readRows(input)) {
    const row = rowSchema.parse(raw);
    if (!sawHeader) {
      sawHeader = true;
      if (!(textColumn in row)) throw new UserError(`Column "${textColumn}" not found in ${input}. Columns: ${Object.keys(row).join(', ')}`);
    }
    const text = cell(row[textColumn]).trim();
    if (text) sample.add(text);
    else skipped++;
  }
  if (sample.seen === 0) throw new UserError(`No texts in ${input} (column "${textColumn}").`);
  return { texts: sample.items, total: sample.seen, skipped };
}
