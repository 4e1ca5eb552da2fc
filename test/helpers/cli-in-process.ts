/**
 * Runs voc commands in-process through commander, instead of spawning `node --import tsx ...`
 * per command (about 1.5 s of start-up and TypeScript transform each, plus a model load per
 * process). Two forms:
 *
 * - `vocInProcess(registers, args)`: only the given commands registered; returns stdout and lets
 *   errors throw (for tests of one command's output).
 * - `runVocInProcess(args, cwd)`: the whole program through `main()`, as bin/voc.js runs it: stdout,
 *   stderr and the exit code come back as a spawned process's would (errors printed as one line
 *   with their exit code), and relative paths resolve against `cwd`. It needs the `forks` pool
 *   (vitest.config.ts): worker threads cannot `process.chdir`.
 *
 * The spawned form, `runVoc` in helpers/workspace.ts, stays for the few tests about the real
 * process (exit status of bin start-up, signals, two processes at once), most of them in test/e2e/.
 */
import { Command } from 'commander';
import { vi } from 'vitest';
import { buildProgram, main } from '../../src/cli/main.js';
import type { CliResult } from './workspace.js';

export type Register = (program: Command) => void;

export async function vocInProcess(registers: readonly Register[], args: readonly string[]): Promise<string> {
  const p = new Command('voc').exitOverride();
  for (const register of registers) register(p);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await p.parseAsync(['node', 'voc', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

/**
 * Runs `voc ...args` through the whole commander program (every command registered), returning what
 * it printed on stdout; stderr is silenced. Errors propagate, so a test can expect a UserError.
 */
export async function vocProgram(args: readonly string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await buildProgram().parseAsync(['node', 'voc', ...args]);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  return out;
}

/** Runs `voc ...args` in `cwd` through the CLI's `main()`, capturing what a process would show. */
export async function runVocInProcess(args: readonly string[], cwd: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const previousCwd = process.cwd();
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    process.chdir(cwd);
    await main(['node', 'voc', ...args]);
    const code = process.exitCode;
    return { status: typeof code === 'number' ? code : Number(code ?? 0), stdout, stderr };
  } finally {
    process.exitCode = previousExitCode;
    process.chdir(previousCwd);
    out.mockRestore();
    err.mockRestore();
  }
}
