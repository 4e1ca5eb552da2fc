/** `voc quotes`: evidence quotes with the document they came from (source, locator, offsets). */
import type { Command } from 'commander';
import { z } from 'zod';
import { parseWhere } from '../aggregate/facts.js';
import { findQuotes, type QuoteResult } from '../aggregate/query.js';
import { toCsv } from '../report/csv.js';
import { QUOTE_HEADER, quoteRow } from '../report/exports.js';
import { parseOptions } from './common.js';
import { DbFlags, openTarget } from '../pipeline/query.js';
import { FilterFlags, withQueryFlags } from './heatmap.js';

const QuotesOptions = z.object({
  ...DbFlags,
  ...FilterFlags,
  theme: z.string().min(1).optional(),
  stage: z.string().min(1).optional(),
  touchpoint: z.string().min(1).optional(),
  emotion: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'an emotion id or short name, e.g. frustration').optional(),
  sentiment: z.enum(['negative', 'neutral', 'positive', 'any']).default('negative'),
  limit: z.coerce.number().int().min(1).max(100_000).default(10),
  format: z.enum(['text', 'csv', 'json']).default('text'),
});

function formatQuote(q: QuoteResult, i: number): string {
  const where = [q.source, q.externalId ? `id ${q.externalId}` : null, q.locator, `doc ${q.documentId}`, `chars ${q.charStart}-${q.charEnd}`, q.createdAt?.slice(0, 10)]
    .filter(Boolean)
    .join(' · ');
  const tags = [q.stage, q.touchpoint, q.themes.join(',') || 'unassigned', `${q.sentiment} ${q.sentimentScore.toFixed(2)}`, q.emotions.join(',')].filter(Boolean).join(' · ');
  return `${String(i + 1).padStart(3)}. "${q.text}"\n     ${where}\n     ${tags}`;
}

export function registerQuotes(program: Command): void {
  withQueryFlags(
    program
      .command('quotes')
      .description('Show evidence quotes for a theme / stage / touchpoint, with where each came from')
      .option('--theme <id>', 'theme id (child themes count for their parent)')
      .option('--stage <id>', 'journey stage')
      .option('--touchpoint <id>', 'touchpoint')
      .option('--emotion <id>', 'only segments showing this emotion, strongest first (frustration, confusion, disappointment, worry, joy, gratitude, surprise); use with --sentiment any')
      .option('--sentiment <s>', 'negative, neutral, positive or any', 'negative')
      .option('--limit <n>', 'how many quotes', '10')
      .option('--format <fmt>', 'text, csv or json', 'text'),
  ).action((raw: unknown) => {
    const o = parseOptions(QuotesOptions, raw);
    const t = openTarget(o);
    try {
      const quotes = findQuotes(t.db, { ...o, where: parseWhere(o.where) });
      if (o.format === 'json') process.stdout.write(`${JSON.stringify(quotes, null, 2)}\n`);
      else if (o.format === 'csv') process.stdout.write(toCsv(QUOTE_HEADER, quotes.map(quoteRow)));
      else process.stdout.write(quotes.length ? `${quotes.map(formatQuote).join('\n\n')}\n` : 'No quotes match.\n');
    } finally {
      t.db.close();
    }
  });
}
