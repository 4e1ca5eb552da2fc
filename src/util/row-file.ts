/**
 * Streaming rows of a user-supplied CSV (header row) or JSONL file, for the commands that read a
 * plain table rather than an export (`voc classify`, `voc train`, `voc eval`). Errors name the file
 * and line and carry no stack trace.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { z } from 'zod';
import { UserError } from './errors.js';

/** A row as read: any JSON object (JSONL) or string record (CSV). */
export const InputRow = z.record(z.string(), z.unknown());
export type InputRow = z.infer<typeof InputRow>;

export type RowFormat = 'csv' | 'jsonl';

/** JSONL for .jsonl/.ndjson/.json names, CSV otherwise. */
export function rowFormatOf(path: string): RowFormat {
  return /\.(jsonl|ndjson|json)$/i.test(path) ? 'jsonl' : 'csv';
}

export function readRows(path: string, format: RowFormat = rowFormatOf(path)): AsyncGenerator<InputRow> {
  if (!existsSync(path)) throw new UserError(`Input file "${path}" does not exist`);
  return format === 'csv' ? readCsvRows(path) : readJsonlRows(path);
}

async function* readJsonlRows(path: string): AsyncGenerator<InputRow> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new UserError(`${path} line ${n}: not valid JSON`);
      }
      const row = InputRow.safeParse(value);
      if (!row.success) throw new UserError(`${path} line ${n}: expected a JSON object`);
      yield row.data;
    }
  } finally {
    lines.close();
  }
}

async function* readCsvRows(path: string): AsyncGenerator<InputRow> {
  const parser = createReadStream(path).pipe(parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true }));
  try {
    for await (const record of parser) yield InputRow.parse(record);
  } catch (err) {
    // csv-parse names the line ("Quote Not Closed: ... at line 12"): pass that on without a stack.
    if (err instanceof UserError) throw err;
    throw new UserError(`${path}: cannot read as CSV: ${(err as Error).message}`);
  } finally {
    parser.destroy();
  }
}
