/** The detail panel of a heatmap cell: its numbers with their intervals, trend, emotions and quotes. */
import { sparkline } from './charts.js';
import { emotionLabel, trendText, view } from './context.js';
import { add, byId, clear, el, own, pct, signed } from './dom.js';
import { tableOf } from './heatmap.js';
import { quoteFigure } from './quotes.js';

export function openCell(matrixId: string, r: string, c: string, scroll: boolean): void {
  const t = tableOf(matrixId);
  const cell = t?.index.get(`${r}|${c}`);
  if (!t || !cell) return;
  const d = view();
  for (const x of document.querySelectorAll('td.selected')) x.classList.remove('selected');
  t.table.querySelector(`td[data-row="${CSS.escape(r)}"][data-col="${CSS.escape(c)}"]`)?.classList.add('selected');
  const rowLabel = t.m.rows.find((k) => k.key === r)?.label ?? r;
  const colLabel = t.m.cols.find((k) => k.key === c)?.label ?? c;
  const panel = byId('detail');
  clear(panel);
  add(panel, el('p', 'eyebrow', colLabel), el('h3', null, rowLabel));
  const dl = el('dl', 'stats');
  const stat = (k: string, v: string): void => void add(dl, el('dt', null, k), el('dd', null, v));
  stat('Mentions', `${cell.mentions} comments in ${cell.docs} documents`);
  stat('Negative per 100 documents', `${cell.per100.toFixed(1)} (95% CI ${cell.p100Low.toFixed(1)}\u2013${cell.p100High.toFixed(1)})`);
  stat('Negative share', `${pct(cell.negShare)} of the comments (95% CI ${pct(cell.wLow)}\u2013${pct(cell.wHigh)})`);
  stat('Mean sentiment (-1 to +1)', `${signed(cell.sentiment, 2)} (95% CI ${signed(cell.sLow, 2)} to ${signed(cell.sHigh, 2)})`);
  stat('Pain index', cell.pain.toFixed(2) + (cell.prevPain === null ? '' : ` (previous run ${cell.prevPain.toFixed(2)})`));
  if (cell.nps !== null) stat('NPS of these customers', signed(cell.nps, 0));
  // Named by its scale: NPS only for 0-10 likelihood to recommend, else "Mean rating (1-10)", "Mean CSAT (1-5)", ...
  if (cell.meanScore !== null && cell.scoreScale !== null && cell.scoreScale !== 'nps') {
    stat(own(d.scaleLabels, cell.scoreScale) ?? `Mean score (${cell.scoreScale})`,
      cell.scoreScale === 'yesno' ? `${pct(cell.meanScore)} yes` : cell.meanScore.toFixed(2));
  }
  if (cell.npsImpact !== null) stat('NPS impact (detractors)', `${signed(cell.npsImpact, 1)} points if its detractors became passives`);
  const trend = trendText(cell);
  if (trend) stat('Trend', trend);
  if (cell.emo.length) {
    stat('Emotions (share of comments, 95% CI)', cell.emo.slice(0, 4).map((e) => `${emotionLabel(e.id)} ${pct(e.share)} (${pct(e.low)}\u2013${pct(e.high)})`).join(', '));
  }
  add(panel, dl);
  add(panel, el('p', 'muted small-caption', 'Negative mentions per month'), sparkline(cell.series, 260, 40));
  const quotes = own(d.quotes, `${matrixId}|${r}|${c}`) ?? [];
  for (const [kind, title] of [['negative', 'Most negative'], ['typical', 'Most typical']] as const) {
    const list = quotes.filter((q) => q.kind === kind);
    if (!list.length) continue;
    add(panel, el('h4', null, title));
    for (const q of list) add(panel, quoteFigure(q));
  }
  if (!quotes.length) add(panel, el('p', 'muted', 'No quotes stored for this cell.'));
  panel.hidden = false;
  if (scroll) byId(`hm-${matrixId}`).scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/** A click on a cell; on narrow screens the detail panel sits below the heatmaps: bring it into view. */
export function pick(matrixId: string, r: string, c: string): void {
  openCell(matrixId, r, c, false);
  if (window.matchMedia('(max-width: 1000px)').matches) byId('detail').scrollIntoView({ behavior: 'smooth' });
}
