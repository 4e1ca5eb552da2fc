/**
 * The life of a recorded run, shared by ingest, analyze and the whole pipeline (and so by `voc
 * ingest`, `voc analyze`, `voc run`): load the config, open the database, take the lock, mark runs
 * a killed process left behind as interrupted, record the run, and close it as ok or failed
 * whatever happens.
 *
 * Signals are the caller's business: a library must not exit the process it runs in, so only with
 * `exitOnSignal` (the CLI) does Ctrl-C / SIGTERM mark the run interrupted, release the lock and exit
 * 130 / 143. Without it a killed process leaves a `running` row that the next run marks
 * interrupted, and a lock whose owner is gone, which the next run takes over (store/lock.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { storageError } from '../store/errors.js';
import { loadPipelineConfig, type LoadedPipeline } from '../config/load.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { openDatabase, type Db } from '../store/db.js';
import { finishRun, markStaleRunsInterrupted, startRun } from '../store/runs.js';
import { acquireLock } from '../store/lock.js';
import { TOOL_VERSION } from '../util/version.js';
import { ExitCode } from '../util/errors.js';
import { resolveDatabase } from '../config/database.js';
import { isPostgresUrl } from '../store/pg/url.js';

export interface RunContext {
  db: Db;
  config: PipelineConfig;
  runId: number;
}

/** Where a recorded run gets its config and database. */
export interface RunTarget {
  /** a pipeline YAML file, or one loaded with `loadPipelineConfig` */
  config: string | LoadedPipeline;
  /** the database file (default: the config's `database`) */
  db?: string | undefined;
  /** on SIGINT / SIGTERM: mark the run interrupted, release the lock, exit 130 / 143 (the CLI's choice) */
  exitOnSignal?: boolean | undefined;
}

export async function withPipelineRun<T>(
  target: RunTarget,
  command: string,
  work: (ctx: RunContext) => Promise<T>,
  /** What to store as the run's counts. */
  summarise: (result: T) => unknown,
): Promise<T> {
  const { config, path, hash } = typeof target.config === 'string' ? loadPipelineConfig(target.config) : target.config;
  const dbPath = resolveDatabase(target.db ?? config.database);
  try {
    if (!isPostgresUrl(dbPath)) mkdirSync(dirname(dbPath), { recursive: true });
  } catch (err) {
    throw storageError(err, `the database folder ${dirname(dbPath)}`) ?? err;
  }
  // The lock comes first, so that two first runs on a new database do not both migrate it.
  let lock: ReturnType<typeof acquireLock>;
  try {
    lock = acquireLock(dbPath, command);
  } catch (err) {
    throw storageError(err, `the lock file beside ${dbPath}`) ?? err;
  }
  let db: Db | null = null;
  let runId: number | null = null;
  // Work between batches is lost only in memory: files not finished are read again next time.
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      if (db && runId !== null) finishRun(db, runId, 'interrupted', null, `stopped by ${signal}`);
      db?.close();
    } catch {
      // the database may be mid-statement; the next run marks the run interrupted anyway
    }
    lock.release();
    process.stderr.write(`voc: stopped by ${signal}; run ${runId ?? '-'} marked interrupted. Run again to continue.\n`);
    process.exit(signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Terminated);
  };
  if (target.exitOnSignal) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    db = openDatabase(dbPath);
    markStaleRunsInterrupted(db);
    runId = startRun(db, { command, pipeline: config.name, configPath: path, configHash: hash, toolVersion: TOOL_VERSION });
    try {
      const result = await work({ db, config, runId });
      finishRun(db, runId, 'ok', summarise(result));
      return result;
    } catch (err) {
      const stored = storageError(err, `the database ${dbPath}`);
      try {
        finishRun(db, runId, 'failed', null, (stored ?? (err as Error)).message);
      } catch {
        // the disk may still be full: the next run marks this one interrupted
      }
      throw stored ?? err;
    }
  } catch (err) {
    throw storageError(err, `the database ${dbPath}`) ?? err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    // Close before releasing: the next run must not open the database while this one still has it.
    db?.close();
    lock.release();
  }
}
