/**
 * `voc themes suggest` and `voc themes accept`: subcommands of the `themes` command (whose own
 * ranking action lives in themes.ts, owned by aggregation), registered from there.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { appendThemeToCodeframe } from '../analyze/accept.js';
import { runDiscovery } from '../analyze/discover-run.js';
import { loadAnalyzerParts } from '../analyze/models.js';
import { parseAnalysisConfig } from '../config/analysis.js';
import { getSuggestion, listSuggestions, markSuggestionAccepted, type SuggestionRow } from '../store/analysis.js';
import { openDatabase, type Db } from '../store/db.js';
import { UserError } from '../util/errors.js';
import { formatTable, parseOptions } from './common.js';
import { loadPipelineConfig } from '../config/load.js';

const SuggestOptions = z.object({
  config: z.string().min(1).optional(),
  db: z.string().optional(),
  json: z.boolean().default(false),
  refresh: z.boolean().default(false),
});

const kebab = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a kebab-case theme id, e.g. "portion-size"');
const AcceptOptions = z.object({
  config: z.string().min(1),
  db: z.string().optional(),
  as: kebab,
  label: z.string().min(1).optional(),
  parent: kebab.optional(),
});

export function registerThemeSubcommands(themes: Command): void {
  themes
    .command('suggest')
    .description('List themes discovered among segments no codeframe theme claimed (runs discovery when there are none)')
    .option('-c, --config <file>', 'pipeline config (its database and analysis settings; default: data/voc.sqlite, built-in settings)')
    .option('--db <file>', 'database file (default: the config\'s "database")')
    .option('--refresh', 'run discovery again first')
    .option('--json', 'print JSON')
    .action(async (raw: unknown) => {
      const opts = parseOptions(SuggestOptions, raw);
      const rows = await suggest(opts);
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatSuggestions(rows)}\n`);
    });
  themes
    .command('accept <id>')
    .description('Add a suggested theme to the themes codeframe (its quotes become examples)')
    .requiredOption('-c, --config <file>', 'pipeline config')
    .requiredOption('--as <theme-id>', 'the new theme id (kebab-case)')
    .option('--label <text>', 'label (default: the suggestion\'s terms)')
    .option('--parent <theme-id>', 'put it under this theme')
    .option('--db <file>', 'database file (default: the config\'s "database")')
    .action((id: string, raw: unknown) => {
      const opts = parseOptions(AcceptOptions, raw);
      const file = accept(id, opts);
      process.stdout.write(`added theme "${opts.as}" to ${file}; the next \`voc analyze\` re-analyses with it\n`);
    });
}

function open(opts: { config?: string | undefined; db?: string | undefined }) {
  const pipeline = opts.config ? loadPipelineConfig(opts.config).config : undefined;
  const db = openDatabase(resolve(opts.db ?? pipeline?.database ?? 'data/voc.sqlite'));
  return { db, acfg: parseAnalysisConfig(pipeline?.analysis ?? {}, 'analysis section of the pipeline config') };
}

async function suggest(opts: z.infer<typeof SuggestOptions>): Promise<SuggestionRow[]> {
  const { db, acfg } = open(opts);
  try {
    if (opts.refresh || !listSuggestions(db).some((s) => s.status === 'proposed')) await discover(db, acfg);
    return listSuggestions(db);
  } finally {
    db.close();
  }
}

async function discover(db: Db, acfg: ReturnType<typeof parseAnalysisConfig>): Promise<void> {
  const parts = await loadAnalyzerParts(acfg, db);
  try {
    await runDiscovery(db, parts, acfg, null);
  } finally {
    await parts.encoder.dispose();
  }
}

function accept(ref: string, opts: z.infer<typeof AcceptOptions>): string {
  const { db, acfg } = open(opts);
  try {
    const s = getSuggestion(db, ref);
    if (!s) throw new UserError(`No theme suggestion "${ref}" (list them with \`voc themes suggest\`)`);
    if (s.status === 'accepted') throw new UserError(`Suggestion ${s.id} was already accepted`);
    const file = acfg.codeframes.themes;
    const label = opts.label ?? s.label;
    appendThemeToCodeframe(file, {
      id: opts.as,
      label,
      description: `Discovered theme; distinctive terms: ${s.terms.join(', ')}.`,
      examples: s.quotes.map((q) => q.text),
      suggestionKey: s.suggestion_key,
      parent: opts.parent,
    });
    markSuggestionAccepted(db, s.id, {
      theme_id: opts.as,
      parent_id: opts.parent ?? null,
      label,
      description: `Discovered theme; distinctive terms: ${s.terms.join(', ')}.`,
      origin: 'discovered',
      codeframe: resolve(file),
    });
    return file;
  } finally {
    db.close();
  }
}

export function formatSuggestions(rows: SuggestionRow[]): string {
  if (rows.length === 0) return 'No theme suggestions: every analysed segment has a theme, or too few are unassigned to cluster.';
  const table = formatTable(
    ['id', 'status', 'size', 'label', 'example'],
    rows.map((r) => [r.id, r.status, r.size, r.label, (r.quotes[0]?.text ?? '').slice(0, 60)]),
  );
  return `${table}\n\nAccept one with: voc themes accept <id> --as <theme-id> [--label ...] [--parent ...] --config <file>`;
}
