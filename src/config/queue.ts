/**
 * The `queue:` section of a pipeline config (and `--queue URL`): where the Redis server of the
 * distributed analysis is, and how batches are sized, retried and locked. Validated here, at the
 * boundary; the rest of src/queue/ receives a typed QueueSettings.
 */
import { z } from 'zod';
import { UserError } from '../util/errors.js';

const redisUrl = z
  .string()
  .min(1)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379')
  .describe('the Redis server the coordinator and the workers share');

export const QueueConfig = z
  .object({
    url: redisUrl,
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - only')
      .optional()
      .describe('BullMQ queue name (default: voc-<pipeline name>); coordinator and workers must agree'),
    batchSize: z.number().int().min(1).max(10_000).default(256).describe('segments per job (whole documents are kept together)'),
    maxPending: z.number().int().min(1).max(10_000).default(64).describe('jobs in Redis at once; the coordinator adds more as results come back'),
    attempts: z.number().int().min(1).max(100).default(5).describe('tries per batch before the run fails'),
    backoffMs: z.number().int().min(0).default(5_000).describe('first retry delay (exponential)'),
    lockDurationMs: z
      .number()
      .int()
      .min(1_000)
      .default(60_000)
      .describe("a worker's lock on a batch; a killed worker's batch goes to another this long after"),
    stalledIntervalMs: z.number().int().min(1_000).optional().describe('how often workers look for stalled batches (default: lockDurationMs)'),
    concurrency: z.number().int().min(1).max(64).default(1).describe('batches one worker process analyses at once'),
    noWorkerTimeoutMs: z
      .number()
      .int()
      .min(0)
      .default(600_000)
      .describe('the coordinator gives up when no batch has come back and no worker has been connected for this long (0: wait forever)'),
  })
  .strict();
export type QueueConfig = z.infer<typeof QueueConfig>;

/** `queue: redis://...` is short for `queue: { url: redis://... }`. */
export const QueueSection = z.preprocess((v) => (typeof v === 'string' ? { url: v } : v), QueueConfig);

export interface QueueSettings extends QueueConfig {
  name: string;
}

/** The queue settings of a run: the config's section, with `--queue URL` taking precedence. */
export function queueSettings(section: QueueConfig | undefined, pipelineName: string, urlFlag?: string): QueueSettings | null {
  if (!section && !urlFlag) return null;
  let merged: QueueConfig;
  if (urlFlag) {
    const parsed = QueueConfig.safeParse({ ...(section ?? {}), url: urlFlag });
    if (!parsed.success) throw new UserError(`--queue: ${parsed.error.issues[0]?.message ?? 'invalid'} (got "${redactUrl(urlFlag)}")`);
    merged = parsed.data;
  } else merged = section!;
  return { ...merged, name: merged.name ?? defaultQueueName(pipelineName) };
}

export function defaultQueueName(pipelineName: string): string {
  return `voc-${pipelineName.replace(/[^A-Za-z0-9_.-]+/g, '-')}`.slice(0, 100);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
