/**
 * `voc themes suggest` and `voc themes accept`: subcommands of the `themes` command (whose own
 * ranking action lives in themes.ts, owned by aggregation), registered from there. The work is in
 * src/pipeline/themes.ts; its option schemas are the flags'.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { AcceptThemeOptions, SuggestThemesOptions, acceptTheme, suggestThemes, type SuggestionRow } from '../pipeline/themes.js';
import { formatTable, parseOptions } from './common.js';

const JsonFlag = z.object({ json: z.boolean().default(false) });

export function registerThemeSubcommands(themes: Command): void {
  themes
    .command('suggest')
    .description('List themes discovered among segments no codeframe theme claimed (runs discovery when there are none)')
    .option('-c, --config <file>', 'pipeline config (its database and analysis settings; default: data/voc.sqlite, built-in settings)')
    .option('--db <file>', 'database file (default: the config\'s "database")')
    .option('--refresh', 'run discovery again first')
    .option('--json', 'print JSON')
    .action(async (raw: unknown) => {
      const opts = parseOptions(SuggestThemesOptions, raw);
      const rows = await suggestThemes(opts);
      process.stdout.write(parseOptions(JsonFlag, raw).json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatSuggestions(rows)}\n`);
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
      const opts = parseOptions(AcceptThemeOptions, raw);
      const { codeframe } = acceptTheme(id, opts);
      process.stdout.write(`added theme "${opts.as}" to ${codeframe}; the next \`voc analyze\` re-analyses with it\n`);
    });
}

export function formatSuggestions(rows: SuggestionRow[]): string {
  if (rows.length === 0) return 'No theme suggestions: every analysed segment has a theme, or too few are unassigned to cluster.';
  const table = formatTable(
    ['id', 'status', 'size', 'label', 'example'],
    rows.map((r) => [r.id, r.status, r.size, r.label, (r.quotes[0]?.text ?? '').slice(0, 60)]),
  );
  return `${table}\n\nAccept one with: voc themes accept <id> --as <theme-id> [--label ...] [--parent ...] --config <file>`;
}
