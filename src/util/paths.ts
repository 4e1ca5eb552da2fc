/**
 * Output paths are confined like input paths: exports, reports and heads written from a config or
 * a flag must land under the working directory or the pipeline root, unless the user says
 * otherwise (`allowOutputOutside: true` in the config, `--allow-outside` on the command line).
 * Symlinks are resolved on the nearest existing folder, so a link out of the tree is caught too.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { UserError } from './errors.js';

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of `p`, resolving links on its nearest existing ancestor. */
function realish(p: string): string {
  let dir = p;
  const rest: string[] = [];
  while (!existsSync(dir)) {
    const up = dirname(dir);
    if (up === dir) break;
    rest.unshift(dir.slice(up.length).replace(/^[/\\]/, ''));
    dir = up;
  }
  return resolve(realpathSync(dir), ...rest);
}

export interface ConfineOptions {
  /** Folders the path may be in (the working directory is always one). */
  roots: readonly string[];
  allowOutside?: boolean;
  /** What the path is, for the message ("outputDir", "--out"). */
  what: string;
}

/** The absolute path, or a UserError naming where it points and how to allow it. */
export function confineOutput(path: string, opts: ConfineOptions): string {
  const abs = resolve(path);
  if (opts.allowOutside) return abs;
  const real = realish(abs);
  const roots = [process.cwd(), ...opts.roots].map((r) => realish(resolve(r)));
  if (roots.some((r) => inside(r, real))) return abs;
  throw new UserError(
    `${opts.what} "${path}" is outside the working directory (${process.cwd()})${opts.roots.length ? ` and the pipeline root (${opts.roots.map((r) => resolve(r)).join(', ')})` : ''}; ` +
      'write under one of them, or allow it explicitly (allowOutputOutside: true in the config, or --allow-outside)',
  );
}
