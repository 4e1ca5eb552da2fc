/**
 * Zod issues as messages people can act on: one line per problem, `key.path: found X; expected Y`,
 * under a heading that names what was being read (the file, or the section of it). Every config
 * schema reports through here, so a bad pipeline file, codeframe or CLI-built section reads alike.
 */
import type { z } from 'zod';
import { UserError } from '../util/errors.js';

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

/** Validates `raw` with `schema`; a failure is a UserError naming `what` and each bad key. */
export function validateWith<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new UserError(formatZodIssues(result.error, raw, what));
  return result.data;
}
