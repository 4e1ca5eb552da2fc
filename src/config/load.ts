/**
 * Loading and validating YAML config files with zod, with errors that name the file, the key, the
 * value found and what is allowed (config/issues.ts). A pipeline file is parsed once, every section
 * included: what `loadPipelineConfig` returns is the typed config every stage receives.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../util/errors.js';
import { validateWith } from './issues.js';
import { PipelineConfig } from './pipeline.js';
import { resolveDatabase } from './database.js';

/** Parses YAML text and validates it; throws UserError with readable messages. */
export function parseYamlWith<S extends z.ZodType>(text: string, schema: S, what: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message : String(err);
    throw new UserError(`Cannot parse ${what} as YAML: ${msg}`);
  }
  return validateWith(schema, raw, what);
}

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`Cannot read ${what} "${path}": ${code === 'ENOENT' ? 'no such file' : String(err)}`);
  }
}

export interface LoadedPipeline {
  config: PipelineConfig;
  path: string;
  /** sha256 of the file's text: recorded with every run so results name the config that made them. */
  hash: string;
}

export function loadPipelineConfig(path: string): LoadedPipeline {
  const text = readTextFile(path, 'pipeline config');
  const config = parseYamlWith(text, PipelineConfig, `pipeline config ${path}`);
  return { config, path, hash: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}

export interface DbLocation {
  dbPath: string;
  pipeline?: LoadedPipeline;
}

/** The database named by --db, else by the --config's `database`, else data/voc.sqlite. */
export function locateDatabase(opts: { db?: string; config?: string }): DbLocation {
  if (opts.db) return { dbPath: resolveDatabase(opts.db) };
  if (opts.config) {
    const pipeline = loadPipelineConfig(opts.config);
    return { dbPath: resolveDatabase(pipeline.config.database), pipeline };
  }
  return { dbPath: resolve('data/voc.sqlite') };
}
