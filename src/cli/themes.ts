/**
 * `voc themes [--stage S]`: themes ranked for a journey stage (or overall) with volume, negativity,
 * sentiment and trend. The `suggest` / `accept` subcommands come from themes-suggest.ts.
 *
 * The default order is negative mentions per 100 documents (`neg_per_100`), the report's measure:
 * with `--stage S` the list is the journey map's "top pain themes" of that stage in the same order.
 * It was `pain` (the pain index, which counts comments): on the four-source hand audit
 * (docs/audit.md) the pain index put Communication second, a label that matched no pain point of
 * an independent reading, because complaint narratives of about eight comments each outweigh
 * one-line complaints; per 100 documents the first three were hand-audit pain points.
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
  sort: z.enum(THEME_SORTS).default('neg_per_100'),
  limit: z.coerce.number().int().min(1).max(10_000).default(25),
  all: z.boolean().default(false),
  format: z.enum(['table', 'csv', 'json']).default('table'),
});

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/**
 * `neg/100 docs` is the report's measure (negative mentions per 100 documents: documents with a
 * negative comment on the theme per 100 documents in scope, `--sort neg_per_100`); `negative` and
 * its 95% CI are the share of the theme's comments that are negative.
 */
const HEADER = ['theme', 'parent', 'id', 'mentions', 'negative', '95% CI', 'neg/100 docs', 'sentiment', 'pain', 'nps impact', 'trend'];

/** What each number measures, under the table (the report says the same in its legends). */
const LEGEND = [
  'mentions: comments about the theme; negative: share of them that are negative, with its 95% CI;',
  'neg/100 docs: documents with a negative comment on the theme per 100 documents in scope (the report\'s pain measure);',
  'sentiment: mean, -1 to +1; pain: pain index (negative share shrunk to the corpus rate x log(1 + mentions));',
  'nps impact: NPS points gained if the theme\'s detractors became passives.',
].join('\n');

function row(r: ThemeRank, trailingMonths: number): string[] {
  return [
    r.label, r.parentLabel ?? '', r.theme, String(r.mentions), pct(r.negativeShare),
    `${pct(r.wilsonLow)}-${pct(r.wilsonHigh)}`, r.negPer100.toFixed(1), r.meanSentiment.toFixed(2), r.painIndex.toFixed(2),
    r.npsImpact === null ? '' : r.npsImpact.toFixed(1), trendPhrase(r, trailingMonths),
  ];
}

export function registerThemes(program: Command): void {
  const themes = withQueryFlags(
    program
      .command('themes')
      .description('Rank themes for a journey stage (or overall) by pain, volume, negativity or trend')
      .option('--stage <id>', 'journey stage, e.g. onboarding (default: all stages)')
      .option('--sort <by>', `${THEME_SORTS.join(', ')} (neg_per_100: negative mentions per 100 documents, as the report ranks)`, 'neg_per_100')
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
      else process.stdout.write(`${formatTable(HEADER, ranks.map((r) => row(r, t.params.trailingMonths)))}\n${LEGEND}\n`);
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
