/**
 * `voc themes [--stage S]`: themes ranked for a journey stage (or overall) with volume, negativity,
 * sentiment and trend. The `suggest` / `accept` subcommands come from themes-suggest.ts.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { parseWhere } from '../aggregate/facts.js';
import { rankThemes, THEME_SORTS, type ThemeRank } from '../aggregate/query.js';
import { toCsv } from '../report/csv.js';
import { trendPhrase } from '../report/format.js';
import { formatTable, parseOptions } from './common.js';
import { DbFlags, openTarget } from '../pipeline/query.js';
import { FilterFlags, withQueryFlags } from './heatmap.js';
import { registerThemeSubcommands } from './themes-suggest.js';

const ThemesOptions = z.object({
  ...DbFlags,
  ...FilterFlags,
  stage: z.string().min(1).optional(),
  sort: z.enum(THEME_SORTS).default('pain'),
  limit: z.coerce.number().int().min(1).max(10_000).default(25),
  all: z.boolean().default(false),
  format: z.enum(['table', 'csv', 'json']).default('table'),
});

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

const HEADER = ['theme', 'parent', 'id', 'mentions', 'negative', '95% CI', 'sentiment', 'pain', 'nps impact', 'trend'];

function row(r: ThemeRank, trailingMonths: number): string[] {
  return [
    r.label, r.parentLabel ?? '', r.theme, String(r.mentions), pct(r.negativeShare),
    `${pct(r.wilsonLow)}-${pct(r.wilsonHigh)}`, r.meanSentiment.toFixed(2), r.painIndex.toFixed(2),
    r.npsImpact === null ? '' : r.npsImpact.toFixed(1), trendPhrase(r, trailingMonths),
  ];
}

export function registerThemes(program: Command): void {
  const themes = withQueryFlags(
    program
      .command('themes')
      .description('Rank themes for a journey stage (or overall) by pain, volume, negativity or trend')
      .option('--stage <id>', 'journey stage, e.g. onboarding (default: all stages)')
      .option('--sort <by>', `${THEME_SORTS.join(', ')}`, 'pain')
      .option('--limit <n>', 'how many themes', '25')
      .option('--all', 'include "unassigned" (segments without a theme)')
      .option('--format <fmt>', 'table, csv or json', 'table'),
  ).action((raw: unknown) => {
    const o = parseOptions(ThemesOptions, raw);
    const t = openTarget(o);
    try {
      const ranks = rankThemes(
        t.db,
        { since: o.since, until: o.until, where: parseWhere(o.where), stage: o.stage, sort: o.sort, limit: o.limit, includeUnassigned: o.all },
        t.params,
      );
      if (o.format === 'json') process.stdout.write(`${JSON.stringify(ranks, null, 2)}\n`);
      else if (o.format === 'csv') process.stdout.write(toCsv(HEADER, ranks.map((r) => row(r, t.params.trailingMonths))));
      else if (ranks.length === 0) process.stdout.write('No themed segments match.\n');
      else process.stdout.write(`${formatTable(HEADER, ranks.map((r) => row(r, t.params.trailingMonths)))}\n`);
    } finally {
      t.db.close();
    }
  });
  // `themes` and its subcommands share --config and --db. Commander lets the parent parse them
  // first (the root program does not use positional options), so hand them on to the subcommand.
  themes.enablePositionalOptions();
  themes.hook('preSubcommand', (parent, sub) => {
    for (const key of ['config', 'db']) {
      const value: unknown = parent.getOptionValue(key);
      if (value !== undefined && sub.getOptionValue(key) === undefined) sub.setOptionValue(key, value);
    }
  });
  registerThemeSubcommands(themes);
}
