/**
 * The PostgreSQL server of the store tests: VOC_TEST_POSTGRES_URL (CI starts one on loopback, see
 * .ci/run), e.g. postgres://postgres@127.0.0.1:55432/postgres. Each test file makes databases of
 * its own on it (`freshDatabase`) and drops them at the end. With no URL, no answering server or
 * no pg-native the tests skip with the reason, except on CI (CI=true), where they fail: a CI run
 * must not pass by skipping them.
 */
import { finishClient, loadPgNative, type NativeClient } from '../../src/store/pg/native.js';

export interface TestPostgres {
  url: string | null;
  reason: string;
  /** skip the tests (no server, not on CI) */
  skip: boolean;
}

function connect(url: string): NativeClient {
  const Client = loadPgNative();
  const c = new Client();
  c.connectSync(url);
  c.querySync('SET client_min_messages = warning');
  return c;
}

export function testPostgres(): TestPostgres {
  const url = process.env.VOC_TEST_POSTGRES_URL;
  let reason: string;
  if (!url) reason = 'VOC_TEST_POSTGRES_URL is not set (see .ci/run for a server on loopback)';
  else {
    try {
      finishClient(connect(url));
      return { url, reason: '', skip: false };
    } catch (err) {
      reason = `${(err as Error).message.trim()} (VOC_TEST_POSTGRES_URL=${url})`;
    }
  }
  const ci = process.env.CI === 'true';
  if (!ci) process.stderr.write(`Skipping the PostgreSQL store tests: ${reason}\n`);
  return { url: null, reason, skip: !ci };
}

/** On CI without a server: fails the test with the reason. */
export function requirePostgres(p: TestPostgres): string {
  if (!p.url) throw new Error(`CI=true but no PostgreSQL server for the store tests: ${p.reason}`);
  return p.url;
}

const made: Array<{ server: string; name: string }> = [];

/** A new empty database on the server; its URL. */
export function freshDatabase(serverUrl: string, label: string): string {
  const name = `voc_test_${label}_${process.pid}_${made.length}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const c = connect(serverUrl);
  try {
    c.querySync(`DROP DATABASE IF EXISTS ${name}`);
    c.querySync(`CREATE DATABASE ${name}`);
  } finally {
    finishClient(c);
  }
  made.push({ server: serverUrl, name });
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops the databases freshDatabase made (their connections must be closed). */
export function dropDatabases(): void {
  for (const { server, name } of made.splice(0)) {
    const c = connect(server);
    try {
      c.querySync(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      finishClient(c);
    }
  }
}
