/**
 * `voc aggregate`: computes pain-point heatmaps, trends and quotes from the analysed segments and
 * stores them as a new aggregate. Also the database/config lookup shared by the query commands.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { aggregatePipeline, mixedVersionsWarning, type AggregateSummary } from '../aggregate/pipeline.js';
import { parseAggregateConfig, type AggregateConfig } from '../config/aggregate.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { openDatabase, type Db } from '../store/db.js';
import { acquireLock } from '../store/lock.js';
import { finishRun, startRun } from '../store/runs.js';
import { UserError } from '../util/errors.js';
import { TOOL_VERSION } from '../util/version.js';
import { locateDatabase, parseOptions } from './common.js';

export const DbFlags = { db: z.string().min(1).optional(), config: z.string().min(1).optional() };

export interface Target {
  db: Db;
  dbPath: string;
  config: PipelineConfig | null;
  configPath: string | null;
  configHash: string | null;
  params: AggregateConfig;
}

/** Opens the database named by --db / --config (read-only for queries) with the aggregate params. */
export function openTarget(flags: { db?: string | undefined; config?: string | undefined }, write = false): Target {
  const loc = locateDatabase({ ...(flags.db ? { db: flags.db } : {}), ...(flags.config ? { config: flags.config } : {}) });
  // --db wins for the file, but a --config given alongside still supplies the aggregate params.
  const pipeline = loc.pipeline ?? (flags.config ? locateDatabase({ config: flags.config }).pipeline : undefined);
  if (!existsSync(loc.dbPath)) {
    throw new UserError(`No database at ${loc.dbPath}. Run \`voc ingest\` and \`voc analyze\` first, or pass --db / --config.`);
  }
  return {
    db: openDatabase(loc.dbPath, { readonly: !write }),
    dbPath: loc.dbPath,
    config: pipeline?.config ?? null,
    configPath: pipeline?.path ?? null,
    configHash: pipeline?.hash ?? null,
    params: pipeline?.config.aggregate ?? parseAggregateConfig({}),
  };
}

const AggregateOptions = z.object({ ...DbFlags, json: z.boolean().default(false) });

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export function formatSummary(s: AggregateSummary): string {
  const lines = [
    `Aggregate ${s.aggregateId}: ${s.segments} segments from ${s.documents} documents; ${s.cells} cells in ${s.matrices.length} matrices, ${s.quotes} quotes.`,
    `Negative: ${pct(s.negativeRate)}${s.overallNps === null ? '' : `; NPS ${s.overallNps.toFixed(1)}`}${s.latestMonth ? `; latest month ${s.latestMonth}` : ''}.`,
  ];
  if (s.topPain.length) {
    lines.push('Top pain (stage x theme):');
    for (const p of s.topPain) {
      lines.push(`  ${p.painIndex.toFixed(2).padStart(5)}  ${p.stage} / ${p.theme}: ${p.mentions} mentions, ${pct(p.negativeShare)} negative`);
    }
  }
  if (s.anomalies.length) {
    lines.push(`Spikes in ${s.latestMonth}:`);
    for (const a of s.anomalies.slice(0, 10)) lines.push(`  z ${a.zScore.toFixed(1)}  ${a.matrix}: ${a.row} / ${a.col}`);
  }
  const mixed = mixedVersionsWarning(s);
  if (mixed) lines.push(mixed);
  return lines.join('\n');
}

export function registerAggregate(program: Command): void {
  program
    .command('aggregate')
    .description('Compute pain-point heatmaps, trends and evidence quotes from the analysed segments')
    .option('-c, --config <file>', 'pipeline config (its aggregate: section and database)')
    .option('--db <file>', 'database file (default: the config\'s "database", else data/voc.sqlite)')
    .option('--json', 'print the summary as JSON')
    .action((raw: unknown) => {
      const opts = parseOptions(AggregateOptions, raw);
      const t = openTarget(opts, true);
      const lock = acquireLock(t.dbPath, 'aggregate');
      try {
        const runId = startRun(t.db, {
          command: 'aggregate',
          pipeline: t.config?.name,
          configPath: t.configPath ?? undefined,
          configHash: t.configHash ?? undefined,
          toolVersion: TOOL_VERSION,
        });
        let summary: AggregateSummary;
        try {
          summary = aggregatePipeline(t.db, { aggregate: t.params }, runId);
        } catch (err) {
          finishRun(t.db, runId, 'failed', null, (err as Error).message);
          throw err;
        }
        finishRun(t.db, runId, 'ok', { segments: summary.segments, cells: summary.cells });
        process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
      } finally {
        lock.release();
        t.db.close();
      }
    });
}
