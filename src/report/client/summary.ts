/** The header facts and "What hurts most": the lede, the top cards (each its own quote) and the spikes. */
import type { Highlight, ReportQuote } from '../model.js';
import { sparkline } from './charts.js';
import { full, trendText, view } from './context.js';
import { chooseFilter, currentFilter } from './filter.js';
import { filteredView } from './view.js';
import { add, byId, clear, el, monthName, own, pct, signed } from './dom.js';
import { negativeFirst } from './quotes.js';

export type OpenCell = (matrix: string, r: string, c: string, scroll: boolean) => void;

export function renderHeader(): void {
  const d = view();
  const h = byId('head');
  clear(h);
  add(h, el('p', 'eyebrow', 'Voice of customer report'), el('h1', null, d.title));
  const o = d.overall;
  const facts = [
    `${o.documents} responses, tickets and interviews`,
    `${o.segments} analysed comments`,
    `${pct(o.negativeRate)} negative`,
    o.nps === null ? null : `NPS ${signed(o.nps, 0)} (${o.npsResponses} responses, 0-10 likelihood to recommend)`,
    d.scores.map((x) => `${x.text}, ${x.documents} ${x.unit}`).join(' \u00b7 ') || null,
    o.months.length ? `${monthName(o.months[0])} to ${monthName(o.months[o.months.length - 1])}` : null,
  ].filter((f): f is string => !!f);
  const p = el('p', 'facts');
  facts.forEach((f, i) => {
    if (i) add(p, el('span', 'sep', '\u00b7'));
    add(p, el('span', null, f));
  });
  add(h, p);
}

/** Each card its own quote: one already shown on an earlier card (same document or wording) is skipped. */
function quotePicker(): (h: Highlight) => ReportQuote | null {
  const shown = new Set<string>();
  return (h) => {
    const qs = own(view().quotes, `${h.matrix}|${h.r}|${h.c}`) ?? [];
    const q = negativeFirst(qs).find((x) => !shown.has(`d${x.documentId}`) && !shown.has(`t${x.text.toLowerCase()}`)) ?? null;
    if (q) {
      shown.add(`d${q.documentId}`);
      shown.add(`t${q.text.toLowerCase()}`);
    }
    return q;
  };
}

function alertLabel(a: Highlight): string {
  if (a.matrix === 'stage_touchpoint') return `${a.rowLabel} (touchpoint)`;
  if (a.matrix.startsWith('attr:')) return `${a.rowLabel} (${a.matrix.slice(5, -6)})`;
  return a.r === 'unassigned' ? 'Comments with no theme yet' : a.rowLabel;
}

/**
 * The stage that hurts most, in words: the assigned journey stage with the most negative mentions
 * per 100 documents (as the journey map colours it; ties to the earlier stage), against the
 * average stage. The cards rank stage x theme cells by negative mentions per 100 documents too.
 */
function worstStage(): HTMLElement | null {
  const j = view().journey;
  const worst = j.stages.filter((s) => !s.unassigned).reduce<(typeof j.stages)[number] | null>((w, s) => (!w || s.negPer100 > w.negPer100 ? s : w), null);
  if (!worst || worst.negPer100 <= 0) return null;
  const p = el('p', 'lede-stage',
    `The stage that hurts most is ${worst.label}: ${worst.negPer100.toFixed(1)} negative mentions per 100 documents ` +
    `(95% CI ${worst.p100Low.toFixed(1)}\u2013${worst.p100High.toFixed(1)}), against ${j.meanPer100.toFixed(1)} for the average stage.`);
  p.id = 'worst-stage';
  p.setAttribute('data-stage', worst.key);
  return p;
}

