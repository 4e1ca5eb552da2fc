// A screenshot of an HTML report in Debian's chromium, for docs/ (npm run demo first):
//   npx tsx scripts/report-screenshot.ts data/report.html docs/report-screenshot.png [--select filter-source=zendesk]
// Optional --select id=value picks a filter before the shot. No network: everything but the file is blocked.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [html, png, ...rest] = process.argv.slice(2);
if (!html || !png) throw new Error('usage: report-screenshot.ts REPORT.html OUT.png [--select id=value]...');
const url = pathToFileURL(resolve(html)).href;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1500 }, deviceScaleFactor: 1 });
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] !== '--select') continue;
    const [id, value] = (rest[++i] ?? '').split('=');
    await page.selectOption(`#${id}`, value ?? '');
  }
  await page.screenshot({ path: png, fullPage: false });
  console.log(`wrote ${png}`);
} finally {
  await browser.close();
}
