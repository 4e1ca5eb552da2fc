/**
 * The filter bar: one select per document-level dimension of the cube (source, kind, each
 * aggregated attribute) and a month range. A change recomputes the page from the cube (view.ts)
 * and redraws everything that follows the filter. The state is also written to the bar's
 * data-where attribute as `voc heatmap` flags, so a reader (and the browser test) can run the
 * same query in the terminal.
 */
import { full, setView } from './context.js';
import { add, byId, clear, el, monthName } from './dom.js';
import { isEmpty, type Filter } from './recompute.js';
import { filteredView } from './view.js';

const filter: Filter = { where: {}, since: '', until: '' };

export function currentFilter(): Filter {
  return filter;
}

function dimLabel(d: string): string {
  if (d === 'source') return 'Source';
  if (d === 'kind') return 'Kind';
  return d.replace(/^attr:/, '');
}

/** `--where source=x --since 2026-06` for the current filter. */
export function cliFlags(f: Filter): string {
  const parts = Object.entries(f.where).filter(([, v]) => v).map(([k, v]) => `--where ${k.replace(/^attr:/, '')}=${v}`);
  if (f.since) parts.push(`--since ${f.since}`);
  if (f.until) parts.push(`--until ${f.until}`);
  return parts.join(' ');
}

function select(id: string, label: string, options: [string, string][], onChange: (v: string) => void): HTMLElement {
  const wrap = el('label', 'filter');
  const sel = el('select', 'filter-select');
  sel.id = id;
  for (const [value, text] of options) {
    const o = el('option', null, text);
    o.value = value;
    add(sel, o);
  }
  sel.addEventListener('change', () => onChange(sel.value));
  return add(wrap, el('span', 'muted', label), sel);
}

let reapply: () => void = () => {};

/** Sets one dimension's filter (as its select would) and redraws the page. */
export function chooseFilter(dim: string, value: string): void {
  filter.where[dim] = value;
  const sel = document.getElementById(`filter-${dim.replace(/[^a-z0-9]+/gi, '-')}`);
  if (sel instanceof HTMLSelectElement) sel.value = value;
  reapply();
}

export function renderFilters(render: () => void): void {
  const box = byId('filters');
  clear(box);
  const cube = full.cube;
  const note = el('span', 'filter-note');
  note.id = 'filter-note';
  const apply = (): void => {
    setView(filteredView(full, filter));
    const flags = cliFlags(filter);
    box.setAttribute('data-where', flags);
    note.textContent = isEmpty(filter) ? 'All data' : `Filtered: the same numbers as voc heatmap ${flags}`;
    render();
  };
  add(box, el('span', 'filter-title', 'Filter'));
  cube.dims.forEach((d, i) => {
    if (d === 'month') return;
    const values = cube.values[i] ?? [];
    if (values.length < 2 && d !== 'source') return;
    add(box, select(`filter-${d.replace(/[^a-z0-9]+/gi, '-')}`, dimLabel(d), [['', 'All'], ...values.map((v): [string, string] => [v, v])], (v) => {
      filter.where[d] = v;
      apply();
    }));
  });
  const months = (cube.values[cube.dims.indexOf('month')] ?? []).filter((m) => m !== 'unknown');
  if (months.length > 1) {
    const opts = months.map((m): [string, string] => [m, monthName(m)]);
    add(box, select('filter-since', 'From', [['', 'first month'], ...opts], (v) => {
      filter.since = v;
      apply();
    }));
    add(box, select('filter-until', 'To', [['', 'last month'], ...opts], (v) => {
      filter.until = v;
      apply();
    }));
  }
  reapply = apply;
  add(box, note);
  note.textContent = 'All data';
  box.setAttribute('data-where', '');
  // Attributes the cube could not split by (too many combinations for one page): say so, and how to filter by them.
  const omitted = cube.omitted ?? [];
  if (omitted.length) {
    const names = omitted.map((o) => o.name);
    const why = el(
      'span',
      'filter-note',
      `Not filterable on this page: ${names.join(', ')} (with the other filters, ${omitted.length > 1 ? 'they make' : 'it makes'} too many combinations to embed; the page's numbers still count every document). In the terminal: voc heatmap --where ${names[0]}=VALUE.`,
    );
    why.id = 'filter-omitted';
    why.setAttribute('data-omitted', names.join(','));
    add(box, why);
  }
}
