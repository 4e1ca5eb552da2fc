import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { aggregatePipeline, queryMatrix } from '../src/aggregate/pipeline.js';
import { findQuotes, rankThemes } from '../src/aggregate/query.js';
import { parseAggregateConfig, parseExports } from '../src/config/aggregate.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { excelSafe, toCsv } from '../src/report/csv.js';
import { heatmapExportText, quotesExportText } from '../src/report/exports.js';
import { runExports } from '../src/report/exports-config.js';
import { addRun, TestDb } from './aggregate-db.js';

const params = parseAggregateConfig({});
let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

/** Two plans, two months, two stages; billing complaints only on Basic in July. */
function db(): TestDb {
  const d = new TestDb();
  d.addTheme('billing', null, 'Billing').addTheme('double-charge', 'billing', 'Double charge').addTheme('delivery', null, 'Delivery');
  d.addDoc({ createdAt: '2026-06-03T10:00:00Z', attributes: { plan: 'Premium' }, segments: [{ text: 'Delivery was quick and friendly.', sentiment: 'positive', stage: 'onboarding', themes: ['delivery'] }] });
  d.addDoc({ createdAt: '2026-06-20T10:00:00Z', attributes: { plan: 'Basic' }, segments: [{ text: 'Box arrived late, again, third week running.', sentiment: 'negative', score: -0.8, stage: 'onboarding', themes: ['delivery'] }] });
  d.addDoc({ createdAt: '2026-07-02T10:00:00Z', attributes: { plan: 'Basic' }, segments: [{ text: '=HYPERLINK("http://evil.example","click") charged twice', sentiment: 'negative', score: -0.9, stage: 'purchase', themes: ['double-charge'] }] });
  d.addDoc({ createdAt: '2026-07-09T10:00:00Z', attributes: { plan: 'Basic' }, segments: [{ text: '-1 star: billed twice, "fix it", now', sentiment: 'negative', score: -0.7, stage: 'purchase', themes: ['billing'] }] });
  d.addDoc({ createdAt: '2026-07-15T10:00:00Z', attributes: { plan: 'Premium' }, segments: [{ text: '+ the invoice is clear', sentiment: 'positive', score: 0.5, stage: 'purchase', themes: ['billing'] }] });
  return d;
}

describe('heatmap queries', () => {
  it('recomputes with date and attribute filters', () => {
    t = db();
    const all = queryMatrix(t.db, { rows: 'stage', cols: 'theme' }, {}, params);
    const cell = (m: typeof all, r: string, c: string) => m.cells.find((x) => x.rowKey === r && x.colKey === c);
    expect(cell(all, 'purchase', 'billing')!.mentions).toBe(3);
    expect(all.rowKeys).toEqual(['purchase', 'onboarding']); // journey order, not alphabetical
    const basic = queryMatrix(t.db, { rows: 'stage', cols: 'theme' }, { where: { plan: 'Basic' } }, params);
    expect(cell(basic, 'purchase', 'billing')!.mentions).toBe(2);
    expect(cell(basic, 'purchase', 'billing')!.negativeShare).toBe(1);
    const june = queryMatrix(t.db, { rows: 'stage', cols: 'theme' }, { since: '2026-06', until: '2026-06-30' }, params);
    expect(june.cells.map((c) => `${c.rowKey}/${c.colKey}`)).toEqual(['onboarding/delivery']);
    expect(cell(june, 'onboarding', 'delivery')!.negativeShare).toBe(0.5);
    const byTheme = queryMatrix(t.db, { rows: 'stage', cols: 'theme' }, { where: { theme: 'double-charge' } }, params);
    expect(byTheme.cells.map((c) => c.colKey).sort()).toEqual(['billing', 'double-charge']);
  });

  it('ranks themes for a stage and finds quotes with provenance', () => {
    t = db();
    const ranks = rankThemes(t.db, { stage: 'purchase', sort: 'pain', limit: 10 }, params);
    expect(ranks.map((r) => r.theme)).toEqual(['billing', 'double-charge']);
    expect(ranks[1]!.parentLabel).toBe('Billing');
    expect(() => rankThemes(t!.db, { stage: 'nowhere', sort: 'pain', limit: 10 }, params)).toThrow(/No analysed segments for stage "nowhere"/);
    const quotes = findQuotes(t.db, { theme: 'billing', stage: 'purchase', sentiment: 'negative', limit: 10 });
    expect(quotes.map((q) => q.sentimentScore)).toEqual([-0.9, -0.7]);
    expect(quotes[0]!).toMatchObject({ source: 'survey-a', externalId: 'R3', locator: 'line 4', charStart: 0 });
    expect(findQuotes(t.db, { theme: 'billing', sentiment: 'positive', limit: 10 }).map((q) => q.text)).toEqual(['+ the invoice is clear']);
  });
});

