/**
 * The life of a recorded run, shared by `voc ingest`, `voc analyze` and `voc run`: load the config,
 * open the database, take the lock, mark runs a killed process left behind as interrupted, record
 * the run, and close it as ok or failed whatever happens.
 */
import { resolve } from 'node:path';
import { loadPipelineConfig } from '../config/load.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { openDatabase, type Db } from '../store/db.js';
import { finishRun, markStaleRunsInterrupted, startRun } from '../store/runs.js';
import { acquireLock } from '../store/lock.js';
import { TOOL_VERSION } from '../util/version.js';

export interface RunContext {
  db: Db;
  config: PipelineConfig;
  runId: number;
}

export async function withPipelineRun<T>(
  opts: { config: string; db?: string | undefined },
  command: string,
  work: (ctx: RunContext) => Promise<T>,
  /** What to store as the run's counts. */
  summarise: (result: T) => unknown,
): Promise<T> {
  const { config, path, hash } = loadPipelineConfig(opts.config);
  const dbPath = resolve(opts.db ?? config.database);
  const db = openDatabase(dbPath);
  let lock: ReturnType<typeof acquireLock> | null = null;
  try {
    lock = acquireLock(dbPath, command);
    markStaleRunsInterrupted(db);
    const runId = startRun(db, { command, pipeline: config.name, configPath: path, configHash: hash, toolVersion: TOOL_VERSION });
    try {
      const result = await work({ db, config, runId });
      finishRun(db, runId, 'ok', summarise(result));
      return result;
    } catch (err) {
      finishRun(db, runId, 'failed', null, (err as Error).message);
      throw err;
    }
  } finally {
    lock?.release();
    db.close();
  }
}
