/**
 * Loads pg-native (a synchronous libpq client, an optional dependency built with node-gyp) only
 * when a postgres:// database is opened, so SQLite users never need libpq. It is loaded with
 * `createRequire` rather than `await import()`: openDatabase and the whole store are synchronous
 * (better-sqlite3), and pg-native is a CommonJS addon, so a synchronous require keeps one code path
 * for both stores. VOC_PG_NATIVE names another folder to load it from (tests and development
 * checkouts whose node_modules lacks it); normal installs never set it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError } from '../../util/errors.js';

/** The part of libpq's binding used here (pg-native's `client.pq`). */
export interface Libpq {
  cmdTuples(): string;
  finish(): void;
}

/** pg-native's Client, as far as the store uses it. */
export interface NativeClient {
  pq: Libpq;
  connectSync(url: string): void;
  querySync(text: string, values?: (string | null)[]): Record<string, unknown>[];
  /** a named server-side prepared statement of this connection (libpq's PQprepare) */
  prepareSync(name: string, text: string, nParams: number): void;
  /** runs a statement prepared by prepareSync (PQexecPrepared) */
  executeSync(name: string, values: (string | null)[]): Record<string, unknown>[];
}

export interface TypeParsers {
  getTypeParser(oid: number, format?: string): (text: string) => unknown;
}

export type NativeClientClass = new (config?: { types?: TypeParsers }) => NativeClient;

let cached: NativeClientClass | null = null;

export function loadPgNative(): NativeClientClass {
  if (cached) return cached;
  const from = process.env.VOC_PG_NATIVE;
  const require = createRequire(from ? join(from, 'noop.js') : import.meta.url);
  try {
    cached = require('pg-native') as NativeClientClass;
  } catch (err) {
    throw new UserError(
      `A postgres:// database needs the optional module pg-native, which could not be loaded (${(err as Error).message.split('\n')[0]}): ` +
        'install libpq-dev and run npm install pg-native',
    );
  }
  return cached;
}

const retired = new Set<NativeClient>();

/**
 * Closes a connection. libpq's addon closes its socket watcher asynchronously (uv_close) but lets
 * the object go at once; were it collected before the event loop finishes the close, libuv would
 * abort the process (`uv__finish_close: Assertion ... failed`, seen here at the end of a test run).
 * So the client stays referenced until a timer, which runs after that close, lets it go.
 */
export function finishClient(client: NativeClient): void {
  client.pq.finish();
  retired.add(client);
  setTimeout(() => retired.delete(client), 1000).unref();
}
