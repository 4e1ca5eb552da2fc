/**
 * The optional attributes sidecar of an interview source (`interview.attributesFile`): a small CSV
 * with a `file` (transcript file name) or `participant` (speaker name) column, optional
 * `date`/`created_at` and `channel` columns, and any attribute columns (persona, segment, plan,
 * region, ...). Parsed once per pipeline run and cached by path, size and modification time.
 */
import { parse } from 'csv-parse/sync';
import { realpathSync, statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../../util/errors.js';
import { speakerKey } from './turns.js';

export interface SidecarRow {
  /** 1-based CSV line, for messages. */
  line: number;
  date?: string;
  channel?: string;
  attributes: Record<string, string>;
}

export interface Sidecar {
  relPath: string;
  byFile: Map<string, SidecarRow>;
  byParticipant: Map<string, SidecarRow>;
}

const FILE_COLUMNS = new Set(['file', 'filename', 'file_name', 'transcript']);
const PARTICIPANT_COLUMNS = new Set(['participant', 'speaker']);
const DATE_COLUMNS = new Set(['date', 'created_at', 'interview_date']);

const CsvRows = z.array(z.array(z.string())).min(1, 'the file is empty');

const cache = new Map<string, { stamp: string; sidecar: Sidecar }>();

/** Resolves the sidecar path against the pipeline root and refuses anything outside it. */
export function resolveInsideRoot(rootDir: string, file: string): string {
  const abs = path.resolve(rootDir, file);
  const rel = path.relative(rootDir, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new UserError(`interview.attributesFile "${file}" is outside the pipeline root ${rootDir}; only files inside it are read`);
  }
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw new UserError(`interview.attributesFile "${file}" was not found (looked at ${abs})`);
  }
  // A symlink inside the root may still point outside it.
  const realRel = path.relative(realpathSync(rootDir), real);
  if (realRel.startsWith('..') || path.isAbsolute(realRel)) {
    throw new UserError(`interview.attributesFile "${file}" links to ${real}, outside the pipeline root ${rootDir}`);
  }
  return real;
}

/** Loads (or returns the cached) sidecar named by the source config; null when none is set. */
export function loadSidecar(rootDir: string, file: string | undefined): Sidecar | null {
  if (file === undefined) return null;
  const abs = resolveInsideRoot(rootDir, file);
  const st = statSync(abs);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(abs);
  if (hit && hit.stamp === stamp) return hit.sidecar;
  const sidecar = parseSidecar(readFileSync(abs, 'utf8'), file);
  cache.set(abs, { stamp, sidecar });
  return sidecar;
}

function parseRows(text: string, relPath: string): string[][] {
  try {
    const rows: unknown = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
    return CsvRows.parse(rows);
  } catch (err) {
    const msg = err instanceof z.ZodError ? (err.issues[0]?.message ?? 'unexpected content') : (err as Error).message;
    throw new UserError(`interview.attributesFile "${relPath}" cannot be read as CSV: ${msg}`);
  }
}

/** Parses sidecar CSV text. Exported for tests; `loadSidecar` is the normal entry. */
export function parseSidecar(text: string, relPath: string): Sidecar {
  const [header = [], ...rows] = parseRows(text, relPath);
  const names = header.map((h) => h.trim().toLowerCase());
  const fileCol = names.findIndex((n) => FILE_COLUMNS.has(n));
  const partCol = names.findIndex((n) => PARTICIPANT_COLUMNS.has(n));
  if (fileCol < 0 && partCol < 0) {
    throw new UserError(
      `interview.attributesFile "${relPath}" needs a "file" or "participant" column; found: ${header.join(', ') || '(no header)'}`,
    );
  }
  const sidecar: Sidecar = { relPath, byFile: new Map(), byParticipant: new Map() };
  rows.forEach((cells, i) => {
    const row = toRow(names, header, cells, i + 2, [fileCol, partCol]);
    const fileName = fileCol >= 0 ? (cells[fileCol] ?? '') : '';
    const participant = partCol >= 0 ? (cells[partCol] ?? '') : '';
    // A row with a file name describes that transcript; otherwise it describes a person.
    if (fileName !== '') sidecar.byFile.set(path.basename(fileName).toLowerCase(), row);
    else if (participant !== '') sidecar.byParticipant.set(speakerKey(participant), row);
  });
  return sidecar;
}

function toRow(names: string[], header: string[], cells: string[], line: number, keyCols: number[]): SidecarRow {
  const row: SidecarRow = { line, attributes: {} };
  names.forEach((name, col) => {
    const value = cells[col] ?? '';
    if (value === '' || keyCols.includes(col)) return;
    if (DATE_COLUMNS.has(name)) row.date = value;
    else if (name === 'channel') row.channel = value;
    else row.attributes[(header[col] ?? name).trim()] = value;
  });
  return row;
}

/** The row for a transcript file: by file name, with or without its extension. */
export function rowForFile(sidecar: Sidecar, relPath: string): SidecarRow | undefined {
  const base = path.basename(relPath).toLowerCase();
  const stem = base.replace(/\.[^.]+$/, '');
  return sidecar.byFile.get(base) ?? sidecar.byFile.get(stem);
}
