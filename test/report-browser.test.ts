/**
 * The HTML report in a real browser (Debian's chromium): it renders without any network request,
 * a click on a cell shows its quotes, hostile customer text stays text, and with the filter bar
 * (source; kind + months; an attribute) the journey cards, heatmap cells and per-source spikes on
 * screen equal `voc heatmap --where/--since/--until` for the same database.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { aggregatePipeline } from '../src/aggregate/pipeline.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { writeReport } from '../src/report/html.js';
import { registerHeatmap } from '../src/cli/heatmap.js';
import { DEFAULT_EMOTIONS } from '../src/aggregate/emotions.js';
import { addRun } from './aggregate-db.js';
import { HOSTILE, sampleDb } from './report-sample.js';
import { vocInProcess } from './helpers/cli-in-process.js';

/** `voc heatmap --rows stage --cols all --metric <metric> --format csv` in-process: stage -> value. */
async function heatmapByStage(db: string, metric: string): Promise<Map<string, number>> {
  const out = await vocInProcess([registerHeatmap], ['heatmap', '--db', db, '--rows', 'stage', '--cols', 'all', '--metric', metric, '--format', 'csv']);
  const rows = parse(out) as string[][];
  return new Map(rows.slice(1).map((r) => [r[0]!, Number(r[2])]));
}

interface CliCell {
  row: string;
  col: string;
  mentions: number;
  documents: number;
  neg_per_100: number;
  neg_per_100_low: number;
  negative_share: number;
  z_score: number | null;
  anomaly: boolean;
}

/** `voc heatmap --rows <rows> --cols <cols> --format json <flags>` in-process: its cells. */
async function heatmapCells(db: string, rows: string, cols: string, flags: string[]): Promise<CliCell[]> {
  const out = await vocInProcess([registerHeatmap], ['heatmap', '--db', db, '--rows', rows, '--cols', cols, '--format', 'json', ...flags]);
  return (JSON.parse(out) as { cells: CliCell[] }).cells;
}