describe('voc themes --sort neg_per_100', () => {
  /**
   * Six documents, all at Support. Records: one long narrative with five negative comments.
   * Delays: two one-line complaints and one compliment. Support: one ticket with three negative
   * comments and one with one. By hand, D = 6 documents: negative mentions per 100 documents are
   * support 100 * 2/6 = 33.33, delays 33.33, records 100 * 1/6 = 16.67. The pain index counts
   * comments: records (5 of 5 negative) > support (4 of 4) > delays (2 of 3).
   */
  function perDocs(): TestDb {
    const d = new TestDb();
    d.addTheme('records', null, 'Records').addTheme('delays', null, 'Delays').addTheme('support', null, 'Support');
    const neg = (text: string, theme: string) => ({ text, sentiment: 'negative' as const, stage: 'support', themes: [theme] });
    d.addDoc({ segments: ['One.', 'Two.', 'Three.', 'Four.', 'Five.'].map((x) => neg(`Wrong record ${x}`, 'records')) });
    d.addDoc({ segments: [neg('Waited an hour.', 'delays')] });
    d.addDoc({ segments: [neg('Still waiting.', 'delays')] });
    d.addDoc({ segments: [neg('Nobody helped.', 'support'), neg('Transferred again.', 'support'), neg('Hung up on.', 'support')] });
    d.addDoc({ segments: [neg('No answer from support.', 'support')] });
    d.addDoc({ segments: [{ text: 'Quick as promised.', sentiment: 'positive', stage: 'support', themes: ['delays'] }] });
    return d;
  }

  it('ranks by negative documents per 100 documents, ties by pain index (the report cards\' order)', () => {
    t = perDocs();
    for (const stage of [undefined, 'support']) {
      const ranks = rankThemes(t.db, { stage, sort: 'neg_per_100', limit: 10 }, params);
      expect(ranks.map((r) => [r.theme, r.negPer100])).toEqual([['support', 33.33], ['delays', 33.33], ['records', 16.67]]);
      // The tie: support over delays by pain index, although "delays" sorts first alphabetically.
      expect(ranks[0]!.painIndex).toBeGreaterThan(ranks[1]!.painIndex);
    }
    const byPain = rankThemes(t.db, { sort: 'pain', limit: 10 }, params);
    expect(byPain.map((r) => r.theme)).toEqual(['records', 'support', 'delays']);
  });

  it('gives the same order from the stored aggregate as computed on the fly', () => {
    t = perDocs();
    const config = PipelineConfig.parse({ name: 't', sources: [{ name: 'survey-a', kind: 'survey', paths: 'a.csv' }] });
    aggregatePipeline(t.db, config, addRun(t.db));
    for (const stage of [undefined, 'support']) {
      const stored = rankThemes(t.db, { stage, sort: 'neg_per_100', limit: 10 }, params);
      const live = rankThemes(t.db, { stage, since: '2000-01-01', sort: 'neg_per_100', limit: 10 }, params);
      expect(stored.map((r) => [r.theme, r.negPer100])).toEqual([['support', 33.33], ['delays', 33.33], ['records', 16.67]]);
      expect(stored).toEqual(live);
    }
  });
});

