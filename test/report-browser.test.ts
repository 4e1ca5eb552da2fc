/**
 * The HTML report in a real browser (Debian's chromium): it renders without any network request,
 * a click on a cell shows its quotes, and hostile customer text stays text.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { aggregatePipeline } from '../src/aggregate/pipeline.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { writeReport } from '../src/report/html.js';
import { addRun } from './aggregate-db.js';
import { HOSTILE, sampleDb } from './report-sample.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report-browser: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('HTML report in chromium', () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  let reportUrl: string;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'voc-report-'));
    const t = sampleDb();
    const config = PipelineConfig.parse({ name: 'Kestrel Kitchen', sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }] });
    aggregatePipeline(t.db, config, addRun(t.db));
    const out = join(dir, 'report.html');
    writeReport(t.db, out, { title: 'Kestrel Kitchen' });
    t.close();
    reportUrl = pathToFileURL(out).href;
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
      viewport: { width: 1400, height: 1000 },
    });
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
    expect(await late.textContent()).toMatch(/^\d+\.\d\d$/);
    type Win = { getComputedStyle(e: unknown): { backgroundColor: string }; __pwned?: number };
    const bg = await late.evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e).backgroundColor);
    expect(bg).toMatch(/^rgb\(/);
    expect(await page.locator('table.hm[data-matrix="stage_touchpoint"] td.cell[data-row]').count()).toBeGreaterThan(3);
    expect(await page.locator('#summary .card').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
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
