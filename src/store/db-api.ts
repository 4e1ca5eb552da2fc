/**
 * The store's connection interface: the part of better-sqlite3's API the pipeline uses, so that a
 * better-sqlite3 Database is one implementation as it is (no wrapper, no cost) and the PostgreSQL
 * store (src/store/pg/client.ts) is the other. Kept apart from db.ts, which opens either, so the
 * PostgreSQL implementation can name these types without importing its own opener.
 */

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface Statement {
  run(...params: unknown[]): RunResult;
  /** the first row, or undefined */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** rows one at a time (a cursor on PostgreSQL) */
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** return the first column instead of row objects */
  pluck(toggle?: boolean): this;
}

/** A function's parameters, spelled as better-sqlite3 spells them (so its types match these). */
export type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;

export interface Transaction<F extends (...args: never[]) => unknown> {
  (...args: ArgsOf<F>): ReturnType<F>;
  deferred(...args: ArgsOf<F>): ReturnType<F>;
  /** takes the write lock at once (SQLite), or the migration lock (PostgreSQL) */
  immediate(...args: ArgsOf<F>): ReturnType<F>;
  exclusive(...args: ArgsOf<F>): ReturnType<F>;
}

export interface Db {
  prepare(source: string): Statement;
  exec(source: string): this;
  /** nests with savepoints */
  transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  function(name: string, options: { deterministic?: boolean }, fn: (...args: never[]) => unknown): this;
  close(): this;
}
