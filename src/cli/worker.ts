/**
 * `voc worker --config FILE [--queue URL]`: analyse batches of a distributed `voc run --queue`
 * (docs/scale.md) until stopped. Ctrl-C / SIGTERM finish the batches in hand first.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { loadPipelineConfig } from '../config/load.js';
import { queueSettings } from '../config/queue.js';
import { UserError } from '../util/errors.js';
import { parseOptions } from './common.js';

const WorkerOptions = z.object({
  config: z.string().min(1),
  queue: z.string().min(1).optional(),
  concurrency: z.coerce.number().int().min(1).max(64).optional(),
  quiet: z.boolean().default(false),
});

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description("Analyse batches of a distributed run (voc run --queue) with this machine's models, until stopped")
    .requiredOption('-c, --config <file>', "pipeline config: its analysis section must match the coordinator's")
    .option('--queue <url>', 'Redis URL (default: the config\'s queue.url)')
    .option('--concurrency <n>', 'batches this process analyses at once (default: queue.concurrency, 1)')
    .option('-q, --quiet', 'print only start, stop and errors')
    .action(async (raw: unknown) => {
      const opts = parseOptions(WorkerOptions, raw);
      const { config } = loadPipelineConfig(opts.config);
      const settings = queueSettings(config.queue, config.name, opts.queue);
      if (!settings) throw new UserError('no queue: give --queue redis://HOST:6379 or a queue: section in the pipeline config');
      if (opts.concurrency) settings.concurrency = opts.concurrency;
      const { startWorker } = await import('../queue/worker.js');
      const log = (line: string) => {
        if (!opts.quiet || !line.startsWith('batch ')) process.stdout.write(`${new Date().toISOString()} ${line}\n`);
      };
      const worker = await startWorker(config, settings, log);
      const onSignal = (signal: NodeJS.Signals) => {
        log(`stopping (${signal}): finishing the batches in hand`);
        void worker.close();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      await worker.stopped;
      log('worker stopped');
    });
}
