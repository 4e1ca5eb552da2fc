/** The runs table: one row per recorded command (ingest, analyze, aggregate, run). */
import type { Db } from './db.js';

export interface RunRow {
  id: number;
  command: string;
  pipeline: string | null;
  config_path: string | null;
  config_hash: string | null;
  tool_version: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'ok' | 'failed' | 'interrupted';
  counts_json: string | null;
  message: string | null;
}

export interface NewRun {
  command: string;
  pipeline?: string;
  configPath?: string;
  configHash?: string;
  toolVersion: string;
}

export function now(): string {
  return new Date().toISOString();
}

export function startRun(db: Db, run: NewRun): number {
  const info = db
    .prepare(
      `INSERT INTO runs (command, pipeline, config_path, config_hash, tool_version, started_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(run.command, run.pipeline ?? null, run.configPath ?? null, run.configHash ?? null, run.toolVersion, now());
  return Number(info.lastInsertRowid);
}

export function finishRun(db: Db, runId: number, status: RunRow['status'], counts: unknown, message?: string): void {
  db.prepare(`UPDATE runs SET finished_at = ?, status = ?, counts_json = ?, message = ? WHERE id = ?`).run(
    now(),
    status,
    JSON.stringify(counts),
    message ?? null,
    runId,
  );
}

/** Runs left 'running' by a killed process: called while holding the pipeline lock. */
export function markStaleRunsInterrupted(db: Db): number {
  return db
    .prepare(`UPDATE runs SET status = 'interrupted', finished_at = ?, message = 'process ended before the run finished' WHERE status = 'running'`)
    .run(now()).changes;
}
