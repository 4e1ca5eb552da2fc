/**
 * The Redis server of the queue tests: VOC_TEST_REDIS_URL (CI starts one on loopback, see .ci/run),
 * else redis://127.0.0.1:6379. When none answers the tests skip with the reason, except on CI
 * (CI=true), where they fail: a CI run must not pass by skipping them.
 */
import { checkRedis } from '../../src/queue/redis.js';

export interface TestRedis {
  url: string | null;
  reason: string;
  /** skip the tests (no server, not on CI) */
  skip: boolean;
}

export async function testRedis(): Promise<TestRedis> {
  const url = process.env.VOC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  try {
    await checkRedis(url, 2_000);
    return { url, reason: '', skip: false };
  } catch (err) {
    const reason = `${(err as Error).message} (set VOC_TEST_REDIS_URL, or run redis-server)`;
    const ci = process.env.CI === 'true';
    if (!ci) process.stderr.write(`Skipping the Redis queue tests: ${reason}\n`);
    return { url: null, reason, skip: !ci };
  }
}

/** On CI without a server: fails the test with the reason. */
export function requireRedis(r: TestRedis): string {
  if (!r.url) throw new Error(`CI=true but no Redis server for the queue tests: ${r.reason}`);
  return r.url;
}