describe('exports', () => {
  it('protects spreadsheet cells from formulas but keeps numbers', () => {
    expect(excelSafe('=1+1')).toBe("'=1+1");
    expect(excelSafe('+33 6 12')).toBe("'+33 6 12");
    expect(excelSafe('-x')).toBe("'-x");
    expect(excelSafe('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(excelSafe('\tcmd')).toBe("'\tcmd");
    expect(excelSafe('\rcmd')).toBe("'\rcmd");
    expect(excelSafe(-0.5)).toBe(-0.5);
    expect(excelSafe('plain, "quoted"')).toBe('plain, "quoted"');
    expect(toCsv(['a'], [['x']], true).charCodeAt(0)).toBe(0xfeff);
  });

  it('writes customer text in quote CSVs safely and parseably', () => {
    t = db();
    const { text } = quotesExportText(t.db, { theme: 'billing', sentiment: 'any', limit: 10 }, 'csv');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const texts = rows.map((r) => r.text);
    expect(texts).toContain('\'=HYPERLINK("http://evil.example","click") charged twice');
    expect(texts).toContain('\'-1 star: billed twice, "fix it", now');
    expect(texts).toContain("'+ the invoice is clear");
    expect(rows[0]!.document_id).toMatch(/^\d+$/);
  });

  it('writes wide, long and JSON heatmaps', () => {
    t = db();
    const wide = parse(heatmapExportText(t.db, { rows: 'stage', cols: 'theme', metric: 'mentions', long: false, format: 'csv' }, params).text) as string[][];
    expect(wide[0]).toEqual(['stage', 'label', 'billing', 'double-charge', 'delivery']);
    expect(wide[1]).toEqual(['purchase', 'Purchase', '3', '1', '']);
    const long = parse(heatmapExportText(t.db, { rows: 'stage', cols: 'theme', long: true, format: 'csv' }, params).text, { columns: true }) as Record<string, string>[];
    const pain = long.find((r) => r.row_key === 'purchase' && r.col_key === 'billing' && r.metric === 'negative_share');
    expect(Number(pain!.value)).toBeCloseTo(0.6667, 4);
    // 17 built-in metrics, then per emotion (7 built in) its share, low, high, segments and z.
    expect(new Set(long.map((r) => r.metric)).size).toBe(17 + 7 * 5);
    const json = JSON.parse(heatmapExportText(t.db, { rows: 'stage', cols: 'theme', long: false, format: 'json', where: { plan: 'Basic' } }, params).text) as { cells: { row: string; col: string; mentions: number }[] };
    expect(json.cells.find((c) => c.row === 'purchase' && c.col === 'billing')!.mentions).toBe(2);
  });

  it('runs the configured exports list and the default report', () => {
    t = db();
    const out = mkdtempSync(join(tmpdir(), 'voc-exp-'));
    try {
      const config = PipelineConfig.parse({
        name: 'Kestrel', root: out, outputDir: out, sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }],
        exports: [
          { type: 'heatmap', rows: 'stage', cols: 'theme', metric: 'pain', out: 'pain.csv' },
          { type: 'heatmap', long: true, out: 'pain-long.csv' },
          { type: 'quotes', theme: 'billing', out: 'billing.json', format: 'json' },
        ],
      });
      aggregatePipeline(t.db, config, addRun(t.db));
      const results = runExports(t.db, config);
      expect(results.map((r) => [r.type, r.path])).toEqual([
        ['heatmap', join(out, 'pain.csv')],
        ['heatmap', join(out, 'pain-long.csv')],
        ['quotes', join(out, 'billing.json')],
        ['report', join(out, 'report.html')],
      ]);
      expect(readFileSync(join(out, 'pain.csv'), 'utf8').split('\n')[0]).toBe('stage,label,billing,double-charge,delivery');
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
      expect(() => parseExports([{ type: 'heatmap', metric: 'joy', out: 'x.csv' }])).toThrow(/exports: section/);
      // outputDir and export paths stay under the working directory or root unless allowed.
      expect(() => runExports(t!.db, { ...config, outputDir: join(out, '../..') })).toThrow(/is outside the working directory .* and the pipeline root/);
      expect(() => runExports(t!.db, { ...config, exports: parseExports([{ type: 'heatmap', out: '../escape.csv' }]) })).toThrow(/export "\.\.\/escape\.csv" .* is outside/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
