/** `voc ingest`: read every configured export into the database (src/pipeline/stages.ts); print the report. */
import type { Command } from 'commander';
import { z } from 'zod';
import type { FileReport, IngestReport } from '../ingest/engine.js';
import type { PipelineEvent } from '../pipeline/reporter.js';
import { ingest } from '../pipeline/stages.js';
import { ExitCode, UserError } from '../util/errors.js';
import { formatTable, parseOptions } from './common.js';

const IngestOptions = z.object({
  config: z.string().min(1),
  db: z.string().optional(),
  strict: z.boolean().default(false),
  force: z.boolean().default(false),
  json: z.boolean().default(false),
});

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Read the pipeline\'s survey, interview and ticket exports into the database (new and changed records only)')
    .requiredOption('-c, --config <file>', 'pipeline config (pipelines/*.yaml)')
    .option('--db <file>', 'database file (default: the config\'s "database")')
    .option('--strict', 'fail (exit 3) when any row or file is quarantined or any value warned about')
    .option('--force', 're-read files that were already fully imported')
    .option('--json', 'print the report as JSON')
    .action(async (raw: unknown) => {
      const opts = parseOptions(IngestOptions, raw);
      const printFile = (e: PipelineEvent): void => {
        if (e.type === 'file') process.stderr.write(`${fileLine(e.file)}\n`);
      };
      const report = await ingest({ ...opts, exitOnSignal: true }, opts.json ? {} : { event: printFile });
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${formatIngestReport(report)}\n`);
      strictCheck(opts.strict, report);
    });
}

function fileLine(f: FileReport): string {
  if (f.skippedFile) return `  skip  ${f.source}: ${f.path} (${f.note})`;
  const q = f.quarantined ? `, ${f.quarantined} quarantined` : '';
  const note = f.note ? ` (${f.note})` : '';
  return `  read  ${f.source}: ${f.path} [${f.format}, ${f.encoding ?? '?'}] ${f.read} records: ${f.new} new, ${f.updated} updated, ${f.unchanged} unchanged, ${f.duplicate} duplicate${q}${note}`;
}

export function formatIngestReport(report: IngestReport): string {
  // Filter and thread columns only when a source uses them.
  const extra = report.totals.filtered + report.totals.threaded > 0;
  const bySource = new Map<string, FileReport[]>();
  for (const f of report.files) bySource.set(f.source, [...(bySource.get(f.source) ?? []), f]);
  const rows = [...bySource.entries()].map(([source, files]) => {
    const sum = (k: keyof FileReport) => files.reduce((n, f) => n + (f[k] as number), 0);
    const row: Array<string | number> = [source, files.length, sum('read'), sum('new'), sum('updated'), sum('unchanged'), sum('duplicate'), sum('quarantined')];
    return extra ? [...row, sum('filtered'), sum('threaded')] : row;
  });
  const t = report.totals;
  const total: Array<string | number> = ['TOTAL', report.files.length, t.read, t.new, t.updated, t.unchanged, t.duplicate, t.quarantined];
  rows.push(extra ? [...total, t.filtered, t.threaded] : total);
  const reconciled = t.read === t.new + t.updated + t.unchanged + t.duplicate + t.quarantined + t.filtered + t.threaded;
  const more = extra ? ` + ${t.filtered} filtered + ${t.threaded} thread turns` : '';
  const lines = [
    `Ingest run ${report.runId}`,
    formatTable(['source', 'files', 'read', 'new', 'updated', 'unchanged', 'duplicate', 'quarantined', ...(extra ? ['filtered', 'thread turns'] : [])], rows),
    reconciled
      ? `Counts reconcile: read ${t.read} = ${t.new} new + ${t.updated} updated + ${t.unchanged} unchanged + ${t.duplicate} duplicate + ${t.quarantined} quarantined${more}.`
      : `WARNING: counts do not reconcile (read ${t.read}); please report this.`,
  ];
  const skipped = report.files.filter((f) => f.skippedFile).length;
  if (skipped) lines.push(`${skipped} file(s) skipped: already imported and unchanged (use --force to re-read).`);
  const red = Object.entries(report.redactions);
  if (red.length) lines.push(`Redacted: ${red.map(([k, n]) => `${n} ${k}`).join(', ')}.`);
  for (const r of report.refusedPaths) lines.push(`Not read: ${r}`);
  for (const f of report.files) {
    if (!f.warnings) continue;
    const parts = Object.entries(f.warnings).map(([kind, w]) => `${w.count} ${kind} (first at ${w.locator}: ${w.message})`);
    lines.push(`Warnings in ${f.source}: ${f.path}: ${parts.join('; ')}`);
  }
  if (t.quarantined) lines.push(`${t.quarantined} quarantined: see \`voc status --quarantine\` for file, line, field and reason.`);
  return lines.join('\n');
}

/** Warnings counted over all files of a report. */
export function warningCount(report: Pick<IngestReport, 'files'>): number {
  return report.files.reduce((n, f) => n + Object.values(f.warnings ?? {}).reduce((m, w) => m + w.count, 0), 0);
}

/** `--strict`: any quarantined row or file, or any warning, fails the run (exit 3). */
export function strictCheck(strict: boolean, report: Pick<IngestReport, 'files' | 'totals'>): void {
  if (!strict) return;
  const warnings = warningCount(report);
  if (report.totals.quarantined > 0 || warnings > 0) {
    throw new UserError(`--strict: ${report.totals.quarantined} row(s) or file(s) quarantined and ${warnings} warning(s) (see \`voc status --quarantine\`)`, ExitCode.Strict);
  }
}
