/**
 * Connecting to the queue's Redis server. Before anything is enqueued or taken, `checkRedis`
 * connects once with no retries, so a wrong URL or a server that is down gives one clear line
 * (exit 2) instead of ioredis retrying forever. It also warns about an eviction policy that
 * would let Redis drop jobs (BullMQ needs `maxmemory-policy noeviction`).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { UserError } from '../util/errors.js';
import { redactUrl } from '../config/queue.js';

/** ioredis options for a redis:// or rediss:// URL (the URL was validated by QueueConfig). */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UserError(`queue url ${redactUrl(url)}: the path must be a database number, e.g. /0`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Options for BullMQ's long-lived connections (they must retry blocking commands forever). */
export function bullConnection(url: string): RedisOptions {
  return { ...redisOptions(url), maxRetriesPerRequest: null };
}

/** Connects once (no retries, `timeoutMs`), pings, and returns a warning about eviction if any. */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<{ warning: string | null }> {
  const client = new Redis({
    ...redisOptions(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, NOAUTH...) arrives as an event; the awaited
  // call only says "Connection is closed".
  let socketError: NodeJS.ErrnoException | null = null;
  client.on('error', (err: NodeJS.ErrnoException) => {
    socketError ??= err;
  });
  try {
    await client.connect();
    await client.ping();
    let warning: string | null = null;
    try {
      const policy = (await client.config('GET', 'maxmemory-policy')) as string[];
      if (policy[1] && policy[1] !== 'noeviction') {
        warning = `Redis at ${redactUrl(url)} has maxmemory-policy ${policy[1]}: it may evict queued batches; set it to noeviction (docs/scale.md)`;
      }
    } catch {
      // CONFIG may be disabled on managed Redis; the check is only advice.
    }
    return { warning };
  } catch (err) {
    const e = socketError ?? (err as NodeJS.ErrnoException);
    const why = e.code && /^E[A-Z]+$/.test(e.code) ? e.code : (e.message.split('\n')[0] ?? 'unknown error');
    throw new UserError(`cannot reach the queue's Redis server at ${redactUrl(url)} (${why}); is redis-server running there?`);
  } finally {
    client.disconnect();
  }
}
