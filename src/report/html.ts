/**
 * The self-contained HTML report: one file with inline CSS and JS, the data embedded as JSON, no
 * network requests (a Content-Security-Policy forbids them, and only our own script may run).
 */
import { createHash } from 'node:crypto';
import type { AggregateConfig } from '../config/aggregate.js';
import type { Db } from '../store/db.js';
import { TOOL_VERSION } from '../util/version.js';
import { CLIENT_JS } from './client-bundle.js';
import { CLIENT_CSS } from './styles.js';
import { buildReportData, type ReportData } from './data.js';
import { writeFileAtomic } from './files.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside <script type="application/json">: `<` `>` `&` can never close the tag
 * or start a comment, and U+2028/2029 are escaped for older JS parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function scriptHash(js: string): string {
  return `'sha256-${createHash('sha256').update(js, 'utf8').digest('base64')}'`;
}

export function renderReportHtml(data: ReportData): string {
  if (/<\/(script|style)/i.test(CLIENT_JS + CLIENT_CSS)) throw new Error('report assets must not close their own tags');
  // default-src 'none': no fetch, image, font or frame can load; only the script with this hash runs.
  // (Only quotes, letters and base64 in it: nothing to escape inside the attribute.)
  const csp = `default-src 'none'; script-src ${scriptHash(CLIENT_JS)}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const title = escapeHtml(data.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Voice of customer</title>
<style>${CLIENT_CSS}</style>
</head>
<body>
<main>
<header id="head"></header>
<section id="filters" class="filters"></section>
<noscript><p>This report draws its heatmaps with JavaScript; please open it in a browser with scripts enabled.</p></noscript>
<section id="summary"></section>
<section id="journey"></section>
<div class="bar"><div id="controls"></div><div id="legend"></div></div>
<div class="layout"><div id="heatmaps"></div><aside id="detail" hidden></aside></div>
<section id="top"></section>
<section id="impact"></section>
<section id="codeframe"></section>
<section id="meta"></section>
<footer>Made by voc ${escapeHtml(TOOL_VERSION)} from aggregate ${data.aggregateId}. This file is self-contained: it makes no network requests.</footer>
</main>
<script type="application/json" id="voc-data">${jsonForScript(data)}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

export interface ReportOptions {
  title?: string;
  params?: AggregateConfig;
}

export interface ReportSummary {
  path: string;
  bytes: number;
  cells: number;
  quotes: number;
  /** Aggregated attributes the page cannot filter by (too many combinations: report/cube-groups.ts). */
  notFilterable: string[];
}

/** Writes the report of the latest aggregate to `outPath`. */
export function writeReport(db: Db, outPath: string, options: ReportOptions = {}): ReportSummary {
  const data = buildReportData(db, options.title ?? 'Voice of customer', options.params);
  const html = renderReportHtml(data);
  return {
    path: outPath,
    bytes: writeFileAtomic(outPath, html),
    cells: data.matrices.reduce((n, m) => n + m.cells.length, 0),
    quotes: Object.values(data.quotes).reduce((n, q) => n + q.length, 0),
    notFilterable: data.cube.omitted.map((o) => o.name),
  };
}
