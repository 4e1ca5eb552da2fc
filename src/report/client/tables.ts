/** The top pain points table, the codeframe and the "About this report" section. */
import { sparkline } from './charts.js';
import { full, trendText, view } from './context.js';
import { add, byId, clear, el, pct, signed, table } from './dom.js';
import { DEFINITIONS } from './heatmap.js';
import { currentFilter } from './filter.js';
import type { OpenCell } from './summary.js';
import { themeImpacts } from './view.js';

export function renderTop(openCell: OpenCell): void {
  const d = view();
  const s = byId('top');
  clear(s);
  add(s, el('h2', null, 'Top pain points'));
  add(s, el('p', 'muted', 'Specific themes by journey stage, ranked by negative mentions per 100 documents (ties by pain index). Click a row for quotes. ' +
    'NPS impact (detractors): the NPS points gained if the detractors who mention the theme became passives.'));
  const t = table(['#', 'Theme', 'Stage', 'Negative per 100 documents (95% CI)', 'Mentions (comments)', 'Negative share (95% CI)', 'Mean sentiment (-1 to +1)', 'NPS impact (detractors)', 'Monthly negatives', 'Trend'],
    d.top.map((h, i) => {
      const name = add(el('span'), el('strong', null, h.rowLabel), h.parentLabel ? el('span', 'muted', ` ${h.parentLabel}`) : null);
      return [i + 1, name, h.colLabel, `${h.per100.toFixed(1)} (${h.p100Low.toFixed(1)}\u2013${h.p100High.toFixed(1)})`, h.mentions, `${pct(h.negShare)} (${pct(h.wLow)}\u2013${pct(h.wHigh)})`,
        signed(h.sentiment, 2), h.npsImpact === null ? '' : signed(h.npsImpact, 1), sparkline(h.series, 90, 22), trendText(h)];
    }), 'top-table');
  t.querySelectorAll('tbody tr').forEach((tr, i) => {
    const h = d.top[i];
    if (!h) return;
    tr.className = 'clickable';
    if (/^(spike|rising)/.test(trendText(h)) && tr.lastElementChild) tr.lastElementChild.className = 'trend-up';
    tr.addEventListener('click', () => openCell(h.matrix, h.r, h.c, true));
  });
  add(s, t);
}

export function renderCodeframe(): void {
  const s = byId('codeframe');
  add(s, el('h2', null, 'Codeframe'));
  add(s, el('p', 'muted', 'Mentions: comments given the theme; negative: their negative share; worst stage pain index: the highest pain index of the theme at any journey stage.'));
  add(s, table(['Theme', 'Id', 'Mentions', 'Negative', 'Worst stage pain index'], full.themes.map((t) => [
    el('span', `depth${Math.min(t.depth, 3)}`, t.label), t.key, t.mentions, t.mentions ? pct(t.negShare) : '', t.mentions ? t.pain.toFixed(2) : '',
  ])));
}

export function renderMeta(): void {
  const s = byId('meta');
  const d = full;
  const p = d.params;
  add(s, el('h2', null, 'About this report'));
  add(s, el('h3', null, 'Sources'));
  add(s, table(['Source', 'Kind', 'Documents', 'Analysed comments', 'From', 'To'], d.sources.map((x) => [
    x.source_name, x.kind, x.documents, x.segments, (x.first ?? '').slice(0, 10), (x.last ?? '').slice(0, 10),
  ])));
  add(s, el('h3', null, 'Run'));
  add(s, table(['', ''], [
    ['Aggregated at', d.generatedAt],
    ['Aggregate id', d.aggregateId],
    ['Config hash', d.configHash ?? ''],
    ['Analysis keys (models)', d.models.map((m) => m.key).join(', ')],
    ['Negative per 100 documents', `${DEFINITIONS.per100 ?? ''} 95% Wilson interval. Unassigned stages, touchpoints and themes are shown apart and never ranked.`],
    ['Mentions, comments', 'sentences (or interview turns) analysed one by one; a document has one or more. Shares and means are over comments.'],
    ['Sentiment', `${DEFINITIONS.sentiment ?? ''} 95% interval of the mean in brackets.`],
    ['Pain index', `negative share shrunk toward ${pct(d.overall.negativeRate)} with a prior worth ${p.priorStrength} mentions, times ln(1 + mentions)`],
    ['Anomaly rule', `latest month z-score \u2265 ${p.anomalyZ} against the ${p.trailingMonths} months before, with \u2265 ${p.minVolume} negative mentions`],
  ], 'kv'));
  for (const m of d.models) add(s, el('p', 'muted mono', `${m.key}: ${m.summary}`));
}

/**
 * Theme impact on NPS (Thematic/Kapiche): overall NPS minus the NPS without the theme's
 * respondents, beside the detractor-based impact. Only with 0-10 likelihood-to-recommend scores.
 */
export function renderImpact(): void {
  const s = byId('impact');
  clear(s);
  const rows = themeImpacts(full, currentFilter());
  if (!rows.length) return;
  const d = view();
  add(s, el('h2', null, 'Theme impact on NPS'));
  add(s, el('p', 'muted', `NPS ${signed(d.overall.nps, 0)} from ${d.overall.npsResponses} responses on the 0-10 likelihood-to-recommend scale. ` +
    'Impact on NPS (as Thematic and Kapiche define it): the overall NPS minus the NPS recomputed without the respondents who mention the theme; ' +
    'negative means the theme costs the score that many points. NPS impact (detractors): the points gained if the detractors who mention it became passives.'));
  add(s, table(['Theme', 'Respondents mentioning it', 'Their NPS', 'Impact on NPS', 'NPS impact (detractors)'], rows.slice(0, 15).map((r) => [
    add(el('span'), el('strong', null, r.label), r.parentLabel ? el('span', 'muted', ` ${r.parentLabel}`) : null),
    r.respondents, signed(r.nps, 0), signed(r.impact, 1), r.detractorImpact === null ? '' : signed(r.detractorImpact, 1),
  ]), 'impact-table'));
}
