/**
 * Loading and validating YAML config files with zod, with errors that name the key, the value
 * found and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../util/errors.js';
import { PipelineConfig } from './pipeline.js';

/** Walks `path` into a parsed value to show what was actually there. */
function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Formats a zod error as one line per problem: `key.path: found X; expected Y`. */
export function formatZodIssues(error: z.ZodError, raw: unknown, what: string): string {
  const lines = error.issues.map((issue) => {
    const key = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    let allowed = issue.message;
    if (issue.code === 'invalid_value' && 'values' in issue) {
      allowed = `one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (issue.code === 'unrecognized_keys' && 'keys' in issue) {
      return `  ${key}: unknown key(s) ${(issue.keys as string[]).map((k) => `"${k}"`).join(', ')}`;
    }
    return `  ${key}: found ${describeValue(valueAt(raw, issue.path))}; expected ${allowed}`;
  });
  return `Invalid ${what}:\n${lines.join('\n')}`;
}

/** Parses YAML text and validates it; throws UserError with readable messages. */
export function parseYamlWith<S extends z.ZodType>(text: string, schema: S, what: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message : String(err);
    throw new UserError(`Cannot parse ${what} as YAML: ${msg}`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new UserError(formatZodIssues(result.error, raw, what));
  return result.data;
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
