/** `voc status`: runs, counts and quarantine, for people (table) or machines (--json). */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isPostgresUrl, openDatabase } from '../store/db.js';
import { redactPostgresUrl } from '../store/pg/url.js';
import { quarantineRows, statusSummary, type StatusSummary } from '../store/status.js';
import { UserError } from '../util/errors.js';
import { formatTable, locateDatabase, parseOptions } from './common.js';

const StatusOptions = z.object({
  config: z.string().optional(),
  db: z.string().optional(),
  json: z.boolean().default(false),
  runs: z.coerce.number().int().min(1).max(1000).default(10),
  quarantine: z.boolean().default(false),
  limit: z.coerce.number().int().min(1).optional(),
  offset: z.coerce.number().int().min(0).default(0),
});

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show recent runs, document and segment counts, per-file counts of the last ingest, and quarantine')
    .option('-c, --config <file>', 'pipeline config (to find its database)')
    .option('--db <file>', 'database file (default data/voc.sqlite)')
    .option('--runs <n>', 'how many recent runs to list', '10')
    .option('--quarantine', 'list every quarantined row with file, line, field and reason (newest first)')
    .option('--limit <n>', 'with --quarantine: at most this many rows')
    .option('--offset <n>', 'with --quarantine: skip this many rows first', '0')
    .option('--json', 'print JSON for machines')
    .action((raw: unknown) => {
      const opts = parseOptions(StatusOptions, raw);
      const { dbPath } = locateDatabase(opts);
      if (!isPostgresUrl(dbPath) && !existsSync(dbPath)) throw new UserError(`No database at ${dbPath}: run \`voc ingest --config ...\` first.`);
      const db = openDatabase(dbPath);
      try {
        const summary = statusSummary(db, opts.runs);
        const quarantine = opts.quarantine ? quarantineRows(db, opts.limit ?? null, opts.offset) : undefined;
        if (opts.json) process.stdout.write(`${JSON.stringify({ database: redactPostgresUrl(dbPath), ...summary, quarantine }, null, 2)}\n`);
        else process.stdout.write(`${formatStatus(redactPostgresUrl(dbPath), summary, quarantine)}\n`);
      } finally {
        db.close();
      }
    });
}

function formatStatus(dbPath: string, s: StatusSummary, quarantine?: ReturnType<typeof quarantineRows>): string {
  const out: string[] = [`Database ${dbPath} (schema ${s.schemaVersion})`, ''];
  out.push('Documents');
  out.push(formatTable(['kind', 'documents', 'segments', 'analysed', 'awaiting analysis'], s.documents.map((d) => [d.kind, d.documents, d.segments, d.analysed_segments, d.needs_analysis])));
  out.push('', 'Recent runs');
  out.push(
    formatTable(
      ['run', 'command', 'status', 'started', 'finished', 'summary'],
      s.runs.map((r) => [r.id, r.command, r.status, r.started_at, r.finished_at ?? '-', summarise(r.counts, r.message)]),
    ),
  );
  if (s.lastRunCounts.length) {
    out.push('', 'Last ingest, per file (read = new + updated + unchanged + duplicate + quarantined)');
    out.push(
      formatTable(
        ['source', 'file', 'read', 'new', 'updated', 'unchanged', 'duplicate', 'quarantined'],
        s.lastRunCounts.map((c) => [c.source, c.skipped_file ? `${c.path} (skipped: unchanged)` : c.path, c.read, c.new, c.updated, c.unchanged, c.duplicate, c.quarantined]),
      ),
    );
  }
  if (s.lastRunWarnings.length) {
    out.push('', 'Last ingest, warnings per file (rows stored; values to check)');
    out.push(formatTable(['source', 'file', 'kind', 'count', 'first at', 'example'], s.lastRunWarnings.map((w) => [w.source, w.path, w.kind, w.count, w.first_locator, w.example])));
  }
  const shown = quarantine ? ` (showing ${quarantine.length}${quarantine.length < s.quarantineTotal ? ' of them: use --limit/--offset for the rest' : ''})` : '';
  out.push('', `Quarantine: ${s.quarantineTotal} row(s)${s.quarantineTotal && !quarantine ? ' (list them with --quarantine)' : shown}`);
  if (quarantine?.length) {
    out.push(formatTable(['run', 'file', 'where', 'field', 'reason'], quarantine.map((q) => [q.run_id, q.path, q.locator, q.field ?? '', q.reason])));
  }
  return out.join('\n');
}

function summarise(counts: unknown, message: string | null): string {
  if (message) return message.slice(0, 60);
  if (!counts || typeof counts !== 'object') return '';
  const ingest = (counts as { ingest?: Record<string, number> }).ingest;
  if (!ingest) return JSON.stringify(counts).slice(0, 60);
  return `read ${ingest.read}: ${ingest.new} new, ${ingest.updated} upd, ${ingest.unchanged} same, ${ingest.duplicate} dup, ${ingest.quarantined} quar`;
}
