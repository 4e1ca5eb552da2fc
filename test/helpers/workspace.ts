/**
 * Test workspaces: a temp folder with a pipeline root, a config file and a real SQLite database.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
/** tsx's loader by absolute URL, so the CLI can run with a temp folder as its working directory. */
const TSX_LOADER = pathToFileURL(join(PROJECT_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface Workspace {
  dir: string;
  dbPath: string;
  configPath: string;
  /** Writes a file under the workspace root. */
  write(rel: string, content: string | Buffer): string;
  /** Copies a project file (e.g. a fixture) into the workspace root. */
  copy(projectRel: string, rel?: string): string;
  writeConfig(yaml: string): string;
  cleanup(): void;
}

export function makeWorkspace(prefix = 'voc-test-'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ws: Workspace = {
    dir,
    dbPath: join(dir, 'data', 'voc.sqlite'),
    configPath: join(dir, 'pipeline.yaml'),
    write(rel, content) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
    copy(projectRel, rel = projectRel) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      copyFileSync(join(PROJECT_ROOT, projectRel), p);
      return p;
    },
    writeConfig(yaml) {
      writeFileSync(ws.configPath, yaml);
      return ws.configPath;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return ws;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns `voc ...args` from the sources in `cwd`, as a user would: about 1.5 s of start-up per
 * call, plus any model load. Tests that only need a command's output and exit code use
 * `runVocInProcess` (helpers/cli-in-process.ts); this is for the real process (signals, races).
 */
export function runVoc(args: string[], cwd: string): CliResult {
  const res = spawnSync(process.execPath, ['--import', TSX_LOADER, join(PROJECT_ROOT, 'test/helpers/voc-dev.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', NODE_OPTIONS: '' },
    timeout: 300_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
