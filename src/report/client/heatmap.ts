/**
 * The heatmaps: one table per shown matrix, coloured by the chosen measure, with its legend in
 * words and the measure buttons. Unassigned rows and columns are greyed and left out of the scale.
 */
import type { ReportCell, ReportMatrix } from '../model.js';
import { colourFor, DIV, inkFor, rgb, SEQ, type ScaleKind } from './colour.js';
import { emotionLabel, full, isUnassigned, view } from './context.js';
import { add, byId, clear, el, own, pct, signed } from './dom.js';

interface MetricDef {
  id: string;
  label: string;
  get: (c: ReportCell) => number | null;
  fmt: (v: number) => string;
  scale: ScaleKind;
}

const METRICS: MetricDef[] = [
  { id: 'per100', label: 'Negative per 100 docs', get: (c) => c.per100, fmt: (v) => v.toFixed(1), scale: 'centred' },
  { id: 'pain', label: 'Pain index', get: (c) => c.pain, fmt: (v) => v.toFixed(2), scale: 'lin' },
  { id: 'negShare', label: 'Negative share', get: (c) => c.negShare, fmt: pct, scale: 'centred' },
  { id: 'mentions', label: 'Mentions', get: (c) => c.mentions, fmt: String, scale: 'seq' },
  { id: 'sentiment', label: 'Mean sentiment', get: (c) => c.sentiment, fmt: (v) => signed(v, 2), scale: 'div' },
  { id: 'nps', label: 'NPS', get: (c) => c.nps, fmt: (v) => signed(v, 0), scale: 'div' },
];

export const DEFINITIONS: Record<string, string> = {
  per100: 'Negative per 100 documents: of every 100 documents (survey responses, tickets, interviews) in the data, how many say something negative in this cell. A document counts once per cell.',
  pain: 'Pain index: negative share shrunk toward the overall rate, times ln(1 + mentions).',
  negShare: 'Negative share: negative comments out of all comments in the cell.',
  mentions: 'Mentions: comments (sentences or turns) in the cell.',
  sentiment: 'Mean sentiment from -1 (negative) to +1 (positive).',
  nps: 'NPS of the 0-10 likelihood-to-recommend responses in the cell.',
};

const state = { metric: 'per100' };

export interface HeatTable {
  m: ReportMatrix;
  table: HTMLTableElement;
  index: Map<string, ReportCell>;
  centre: number;
}

const tables = new Map<string, HeatTable>();

export function tableOf(matrixId: string): HeatTable | undefined {
  return tables.get(matrixId);
}

/** "emo:<id>": the share of the cell's comments showing an emotion. */
function metricById(id: string): MetricDef {
  if (id.startsWith('emo:')) {
    const eid = id.slice(4);
    return { id, label: emotionLabel(eid), scale: 'share', fmt: pct, get: (c) => c.emo.find((x) => x.id === eid)?.share ?? 0 };
  }
  return METRICS.find((m) => m.id === id) ?? METRICS[0]!;
}

export type PickCell = (matrix: string, r: string, c: string) => void;

function renderHeatmap(m: ReportMatrix, pick: PickCell): HTMLElement {
  const section = el('section', 'heatmap');
  section.id = `hm-${m.id}`;
  add(section, el('h2', null, m.title));
  const table = el('table', 'hm');
  table.setAttribute('data-matrix', m.id);
  const tr = el('tr');
  const corner = m.rowDim === 'theme' ? 'Theme' : m.rowDim === 'touchpoint' ? 'Touchpoint' : m.rowDim.replace(/^attr:/, '');
  add(tr, el('th', 'corner', corner));
  for (const c of m.cols) {
    const th = el('th', `col${isUnassigned(c.key) ? ' unassigned' : ''}`, c.label);
    th.title = c.key;
    add(tr, th);
  }
  add(table, add(el('thead'), tr));
  const tbody = el('tbody');
  const index = new Map(m.cells.map((c) => [`${c.r}|${c.c}`, c] as const));
  for (const r of m.rows) {
    const row = el('tr');
    if (r.depth > 0) row.className = 'child';
    if (isUnassigned(r.key)) row.className = 'unassigned';
    const th = el('th', `row depth${Math.min(r.depth, 3)}`, r.label);
    th.title = r.key;
    add(row, th);
    for (const col of m.cols) {
      const cell = index.get(`${r.key}|${col.key}`);
      const td = el('td', (cell ? 'cell' : 'cell empty') + (isUnassigned(r.key) || isUnassigned(col.key) ? ' unassigned' : ''));
      if (cell) {
        td.setAttribute('data-row', r.key);
        td.setAttribute('data-col', col.key);
        td.tabIndex = 0;
        td.addEventListener('click', () => pick(m.id, r.key, col.key));
        td.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            pick(m.id, r.key, col.key);
          }
        });
      }
      add(row, td);
    }
    add(tbody, row);
  }
  add(table, tbody);
  add(section, add(el('div', 'table-wrap'), table));
  tables.set(m.id, { m, table, index, centre: 0 });
  return section;
}

