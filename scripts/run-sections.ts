/**
 * Runs every section module in a folder (each exports `run(): Promise<string>` returning Markdown)
 * and writes the combined report to docs/, with the date, machine and command.
 */
import { readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SHARED_DATASETS = resolve('../shared/datasets');

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
}

export async function runSections(folder: string, title: string, command: string, outFile: string): Promise<void> {
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  const only = process.argv.slice(2);
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const date = new Date().toISOString().slice(0, 10);
  const parts: string[] = [`# ${title}`, '', `Made by \`${command}\` on ${date}; machine: ${machineLine()}.`, ''];
  if (!existsSync(SHARED_DATASETS)) {
    parts.push(`Note: ${SHARED_DATASETS} is absent; sections that need it say so and are skipped.`, '');
  }
  for (const f of files) {
    const started = Date.now();
    process.stderr.write(`== ${f}\n`);
    try {
      const mod = (await import(pathToFileURL(resolve(folder, f)).href)) as { run: () => Promise<string> };
      const section = await mod.run();
      parts.push(section.trim(), '', `_(section ${f} took ${((Date.now() - started) / 1000).toFixed(1)} s)_`, '');
      process.stderr.write(`${section.trim()}\n\n`);
    } catch (err) {
      parts.push(`## ${f}`, '', `FAILED: ${(err as Error).message}`, '');
      process.stderr.write(`FAILED ${f}: ${(err as Error).stack}\n`);
      process.exitCode = 1;
    }
  }
  mkdirSync('docs', { recursive: true });
  const out = join('docs', outFile);
  // A partial run (section filter) must not overwrite the full report.
  const target = only.length ? join('docs', outFile.replace(/\.md$/, `.partial.md`)) : out;
  writeFileSync(target, `${parts.join('\n')}\n`);
  process.stderr.write(`wrote ${target}\n`);
}