export function renderSummary(openCell: OpenCell): void {
  const d = view();
  const box = byId('summary');
  clear(box);
  add(box, el('h2', null, 'What hurts most'));
  const t = d.top[0];
  if (!t) {
    add(box, el('p', 'muted', 'No negative feedback tied to a theme yet.'));
    return;
  }
  add(box, el('p', 'lede', `The biggest pain point is ${t.rowLabel}${t.parentLabel ? ` (${t.parentLabel})` : ''} during ${t.colLabel}: ` +
    `${t.per100.toFixed(1)} negative mentions per 100 documents (95% CI ${t.p100Low.toFixed(1)}\u2013${t.p100High.toFixed(1)}); ${t.negative} of its ${t.mentions} comments are negative` +
    (t.npsImpact ? `; fixing it for the detractors who mention it would lift NPS by about ${t.npsImpact.toFixed(1)} points` : '') + '.'));
  add(box, worstStage());
  add(box, el('p', 'muted', 'The cards: theme and journey stage pairs with the most negative mentions per 100 documents (a document counts once per card); ' +
    'the large figure is the share of the pair\'s comments that are negative.'));
  const grid = el('div', 'cards');
  const pick = quotePicker();
  d.top.slice(0, 4).forEach((h, i) => {
    const card = el('button', 'card');
    card.type = 'button';
    add(card, el('div', 'rank', `#${i + 1}`), el('div', 'card-title', h.rowLabel),
      el('div', 'card-sub', (h.parentLabel ? `${h.parentLabel} \u00b7 ` : '') + h.colLabel));
    const stats = el('div', 'card-stats');
    add(stats, el('span', 'big', pct(h.negShare)), el('span', 'muted', ` negative of ${h.mentions} comments`));
    add(stats, el('div', 'muted per100', `${h.per100.toFixed(1)} negative per 100 documents (${h.p100Low.toFixed(1)}\u2013${h.p100High.toFixed(1)})`));
    add(card, stats, sparkline(h.series, 120, 28), el('div', 'card-trend', trendText(h)));
    const q = pick(h);
    if (q) add(card, el('blockquote', null, q.text));
    card.addEventListener('click', () => openCell(h.matrix, h.r, h.c, true));
    add(grid, card);
  });
  add(box, grid);
  renderSpikes(box, openCell);
}

/**
 * Spikes. With one source (or a source filter): the latest month against the trailing months.
 * With several sources, each source is judged against its own history and its own latest month,
 * so one source whose data stops early cannot make a "spike" for all.
 */
function renderSpikes(box: HTMLElement, openCell: OpenCell): void {
  const d = view();
  const si = full.cube.dims.indexOf('source');
  const sources = full.cube.values[si] ?? [];
  const chosen = currentFilter().where.source;
  const perSource = sources.length > 1 && !chosen;
  const lists = perSource
    ? sources.map((source) => {
      const f = currentFilter();
      const v = filteredView(full, { ...f, where: { ...f.where, source } });
      return { title: `Spikes in ${source}, ${monthName(v.overall.latestMonth)} (against its own trailing months)`, source, alerts: v.alerts };
    })
    : [{ title: `Spikes in ${monthName(d.overall.latestMonth)}`, source: chosen ?? null, alerts: d.alerts }];
  const shown = lists.filter((l) => l.alerts.length);
  if (!shown.length) return;
  const al = el('div', 'alerts');
  for (const l of shown) {
    const ul = el('ul');
    ul.setAttribute('data-source', l.source ?? '');
    for (const a of l.alerts.slice(0, perSource ? 2 : 6)) {
      const link = el('button', 'linkish', `${alertLabel(a)} \u00b7 ${a.colLabel}`);
      link.type = 'button';
      link.addEventListener('click', () => {
        // A source's spike opens that source's numbers: the filter follows.
        if (perSource && l.source) chooseFilter('source', l.source);
        openCell(a.matrix, a.r, a.c, true);
      });
      const last = a.series[a.series.length - 1] ?? 0;
      const li = el('li');
      li.setAttribute('data-matrix', a.matrix);
      li.setAttribute('data-row', a.r);
      li.setAttribute('data-col', a.c);
      li.setAttribute('data-z', String(a.z));
      add(ul, add(li, link, el('span', 'muted', ` \u2014 ${last} negative mentions that month (at least ${full.params.minVolume} needed), ${trendText(a)}`)));
    }
    add(al, el('h3', null, l.title), ul);
  }
  add(box, al);
}