async function launch(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1400, height: 1000 },
  });
}

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// On CI (CI=true) a missing browser fails the suite: a CI run must not pass by skipping it.
const onCi = process.env.CI === 'true';
if (!hasChromium && !onCi) console.warn(`report-browser: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.runIf(!hasChromium && onCi)('HTML report in chromium, on CI', () => {
  it('needs Debian chromium', () => {
    expect.fail(`CI=true but ${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium`);
  });
});

describe.skipIf(!hasChromium)('HTML report in chromium', () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  let reportUrl: string;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  /** What `voc heatmap --rows stage --cols all` prints for the same database, per metric. */
  const cli = new Map<string, Map<string, number>>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voc-report-'));
    const t = sampleDb();
    const config = PipelineConfig.parse({ name: 'Kestrel Kitchen', sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }] });
    aggregatePipeline(t.db, config, addRun(t.db));
    const out = join(dir, 'report.html');
    writeReport(t.db, out, { title: 'Kestrel Kitchen' });
    for (const m of ['mentions', 'documents', 'neg_per_100', 'sentiment', ...DEFAULT_EMOTIONS.map((e) => `emotion:${e}`)]) {
      cli.set(m, await heatmapByStage(t.path, m));
    }
    cli.set('emotion:frustration', await heatmapByStage(t.path, 'emotion:frustration'));
    t.close();
    reportUrl = pathToFileURL(out).href;
    context = await launch(dir);
    // Record and block everything except the report file itself.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === reportUrl) return route.continue();
      requests.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => {
      if (r.url() !== reportUrl) requests.push(r.url());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    // The CSP would block a request before the router sees it; its console error still counts.
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
    });
    await page.goto(reportUrl);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
  });

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders the heatmaps with numbers and makes no network request', async () => {
    const cells = page.locator('table.hm[data-matrix="stage_theme"] td.cell[data-row]');
    expect(await cells.count()).toBeGreaterThan(10);
    const late = page.locator('table.hm[data-matrix="stage_theme"] td[data-row="late-box"][data-col="onboarding"]');
    // The default measure: negative mentions per 100 documents, one decimal.
    expect(await late.textContent()).toMatch(/^\d+\.\d$/);
    type Win = { getComputedStyle(e: unknown): { backgroundColor: string }; __pwned?: number };
    const bg = await late.evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e).backgroundColor);
    expect(bg).toMatch(/^rgb\(/);
    expect(await page.locator('table.hm[data-matrix="stage_touchpoint"] td.cell[data-row]').count()).toBeGreaterThan(3);
    expect(await page.locator('#summary .card').count()).toBeGreaterThan(0);
    // Scores named by their scale: NPS from the 0-10 survey, the tickets' 1-5 CSAT as a mean CSAT.
    const facts = await page.locator('#head .facts').textContent();
    expect(facts).toMatch(/NPS [+-]?\d+ \(\d+ responses, 0-10 likelihood to recommend\)/);
    expect(facts).toMatch(/mean CSAT \d\.\d \(1-5\), \d+ ratings/);
    // Cards show distinct quotes.
    const cardQuotes = await page.locator('#summary .card blockquote').allTextContents();
    expect(cardQuotes.length).toBeGreaterThan(1);
    expect(new Set(cardQuotes).size).toBe(cardQuotes.length);
    expect(await page.locator('#summary .card .per100').first().textContent()).toMatch(/^\d+\.\d negative per 100 documents \(\d+\.\d–\d+\.\d\)$/);
    // The ranking measure is on screen with its unit wherever the ranking is: the lede, the cards, the table.
    const first = (await page.locator('#summary .card .per100').first().textContent())!.replace(/ negative per 100 documents /, ' ');
    expect(await page.locator('#summary .lede').textContent()).toContain(`${first.replace(/ \((.*)–(.*)\)/, ' negative mentions per 100 documents (95% CI $1–$2)')};`);
    expect(await page.locator('#top thead th:nth-child(4)').textContent()).toBe('Negative per 100 documents (95% CI)');
    expect(await page.locator('#top tbody tr:first-child td:nth-child(4)').textContent()).toBe(first);
    expect(await page.locator('#summary .card .card-stats').first().textContent()).toMatch(/^\d+% negative of \d+ comments/);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('draws the journey map in stage order with the numbers voc heatmap --rows stage gives', async () => {
    const order = await page.locator('#journey .journey-stages .stage').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
    expect(order).toEqual(['awareness', 'consideration', 'purchase', 'onboarding', 'usage', 'support', 'retention', 'advocacy']);
    // Unassigned is kept apart, greyed, and has no pain colour or ranking.
    const apart = page.locator('#journey .journey-apart .stage.unassigned');
    expect(await apart.getAttribute('data-stage')).toBe('unassigned');
    expect(await apart.locator('.stage-pain').evaluate((e) => (e as unknown as { style: { background: string } }).style.background)).toBe('');
    expect(await apart.locator('.stage-pains').count()).toBe(0);

    // Every point of the emotion curve is the share `voc heatmap --metric emotion:<id>` prints.
    const dots = await page.locator('#journey svg.curve circle.emo-dot').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-stage')!, e.getAttribute('data-emotion')!, Number(e.getAttribute('data-share'))] as const),
    );
    expect(dots.length).toBeGreaterThanOrEqual(order.length * 4);
    for (const [stage, emotion, share] of dots) expect([stage, emotion, share]).toEqual([stage, emotion, cli.get(`emotion:${emotion}`)!.get(stage)]);
    // `emotion:frustration` is the short name of frustration-anger.
    expect(cli.get('emotion:frustration')).toEqual(cli.get('emotion:frustration-anger'));
    for (const stage of [...order, 'unassigned']) {
      const card = page.locator(`#journey .stage[data-stage="${stage}"]`);
      const vol = await card.locator('.stage-vol').textContent();
      expect(vol).toBe(`${cli.get('mentions')!.get(stage)} comments · ${cli.get('documents')!.get(stage)} documents`);
      expect(Number(await card.locator('.stage-pain').getAttribute('data-value'))).toBe(cli.get('neg_per_100')!.get(stage));
      expect(await card.locator('.stage-pain .big').textContent()).toBe(cli.get('neg_per_100')!.get(stage)!.toFixed(1));
      expect(Number(await card.locator('.stage-sent').getAttribute('data-value'))).toBe(cli.get('sentiment')!.get(stage));
      // Dominant emotions: the highest shares, as the CLI's percentages.
      const chips = await card.locator('button.emo').evaluateAll((els) => els.map((e) => [e.getAttribute('data-emotion')!, e.textContent!] as const));
      expect(chips.length).toBeGreaterThan(0);
      const shares = DEFAULT_EMOTIONS.map((e) => cli.get(`emotion:${e}`)!.get(stage)!);
      expect(Number(await card.locator('button.emo').first().getAttribute('data-share'))).toBe(Math.max(...shares));
      for (const [emotion, text] of chips) expect(text).toMatch(new RegExp(` ${Math.round(cli.get(`emotion:${emotion}`)!.get(stage)! * 100)}%$`));
    }
    expect(errors).toEqual([]);
  });

  it('shows a stage’s or an emotion’s quotes on click, customer text as text', async () => {
    await page.click('#journey .stage[data-stage="support"] button.stage-name');
    const detail = page.locator('#journey-detail');
    expect(await detail.locator('h3').textContent()).toBe('Support');
    expect((await detail.locator('blockquote').allTextContents()).join(' ')).toMatch(/phone|chat|bot|agent|support/i);
    await page.click('#journey .stage[data-stage="onboarding"] button.emo[data-emotion="frustration-anger"]');
    expect(await detail.locator('h3').textContent()).toMatch(/^Frustration: \d+% of \d+ comments$/);
    const texts = await detail.locator('blockquote').allTextContents();
    expect(texts[0]).toBe(HOSTILE);
    await page.click('#journey svg.curve circle.emo-dot[data-stage="usage"][data-emotion="satisfaction-joy"]');
    expect(await detail.getAttribute('data-emotion')).toBe('satisfaction-joy');
    expect(await detail.locator('blockquote').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('colours per-100 pain around the average cell, greys unassigned and says so in words', async () => {
    await page.click('button.metric-btn[data-metric="per100"]');
    type Css = { getComputedStyle(e: unknown): { backgroundColor: string } };
    const rgbOf = async (sel: string): Promise<number[]> =>
      (await page.locator(sel).evaluate((e) => (globalThis as unknown as Css).getComputedStyle(e).backgroundColor)).match(/\d+/g)!.map(Number);
    const cells = await page.locator('table.hm[data-matrix="stage_touchpoint"] td.cell[data-row]').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-row')!, e.getAttribute('data-col')!, Number(e.textContent)] as const),
    );
    const ranked = cells.filter(([r, c]) => r !== 'unassigned' && c !== 'unassigned');
    const worst = ranked.reduce((a, b) => (b[2] > a[2] ? b : a));
    const least = ranked.reduce((a, b) => (b[2] < a[2] ? b : a));
    const [wr, , wb] = await rgbOf(`table.hm[data-matrix="stage_touchpoint"] td[data-row="${worst[0]}"][data-col="${worst[1]}"]`);
    const [lr, , lb] = await rgbOf(`table.hm[data-matrix="stage_touchpoint"] td[data-row="${least[0]}"][data-col="${least[1]}"]`);
    expect(wr!).toBeGreaterThan(wb! + 50); // red: above the average
    expect(lb!).toBeGreaterThan(lr! + 50); // blue: below it
    const grey = page.locator('table.hm[data-matrix="stage_touchpoint"] tr.unassigned td.cell[data-row]').first();
    expect(await grey.evaluate((e) => (e as unknown as { style: { background: string } }).style.background)).toBe('');
    expect(await grey.getAttribute('class')).toContain('unassigned');
    const legend = await page.locator('#legend').textContent();
    expect(legend).toMatch(/below the average cell.*above the average \(\d+\.\d\).*grey = unassigned, counted but not ranked/);
    expect(await page.locator('#metric-definition').textContent()).toMatch(/^Negative per 100 documents: of every 100 documents/);
    // Trends read as a ratio to the trailing mean: the app crashes rise in the last months.
    const trends = await page.locator('#top tbody tr td:last-child').allTextContents();
    expect(trends.some((x) => /^(spike|rising): \d+\.\dx its trailing 3-month mean \(z -?\d+\.\d\)$/.test(x))).toBe(true);
    // Unassigned never tops the pain points.
    const topStages = await page.locator('#top tbody tr td:nth-child(3)').allTextContents();
    expect(topStages).not.toContain('Unassigned');
  });

  it('switches the metric and shows a cell’s quotes on click', async () => {
    await page.click('button.metric-btn[data-metric="negShare"]');
    const crash = page.locator('table.hm[data-matrix="stage_theme"] td[data-row="app-crash"][data-col="usage"]');
    expect(await crash.textContent()).toMatch(/^\d+%$/);
    await crash.click();
    const detail = page.locator('#detail');
    await expect.poll(() => detail.locator('h3').textContent()).toBe('App crashes');
    const quotes = await detail.locator('figure.quote blockquote').allTextContents();
    expect(quotes.length).toBeGreaterThan(0);
    // Colour by an emotion: every crash comment is frustrated, no recipe comment is.
    await page.selectOption('#emotion-metric', 'emo:frustration-anger');
    expect(await crash.textContent()).toBe('100%');
    expect(await page.locator('table.hm[data-matrix="stage_theme"] td[data-row="recipes"][data-col="usage"]').textContent()).toBe('0%');
    expect(await page.locator('#metric-definition').textContent()).toMatch(/^Frustration: share of the cell’s comments/);
    await page.click('button.metric-btn[data-metric="negShare"]');
    // The cell's emotions with their intervals: every crash comment is frustrated.
    expect(await detail.locator('dl.stats').textContent()).toMatch(/Emotions \(share of comments, 95% CI\)Frustration 100% \(\d+%–100%\)/);
    expect(quotes.join(' ')).toMatch(/app/i);
    expect(await detail.locator('figcaption').first().textContent()).toMatch(/nps-survey|zendesk-tickets/);
  });

  it('hides and shows sub-themes', async () => {
    const child = page.locator('table.hm[data-matrix="stage_theme"] tr.child').first();
    expect(await child.isVisible()).toBe(true);
    await page.click('#show-children');
    expect(await child.isVisible()).toBe(false);
    expect(await page.locator('table.hm[data-matrix="stage_theme"] th.row', { hasText: 'Delivery' }).isVisible()).toBe(true);
    await page.click('#show-children');
    expect(await child.isVisible()).toBe(true);
  });

  it('shows hostile customer text as text and runs none of it', async () => {
    await page.click('table.hm[data-matrix="stage_theme"] td[data-row="late-box"][data-col="onboarding"]');
    const texts = await page.locator('#detail figure.quote blockquote').allTextContents();
    expect(texts).toContain(HOSTILE);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('body script').count()).toBe(2); // the JSON data and our own script only
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('HTML report filters in chromium', () => {
  let dir: string;
  let narrowUrl: string;
  let dbPath: string;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let close: () => void = () => {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voc-report-filter-'));
    const t = sampleDb();
    const config = PipelineConfig.parse({
      name: 'Kestrel Kitchen', sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }], aggregate: { attributes: ['plan'] },
    });
    aggregatePipeline(t.db, config, addRun(t.db));
    const out = join(dir, 'report.html');
    writeReport(t.db, out, { title: 'Kestrel Kitchen' });
    // The same report with a filter budget too small for the plan attribute.
    const narrow = join(dir, 'report-narrow.html');
    expect(writeReport(t.db, narrow, { title: 'Kestrel Kitchen', params: { ...config.aggregate, reportFilterGroups: 1 } }).notFilterable).toEqual(['plan']);
    narrowUrl = pathToFileURL(narrow).href;
    dbPath = t.path;
    close = () => t.close();
    const url = pathToFileURL(out).href;
    context = await launch(dir);
    await context.route('**/*', (route) => ([url, narrowUrl].includes(route.request().url()) ? route.continue() : route.abort()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
  });

  afterAll(async () => {
    await context?.close();
    close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Sets the filter bar: select id -> value ('' = all). */
  async function setFilter(values: Record<string, string>): Promise<void> {
    for (const [id, value] of Object.entries(values)) await page.selectOption(`#${id}`, value);
  }

  /** Journey cards and stage x theme heatmap cells on screen equal `voc heatmap <flags>` for the same data. */
  async function expectSameAsCli(flags: string[]): Promise<void> {
    expect((await page.locator('#filters').getAttribute('data-where'))!.split(' ').filter(Boolean)).toEqual(flags);
    const stages = await heatmapCells(dbPath, 'stage', 'all', flags);
    expect(stages.length).toBeGreaterThan(2);
    const cards = await page.locator('#journey .stage').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')!));
    expect(cards.sort()).toEqual(stages.map((c) => c.row).sort());
    for (const c of stages) {
      const card = page.locator(`#journey .stage[data-stage="${c.row}"]`);
      expect(await card.locator('.stage-vol').textContent()).toBe(`${c.mentions} comments · ${c.documents} documents`);
      expect(await card.locator('.stage-pain .big').textContent()).toBe(c.neg_per_100.toFixed(1));
      expect(Number(await card.locator('.stage-pain').getAttribute('data-value'))).toBe(c.neg_per_100);
      expect(await card.locator('.stage-pain .ci').textContent()).toMatch(new RegExp(`^95% CI ${c.neg_per_100_low.toFixed(1)}–`));
    }
    // "The stage that hurts most" names the assigned stage with the most negative mentions per 100 documents.
    const worst = stages.filter((c) => c.row !== 'unassigned').reduce((w, c) => (c.neg_per_100 > w.neg_per_100 ? c : w));
    expect(await page.locator('#worst-stage').getAttribute('data-stage')).toBe(worst.row);
    expect(await page.locator('#worst-stage').textContent()).toContain(`: ${worst.neg_per_100.toFixed(1)} negative mentions per 100 documents (95% CI ${worst.neg_per_100_low.toFixed(1)}–`);
    // Every top card shows a quote from the filtered data, not only the unfiltered page's stored ones.
    expect(await page.locator('#summary .card blockquote').count()).toBe(await page.locator('#summary .card').count());
    await page.click('button.metric-btn[data-metric="per100"]');
    const cells = await heatmapCells(dbPath, 'theme', 'stage', flags);
    const shown = await page.locator('table.hm[data-matrix="stage_theme"] td.cell[data-row]').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-row')!, e.getAttribute('data-col')!, e.textContent!] as const),
    );
    expect(shown.length).toBe(cells.length);
    const cli = new Map(cells.map((c) => [`${c.row}|${c.col}`, c.neg_per_100.toFixed(1)]));
    for (const [r, c, text] of shown) expect([r, c, text]).toEqual([r, c, cli.get(`${r}|${c}`)]);
    expect(errors).toEqual([]);
  }

  it('filters by source: heatmaps, journey map, cards and quotes follow', async () => {
    const sources = await page.locator('#filter-source option').evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    expect(sources).toEqual(['', 'nps-survey', 'zendesk-tickets']);
    await setFilter({ 'filter-source': 'zendesk-tickets' });
    await expectSameAsCli(['--where', 'source=zendesk-tickets']);
    // Every quote on the page now comes from that source.
    await page.click('#journey .stage[data-stage="support"] button.stage-name');
    const captions = await page.locator('#journey-detail figcaption, #detail figcaption').allTextContents();
    expect(captions.length).toBeGreaterThan(0);
    for (const c of captions) expect(c).toMatch(/^zendesk-tickets/);
    const card = await page.locator('#summary .card .card-title').allTextContents();
    expect(card.length).toBeGreaterThan(0);
    expect(await page.locator('#filter-note').textContent()).toBe('Filtered: the same numbers as voc heatmap --where source=zendesk-tickets');
  });

  it('lists spikes per source, each judged against that source alone (as voc heatmap --where source=...)', async () => {
    await setFilter({ 'filter-source': '' });
    const lists = await page.locator('#summary .alerts ul').evaluateAll((els) => els.map((e) => e.getAttribute('data-source')!));
    expect(lists.length).toBeGreaterThan(0);
    for (const source of lists) expect(['nps-survey', 'zendesk-tickets']).toContain(source);
    const dims: Record<string, [string, string]> = { stage_theme: ['theme', 'stage'], stage_touchpoint: ['touchpoint', 'stage'], 'attr:plan_stage': ['attr:plan', 'stage'] };
    for (const source of lists) {
      const items = await page.locator(`#summary .alerts ul[data-source="${source}"] li`).evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-matrix')!, e.getAttribute('data-row')!, e.getAttribute('data-col')!, Number(e.getAttribute('data-z'))] as const),
      );
      expect(items.length).toBeGreaterThan(0);
      for (const [matrix, r, c, z] of items) {
        const [rows, cols] = dims[matrix]!;
        const cli = (await heatmapCells(dbPath, rows, cols, ['--where', `source=${source}`])).find((x) => x.row === r && x.col === c)!;
        expect([matrix, r, c, z, true]).toEqual([matrix, r, c, cli.z_score, cli.anomaly]);
      }
    }
    // A source's spike opens that source's numbers.
    await page.locator('#summary .alerts ul li button').first().click();
    expect(await page.locator('#filter-source').inputValue()).toBe(lists[0]);
    await setFilter({ 'filter-source': '' });
  });

  it('filters by kind and a month range', async () => {
    await setFilter({ 'filter-source': '', 'filter-kind': 'survey', 'filter-since': '2026-07', 'filter-until': '2026-09' });
    await expectSameAsCli(['--where', 'kind=survey', '--since', '2026-07', '--until', '2026-09']);
    expect(await page.locator('#head .facts').textContent()).toMatch(/Jul 2026 to Sep 2026/);
  });

  it('filters by an aggregated attribute, and shows theme impact on NPS for the 0-10 survey', async () => {
    await setFilter({ 'filter-kind': '', 'filter-since': '', 'filter-until': '', 'filter-attr-plan': 'Family' });
    await expectSameAsCli(['--where', 'plan=Family']);
    const impact = page.locator('#impact table tbody tr');
    expect(await impact.count()).toBeGreaterThan(3);
    expect(await page.locator('#impact thead').textContent()).toMatch(/Impact on NPS.*NPS impact \(detractors\)/);
    // Back to all data: the stored aggregate again.
    await setFilter({ 'filter-attr-plan': '' });
    expect(await page.locator('#filter-note').textContent()).toBe('All data');
    await expectSameAsCli([]);
  });

  it('says which attributes the page cannot filter by when the groups would exceed aggregate.reportFilterGroups', async () => {
    expect(await page.locator('#filter-omitted').count()).toBe(0);
    const narrow = await context.newPage();
    const narrowErrors: string[] = [];
    narrow.on('pageerror', (e) => narrowErrors.push(e.message));
    await narrow.goto(narrowUrl);
    await narrow.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
    expect(await narrow.locator('#filter-attr-plan').count()).toBe(0);
    expect(await narrow.locator('#filter-source').count()).toBe(1);
    const note = narrow.locator('#filter-omitted');
    expect(await note.getAttribute('data-omitted')).toBe('plan');
    expect(await note.textContent()).toContain('voc heatmap --where plan=VALUE');
    // its plan x stage heatmap stays
    expect(await narrow.locator('table[data-matrix="attr:plan_stage"] td.cell[data-row]').count()).toBeGreaterThan(2);
    expect(narrowErrors).toEqual([]);
    await narrow.close();
  });
});
