/** `voc report`: the self-contained HTML report of the latest aggregate. */
import type { Command } from 'commander';
import { z } from 'zod';
import { exportSpecs } from '../report/exports-config.js';
import { writeReport } from '../report/html.js';
import { confineOutput } from '../util/paths.js';
import { parseOptions } from './common.js';
import { DbFlags, openTarget } from '../pipeline/query.js';

const ReportOptions = z.object({ ...DbFlags, out: z.string().min(1).optional(), allowOutside: z.boolean().default(false), title: z.string().min(1).optional() });

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write a self-contained HTML report (heatmaps, quotes, trends) of the latest aggregate')
    .option('-c, --config <file>', 'pipeline config (database, outputDir, title)')
    .option('--db <file>', 'database file (default: the config\'s "database", else data/voc.sqlite)')
    .option('--out <file>', 'output file (default: <outputDir>/report.html)')
    .option('--allow-outside', 'allow --out outside the working directory and the pipeline root')
    .option('--title <text>', 'report title (default: the configured report export\'s title, else the pipeline name)')
    .action((raw: unknown) => {
      const o = parseOptions(ReportOptions, raw);
      const t = openTarget(o);
      try {
        const out = confineOutput(o.out ?? `${t.config?.outputDir ?? 'data'}/report.html`, {
          roots: t.config ? [t.config.root] : [],
          allowOutside: o.allowOutside || (t.config?.allowOutputOutside ?? false),
          what: '--out',
        });
        const configured = t.config ? exportSpecs(t.config).find((s) => s.type === 'report') : undefined;
        const title = o.title ?? (configured?.type === 'report' ? configured.title : undefined) ?? t.config?.name ?? 'Voice of customer';
        const r = writeReport(t.db, out, { title, params: t.params });
        process.stdout.write(`wrote ${r.path} (${Math.round(r.bytes / 1024)} KB, ${r.cells} cells, ${r.quotes} quotes)\n`);
        if (r.notFilterable.length) {
          process.stdout.write(`not filterable on the page (too many combinations with the other filters): ${r.notFilterable.join(', ')}; use voc heatmap --where NAME=VALUE\n`);
        }
      } finally {
        t.db.close();
      }
    });
}
