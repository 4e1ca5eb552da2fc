/** The aggregation commands end to end on a real database file: flags, output, errors. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerAggregate } from '../src/cli/aggregate.js';
import { registerExport } from '../src/cli/export.js';
import { registerHeatmap } from '../src/cli/heatmap.js';
import { registerQuotes } from '../src/cli/quotes.js';
import { registerReport } from '../src/cli/report.js';
import { registerThemes } from '../src/cli/themes.js';
import { TestDb } from './aggregate-db.js';
import { vocInProcess } from './helpers/cli-in-process.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
  vi.restoreAllMocks();
});

const voc = (...args: string[]): Promise<string> => vocInProcess([registerAggregate, registerHeatmap, registerThemes, registerQuotes, registerExport, registerReport], args);

function data(): TestDb {
  const d = new TestDb();
  d.addTheme('billing', null, 'Billing').addTheme('delivery', null, 'Delivery');
  d.addDoc({ createdAt: '2026-06-03T10:00:00Z', attributes: { plan: 'Basic' }, segments: [{ text: 'The box was late and the ice had melted.', sentiment: 'negative', stage: 'onboarding', touchpoint: 'delivery', themes: ['delivery'] }] });
  d.addDoc({ createdAt: '2026-07-03T10:00:00Z', attributes: { plan: 'Premium' }, segments: [{ text: 'Charged twice for one box this month.', sentiment: 'negative', stage: 'purchase', touchpoint: 'billing', themes: ['billing'] }] });
  d.addDoc({ createdAt: '2026-07-05T10:00:00Z', attributes: { plan: 'Basic' }, segments: [{ text: 'Delivery was on time and the courier was nice.', sentiment: 'positive', stage: 'onboarding', touchpoint: 'delivery', themes: ['delivery'] }] });
  return d;
}

describe('voc aggregate / heatmap / themes / quotes / export / report', () => {
  it('aggregates, then queries and exports', async () => {
    t = data();
    const db = t.path;
    t.db.close(); // the commands open the file themselves
    expect(await voc('aggregate', '--db', db)).toMatch(/Aggregate 1: 3 segments from 3 documents/);

    const csv = parse(await voc('heatmap', '--db', db, '--rows', 'stage', '--cols', 'theme', '--metric', 'mentions', '--format', 'csv')) as string[][];
    expect(csv).toEqual([
      ['stage', 'label', 'billing', 'delivery'],
      ['purchase', 'Purchase', '1', ''],
      ['onboarding', 'Onboarding', '', '2'],
    ]);
    const table = await voc('heatmap', '--db', db, '--rows', 'theme', '--cols', 'stage', '--metric', 'negative_share', '--where', 'plan=Basic', '--no-color');
    expect(table).toMatch(/Delivery\s+50%/);
    expect(table).not.toContain('\x1b[');
    expect(await voc('heatmap', '--db', db, '--since', '2026-07-04', '--format', 'json')).toContain('"mentions": 1');

    const themes = await voc('themes', '--db', db, '--stage', 'onboarding');
    expect(themes).toMatch(/Delivery\s+delivery\s+2\s+50%/);
    const quotes = await voc('quotes', '--db', db, '--theme', 'delivery', '--limit', '5');
    expect(quotes).toContain('"The box was late and the ice had melted."');
    expect(quotes).toMatch(/survey-a · id R1 · line 2 · doc \d+ · chars 0-40/);

    const out = join(t.dir, 'out', 'long.csv');
    // Outputs are confined to the working directory and the root unless allowed explicitly.
    await expect(voc('export', 'heatmap', '--db', db, '--long', '--out', out)).rejects.toThrow(/--out ".*long\.csv" is outside the working directory .*--allow-outside/);
    expect(existsSync(out)).toBe(false);
    expect(await voc('export', 'heatmap', '--db', db, '--long', '--out', out, '--allow-outside')).toMatch(/wrote .*long\.csv \(\d+ rows/);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('matrix,row_dim,row_key,row_label,col_dim,col_key,col_label,metric,value');
    const html = join(t.dir, 'out', 'report.html');
    expect(await voc('report', '--db', db, '--out', html, '--title', 'Test', '--allow-outside')).toMatch(/wrote .*report\.html/);
    expect(existsSync(html)).toBe(true);
  });

  it('voc themes ranks by negative mentions per 100 documents by default, and says what each number is', async () => {
    // One narrative of five negative comments (1 document of 3: 33.3 per 100) against two one-line
    // complaints (2 of 3: 66.7 per 100). The pain index counts comments and puts the narrative first.
    const d = new TestDb();
    d.addTheme('narrative', null, 'Narrative').addTheme('oneliner', null, 'One-liner');
    d.addDoc({ segments: [1, 2, 3, 4, 5].map((k) => ({ text: `Wrong again, part ${k}.`, sentiment: 'negative' as const, stage: 'support', themes: ['narrative'] })) });
    d.addDoc({ segments: [{ text: 'Nobody answers.', sentiment: 'negative', stage: 'support', themes: ['oneliner'] }] });
    d.addDoc({ segments: [{ text: 'Still nobody answers.', sentiment: 'negative', stage: 'support', themes: ['oneliner'] }] });
    t = d;
    const order = (out: string): string[] => out.split('\n').map((l) => /^(Narrative|One-liner)\s/.exec(l)?.[1]).filter((x): x is string => !!x);
    const byDefault = await voc('themes', '--db', d.path);
    expect(order(byDefault)).toEqual(['One-liner', 'Narrative']);
    expect(byDefault).toMatch(/One-liner\s+oneliner\s+2\s+100%\s+\S+\s+66\.7\s/);
    expect(byDefault).toMatch(/Narrative\s+narrative\s+5\s+100%\s+\S+\s+33\.3\s/);
    expect(byDefault).toContain('neg/100 docs: documents with a negative comment on the theme per 100 documents in scope');
    expect(order(await voc('themes', '--db', d.path, '--sort', 'neg_per_100', '--stage', 'support'))).toEqual(['One-liner', 'Narrative']);
    expect(order(await voc('themes', '--db', d.path, '--sort', 'pain'))).toEqual(['Narrative', 'One-liner']);
    const json = JSON.parse(await voc('themes', '--db', d.path, '--format', 'json')) as Array<{ theme: string; negPer100: number }>;
    expect(json.map((r) => [r.theme, r.negPer100])).toEqual([['oneliner', 66.67], ['narrative', 33.33]]);
    await expect(voc('themes', '--db', d.path, '--sort', 'per100')).rejects.toThrow(/--sort/);
  });

  it('rejects bad flags and missing databases with clear messages', async () => {
    t = data();
    await expect(voc('heatmap', '--db', t.path, '--metric', 'joy')).rejects.toThrow(/--metric/);
    await expect(voc('heatmap', '--db', t.path, '--rows', 'stage', '--cols', 'stage')).rejects.toThrow(/--cols: rows and cols must differ/);
    await expect(voc('heatmap', '--db', t.path, '--since', 'last week')).rejects.toThrow(/--since: a date/);
    await expect(voc('heatmap', '--db', t.path, '--where', 'plan')).rejects.toThrow(/field=value/);
    await expect(voc('heatmap', '--db', join(t.dir, 'nope.sqlite'))).rejects.toThrow(/No database at/);
    await expect(voc('report', '--db', t.path, '--out', join(t.dir, 'r.html'), '--allow-outside')).rejects.toThrow(/No aggregate in this database yet/);
    // `themes suggest` gets its own --config although `themes` has one too.
    await expect(voc('themes', 'suggest', '--config', join(t.dir, 'missing.yaml'))).rejects.toThrow(/Cannot read pipeline config/);
  });
});
