/** `voc heatmap`: a rows x columns matrix of one metric, computed on the fly (filters allowed). */
import type { Command } from 'commander';
import { z } from 'zod';
import { parseWhere } from '../aggregate/facts.js';
import { Dimension, Metric } from '../config/aggregate.js';
import { checkMetric, heatmapExportText } from '../report/exports.js';
import { renderHeatmapTable, useColour } from '../report/terminal.js';
import { queryMatrix } from '../aggregate/pipeline.js';
import { parseOptions } from './common.js';
import { scaleName } from '../aggregate/scales.js';
import { DbFlags, openTarget } from '../pipeline/query.js';

const date = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'a date: YYYY-MM or YYYY-MM-DD');

/** Filters shared by heatmap, themes, quotes and export. */
export const FilterFlags = {
  since: date.optional(),
  until: date.optional(),
  where: z.array(z.string()).default([]),
};

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds --db, --config, --since, --until and --where to a command. */
export function withQueryFlags(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'pipeline config (its database and aggregate: settings)')
    .option('--db <file>', 'database file (default: the config\'s "database", else data/voc.sqlite)')
    .option('--since <date>', 'only documents created on or after this date (YYYY-MM or YYYY-MM-DD)')
    .option('--until <date>', 'only documents created on or before this date')
    .option('--where <field=value>', 'only segments with this stage/touchpoint/theme/channel/kind/source/sentiment or attribute (repeatable)', collect, []);
}

/** Word-wraps a note to the table's width. */
export function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** Scores are named by their scale: NPS only for 0-10 likelihood to recommend. */
export function scaleNote(metric: string, cellScales: readonly (string | null)[], npsResponses: number): string | null {
  const scales = [...new Set(cellScales.filter((s): s is string => s !== null))].sort();
  const named = scales.map((s) => `${scaleName(s).name} (${s}: ${scaleName(s).range})`);
  if (metric === 'mean_score' && scales.length) {
    return `mean_score is the ${named.join(', ')}${scales.length > 1 ? '; each cell uses its most common scale, so cells on different scales do not compare' : ''}`;
  }
  if ((metric === 'nps' || metric === 'nps_impact') && npsResponses === 0) {
    return `No NPS: it needs 0-10 likelihood-to-recommend scores (scale nps).${scales.length ? ` These documents have ${named.join(', ')}: try --metric mean_score.` : ''}`;
  }
  return null;
}

const HeatmapOptions = z.object({
  ...DbFlags,
  ...FilterFlags,
  rows: Dimension.default('stage'),
  cols: Dimension.default('theme'),
  metric: Metric.default('pain'),
  format: z.enum(['table', 'csv', 'json']).default('table'),
  color: z.boolean().optional(),
  wide: z.boolean().default(false),
}).refine((o) => o.rows !== o.cols, { message: 'rows and cols must differ', path: ['cols'] });

export function registerHeatmap(program: Command): void {
  withQueryFlags(
    program
      .command('heatmap')
      .description('Print a pain-point heatmap: rows x columns of one metric')
      .option('--rows <dim>', 'row dimension: stage, theme, parent_theme, touchpoint, channel, kind, source, month, sentiment, attr:<name>', 'stage')
      .option('--cols <dim>', 'column dimension (as --rows)', 'theme')
      .option('--metric <name>', 'pain, neg_per_100 (+ _low/_high), negative_share, mentions, documents, negative, sentiment (+ sentiment_low/_high), nps, nps_impact, mean_score, wilson_low, wilson_high, z_score, or emotion:<name>[:low|:high|:segments|:z] (frustration, confusion, disappointment, worry, joy, gratitude, surprise)', 'pain')
      .option('--format <fmt>', 'table, csv or json', 'table')
      .option('--no-color', 'no colours in the table')
      .option('--wide', 'full column names in one table, however wide (default: fit the terminal, else 120 columns, with short codes and a legend)'),
  ).action((raw: unknown) => {
    const o = parseOptions(HeatmapOptions, raw);
    const t = openTarget(o);
    try {
      const filter = { since: o.since, until: o.until, where: parseWhere(o.where) };
      if (o.format !== 'table') {
        const { text } = heatmapExportText(t.db, { ...filter, rows: o.rows, cols: o.cols, metric: o.metric, long: false, format: o.format }, t.params);
        process.stdout.write(text);
        return;
      }
      const m = queryMatrix(t.db, { rows: o.rows, cols: o.cols }, filter, t.params);
      checkMetric(o.metric, m.scope.overall.emotions);
      if (m.cells.length === 0) {
        process.stdout.write('No analysed segments match.\n');
        return;
      }
      const colour = o.color !== false && useColour();
      process.stdout.write(`${o.metric} by ${o.rows} x ${o.cols} (${m.scope.overall.segments} segments)\n`);
      const width = process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 120;
      const table = renderHeatmapTable(m, m.scope.index, o.metric, colour, { width, wide: o.wide });
      process.stdout.write(`${table}\n`);
      const note = scaleNote(o.metric, m.cells.map((c) => c.scoreScale), m.scope.overall.npsCounts.total);
      if (note) process.stdout.write(`${wrap(note, width)}\n`);
    } finally {
      t.db.close();
    }
  });
}
