/** `voc export heatmap|quotes`: files for spreadsheets and notebooks (CSV wide or long, or JSON). */
import type { Command } from 'commander';
import { z } from 'zod';
import { parseWhere } from '../aggregate/facts.js';
import { Dimension, Metric } from '../config/aggregate.js';
import { heatmapExportText, quotesExportText } from '../report/exports.js';
import { writeFileAtomic } from '../report/files.js';
import { confineOutput } from '../util/paths.js';
import { parseOptions } from './common.js';
import { DbFlags, openTarget } from '../pipeline/query.js';
import { FilterFlags, withQueryFlags } from './heatmap.js';

const Common = { ...DbFlags, ...FilterFlags, out: z.string().min(1), allowOutside: z.boolean().default(false), format: z.enum(['csv', 'json']).optional(), excel: z.boolean().default(false) };

const HeatmapExportOptions = z.object({
  ...Common,
  rows: Dimension.default('stage'),
  cols: Dimension.default('theme'),
  metric: Metric.optional(),
  long: z.boolean().default(false),
}).refine((o) => o.rows !== o.cols, { message: 'rows and cols must differ', path: ['cols'] });

const QuotesExportOptions = z.object({
  ...Common,
  theme: z.string().min(1).optional(),
  stage: z.string().min(1).optional(),
  touchpoint: z.string().min(1).optional(),
  emotion: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'an emotion id or short name, e.g. frustration').optional(),
  sentiment: z.enum(['negative', 'neutral', 'positive', 'any']).default('negative'),
  limit: z.coerce.number().int().min(1).max(1_000_000).default(1000),
});

/** csv unless --format says otherwise or the file ends in .json. */
function formatOf(out: string, format: 'csv' | 'json' | undefined): 'csv' | 'json' {
  return format ?? (out.toLowerCase().endsWith('.json') ? 'json' : 'csv');
}

function done(path: string, rows: number, bytes: number): void {
  process.stdout.write(`wrote ${path} (${rows} rows, ${bytes} bytes)\n`);
}

export function registerExport(program: Command): void {
  const exp = program.command('export').description('Write heatmaps or quotes to CSV/JSON files');
  withQueryFlags(
    exp
      .command('heatmap')
      .description('A heatmap as a wide matrix CSV, a tidy long CSV (--long) or JSON')
      .requiredOption('--out <file>', 'output file')
      .option('--rows <dim>', 'row dimension', 'stage')
      .option('--cols <dim>', 'column dimension', 'theme')
      .option('--metric <name>', 'metric of the wide matrix (default pain); with --long, only this metric')
      .option('--long', 'one row per cell and metric')
      .option('--format <fmt>', 'csv or json (default: from the file name)')
      .option('--excel', 'start the CSV with a UTF-8 byte-order mark so Excel shows accents')
      .option('--allow-outside', 'allow --out outside the working directory and the pipeline root'),
  ).action((raw: unknown) => {
    const o = parseOptions(HeatmapExportOptions, raw);
    const t = openTarget(o);
    try {
      const filter = { since: o.since, until: o.until, where: parseWhere(o.where) };
      const spec = { ...filter, rows: o.rows, cols: o.cols, metric: o.metric, long: o.long, format: formatOf(o.out, o.format), bom: o.excel };
      const { text, rows } = heatmapExportText(t.db, spec, t.params);
      const path = confineOutput(o.out, { roots: t.config ? [t.config.root] : [], allowOutside: o.allowOutside || (t.config?.allowOutputOutside ?? false), what: '--out' });
      done(path, rows, writeFileAtomic(path, text));
    } finally {
      t.db.close();
    }
  });
  withQueryFlags(
    exp
      .command('quotes')
      .description('Evidence quotes with provenance as CSV or JSON')
      .requiredOption('--out <file>', 'output file')
      .option('--theme <id>', 'theme id')
      .option('--stage <id>', 'journey stage')
      .option('--touchpoint <id>', 'touchpoint')
      .option('--emotion <id>', 'only segments showing this emotion, strongest first')
      .option('--sentiment <s>', 'negative, neutral, positive or any', 'negative')
      .option('--limit <n>', 'how many quotes', '1000')
      .option('--format <fmt>', 'csv or json (default: from the file name)')
      .option('--excel', 'start the CSV with a UTF-8 byte-order mark')
      .option('--allow-outside', 'allow --out outside the working directory and the pipeline root'),
  ).action((raw: unknown) => {
    const o = parseOptions(QuotesExportOptions, raw);
    const t = openTarget(o);
    try {
      const { text, rows } = quotesExportText(t.db, { ...o, where: parseWhere(o.where) }, formatOf(o.out, o.format), o.excel);
      const path = confineOutput(o.out, { roots: t.config ? [t.config.root] : [], allowOutside: o.allowOutside || (t.config?.allowOutputOutside ?? false), what: '--out' });
      done(path, rows, writeFileAtomic(path, text));
    } finally {
      t.db.close();
    }
  });
}
