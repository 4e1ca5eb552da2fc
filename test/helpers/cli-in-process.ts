/** Runs voc commands in-process through commander and returns what they printed to stdout. */
import { Command } from 'commander';
import { vi } from 'vitest';

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
