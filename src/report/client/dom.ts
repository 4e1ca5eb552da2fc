/**
 * DOM helpers for the report page. Everything is built with createElement and textContent (never
 * innerHTML), so customer text can never become markup.
 */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string | null, text?: string | number | null): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

/** Appends the children that are not null, returns the parent. */
export function add<T extends Node>(parent: T, ...children: (Node | null | undefined | false)[]): T {
  for (const c of children) if (c) parent.appendChild(c);
  return parent;
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function byId(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`report: #${id} is missing`);
  return e;
}

/** Lookups by a key from the data never reach Object.prototype ("constructor", "__proto__"). */
export function own<T>(o: Record<string, T> | undefined, k: string): T | undefined {
  return o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function button(cls: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', cls, text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : `${Math.round(v * 100)}%`;
}

export function signed(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined ? '' : (v > 0 ? '+' : '') + v.toFixed(digits);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-10" -> "Oct 2026". */
export function monthName(m: string | null | undefined): string {
  if (!m) return '';
  const [y, mm] = m.split('-');
  return `${MONTHS[Number(mm) - 1] ?? mm ?? ''} ${y ?? ''}`;
}

export function table(headers: string[], rows: (string | number | Node | null)[][], cls?: string): HTMLTableElement {
  const t = el('table', `plain ${cls ?? ''}`);
  const tr = el('tr');
  for (const h of headers) add(tr, el('th', null, h));
  add(t, add(el('thead'), tr));
  const tb = el('tbody');
  for (const r of rows) {
    const row = el('tr');
    for (const v of r) {
      const td = el('td');
      if (v instanceof Node) add(td, v);
      else td.textContent = v === null ? '' : String(v);
      add(row, td);
    }
    add(tb, row);
  }
  return add(t, tb);
}
