/**
 * `voc aggregate`: computes pain-point heatmaps, trends and quotes from the analysed segments and
 * stores them as a new aggregate. The database/config lookup the query commands share is
 * src/pipeline/query.ts (`openTarget`).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { aggregatePipeline, mixedVersionsWarning, type AggregateSummary } from '../aggregate/pipeline.js';
import { acquireLock } from '../store/lock.js';
import { finishRun, startRun } from '../store/runs.js';
import { TOOL_VERSION } from '../util/version.js';
import { parseOptions } from './common.js';
import { DbFlags, openTarget } from '../pipeline/query.js';

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
    lines.push('Top pain (stage x theme, by negative mentions per 100 documents, as the report ranks them):');
    for (const p of s.topPain) {
      lines.push(`  ${p.negPer100.toFixed(1).padStart(5)}  ${p.stage} / ${p.theme}: ${p.mentions} mentions, ${pct(p.negativeShare)} negative, pain index ${p.painIndex.toFixed(2)}`);
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
