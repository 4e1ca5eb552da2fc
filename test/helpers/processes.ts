/**
 * Real `voc` processes for the trials that need one (kill -9, signals, races, worker processes):
 * spawned from the sources (test/helpers/voc-dev.ts through tsx's loader, as `runVoc` in
 * workspace.ts does synchronously), their output collected as it comes so a test can wait for a
 * line (`until`) and kill the process at that point. `runVocInProcess` (cli-in-process.ts) stays
 * the way to run a command whose output and exit code are all a test needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from './workspace.js';

/** tsx's loader by absolute URL, so the CLI runs with a temp folder as its working directory. */
export const TSX_LOADER = pathToFileURL(join(PROJECT_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export type VocProcess = ChildProcess & {
  /** stdout and stderr so far, interleaved as they came */
  out: () => string;
  /** stderr so far */
  err: () => string;
};

/** Starts `voc ...args` in `cwd`; `onOutput` sees everything printed so far after each chunk. */
export function vocProcess(args: string[], cwd: string, onOutput?: (out: string, child: VocProcess) => void): VocProcess {
  const spawned = spawn(process.execPath, ['--import', TSX_LOADER, join(PROJECT_ROOT, 'test/helpers/voc-dev.ts'), ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', DOTENV_CONFIG_QUIET: 'true' },
  });
  let out = '';
  let err = '';
  const child: VocProcess = Object.assign(spawned, { out: () => out, err: () => err });
  spawned.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    onOutput?.(out, child);
  });
  spawned.stderr.on('data', (d: Buffer) => {
    const s = d.toString();
    out += s;
    err += s;
    onOutput?.(out, child);
  });
  return child;
}

/** The exit code once the process has ended (null when a signal ended it). */
export const exited = (c: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));

/** Polls `check` every 50 ms; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** kill -9 for whatever of `children` still runs, and waits for all of them (an afterAll). */
export async function killAll(children: ChildProcess[]): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
}