export function renderHeatmaps(pick: PickCell): void {
  const host = byId('heatmaps');
  clear(host);
  tables.clear();
  for (const m of view().matrices) add(host, renderHeatmap(m, pick));
  if (!view().matrices.length) add(host, el('p', 'muted', 'No comments match this selection.'));
  paint();
}

/**
 * The centre of a diverging scale: the corpus mean. Negative share: the share over all comments;
 * per 100 documents: the mean over the table's assigned cells.
 */
function centreOf(metric: MetricDef, m: ReportMatrix): number {
  if (metric.id === 'negShare') return view().overall.negativeRate;
  const vs = m.cells.filter((c) => !isUnassigned(c.r) && !isUnassigned(c.c)).map((c) => metric.get(c) ?? 0);
  return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : 0;
}

export function paint(): void {
  const metric = metricById(state.metric);
  const minVolume = full.params.minVolume;
  for (const t of tables.values()) {
    // Unassigned rows and columns are counts to show, not pain to rank: left out of the scale, greyed.
    const values = t.m.cells.filter((c) => !isUnassigned(c.r) && !isUnassigned(c.c)).map(metric.get).filter((v): v is number => v !== null);
    const centre = metric.scale === 'centred' ? centreOf(metric, t.m) : 0;
    const max = metric.scale === 'div' ? Math.max(0, ...values.map(Math.abs))
      : metric.scale === 'centred' ? Math.max(0, ...values.map((v) => Math.abs(v - centre)))
        : Math.max(0, ...values);
    t.centre = centre;
    for (const td of t.table.querySelectorAll<HTMLTableCellElement>('td.cell[data-row]')) {
      const c = t.index.get(`${td.getAttribute('data-row') ?? ''}|${td.getAttribute('data-col') ?? ''}`);
      if (!c) continue;
      const v = metric.get(c);
      const grey = isUnassigned(c.r) || isUnassigned(c.c);
      const col = grey ? null : colourFor(metric.scale, v, max, centre);
      td.textContent = v === null ? '\u2013' : metric.fmt(v);
      td.style.background = col ? rgb(col) : '';
      td.style.color = col ? inkFor(col) : '';
      td.classList.toggle('small', c.mentions < minVolume);
      td.classList.toggle('anomaly', c.anomaly);
      td.title = `${c.mentions} mentions, ${pct(c.negShare)} negative${c.anomaly ? ', spike this month' : ''}${c.mentions < minVolume ? ' (small sample)' : ''}`;
    }
  }
  renderLegend(metric, tables.values().next().value);
  for (const b of document.querySelectorAll('.metric-btn')) b.setAttribute('aria-pressed', b.getAttribute('data-metric') === state.metric ? 'true' : 'false');
}

function renderLegend(metric: MetricDef, t: HeatTable | undefined): void {
  const lg = byId('legend');
  clear(lg);
  const bar = el('span', 'legend-bar');
  const stops = metric.scale === 'div' ? DIV : metric.scale === 'centred' ? DIV.slice().reverse() : SEQ;
  bar.style.background = `linear-gradient(90deg,${stops.map(rgb).join(',')})`;
  let lo = 'low';
  let hi = 'high';
  if (metric.scale === 'div') [lo, hi] = ['worse', 'better'];
  if (metric.scale === 'centred') [lo, hi] = ['below the average cell', `above the average (${metric.fmt(t ? t.centre : 0)})`];
  add(lg, el('span', 'muted', lo), bar, el('span', 'muted', hi),
    el('span', 'legend-note', `grey = unassigned, counted but not ranked \u00b7 faded = fewer than ${full.params.minVolume} mentions \u00b7 \u25b2 = spike this month`));
  const def = el('div', 'legend-def', metric.id.startsWith('emo:')
    ? `${metric.label}: share of the cell\u2019s comments in which it was detected.` : own(DEFINITIONS, metric.id) ?? '');
  def.id = 'metric-definition';
  add(lg, def);
}

export function renderControls(): void {
  const c = byId('controls');
  const label = el('label', 'toggle');
  const box = el('input');
  box.type = 'checkbox';
  box.checked = true;
  box.id = 'show-children';
  box.addEventListener('change', () => document.body.classList.toggle('hide-children', !box.checked));
  add(c, add(label, box, document.createTextNode(' Sub-themes')), el('span', 'muted', 'Colour by'));
  const sel = el('select', 'emotion-select');
  for (const m of METRICS) {
    const b = el('button', 'metric-btn', m.label);
    b.type = 'button';
    b.setAttribute('data-metric', m.id);
    b.addEventListener('click', () => {
      state.metric = m.id;
      sel.value = '';
      paint();
    });
    add(c, b);
  }
  sel.id = 'emotion-metric';
  const none = el('option', null, 'Emotion\u2026');
  none.value = '';
  add(sel, none);
  for (const e of full.journey.emotions) {
    const o = el('option', null, e.label);
    o.value = `emo:${e.id}`;
    add(sel, o);
  }
  sel.addEventListener('change', () => {
    if (sel.value) {
      state.metric = sel.value;
      paint();
    }
  });
  if (full.journey.emotions.length) add(c, sel);
}
