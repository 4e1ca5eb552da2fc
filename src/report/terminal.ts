/**
 * Heatmaps and rankings as readable terminal tables, with optional truecolor backgrounds (only when
 * stdout is a TTY and NO_COLOR is unset).
 */
import type { Metric } from '../config/aggregate.js';
import type { MatrixResult } from '../aggregate/cells.js';
import { keyLabel } from '../aggregate/facts.js';
import type { ThemeIndex } from '../aggregate/themes.js';
import { formatMetric, higherIsWorse, isShare, metricValue } from './format.js';

const SEQ: [number, number, number][] = [[250, 248, 245], [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31]];
const DIV: [number, number, number][] = [[178, 24, 43], [239, 138, 98], [247, 247, 247], [103, 169, 207], [33, 102, 172]];

function ramp(stops: [number, number, number][], t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

function paint(text: string, rgb: [number, number, number]): string {
  const dark = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 140;
  const fg = dark ? '38;2;255;255;255' : '38;2;29;29;31';
  return `\x1b[48;2;${rgb[0]};${rgb[1]};${rgb[2]};${fg}m${text}\x1b[0m`;
}

export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

function clip(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}

export interface HeatmapTableOptions {
  /** Columns the table may use (default 120); ignored with `wide`. */
  width?: number;
  /** Full column names, one wide table (for a wide terminal, a pager or a file). */
  wide?: boolean;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Visible width of a line (colour codes do not count). */
export function visibleWidth(line: string): number {
  return line.replace(ANSI, '').length;
}

/**
 * Rows x columns of one metric; blank where a combination has no mentions. Fits `width` columns:
 * when the column names do not fit they become short codes (C1, C2, ...) explained in a legend
 * under the table, and when even the codes do not fit the columns are split into blocks shown one
 * under the other. `wide` prints full names in one table, however wide.
 */
export function renderHeatmapTable(
  m: MatrixResult,
  index: ThemeIndex,
  metric: Metric,
  colour: boolean,
  options: HeatmapTableOptions = {},
): string {
  const width = Math.max(40, options.width ?? 120);
  const byKey = new Map(m.cells.map((c) => [`${c.rowKey}\u0000${c.colKey}`, c]));
  const values = m.cells.map((c) => metricValue(c, metric)).filter((v): v is number => v !== null);
  const worse = higherIsWorse(metric);
  const max = worse ? Math.max(0, ...values) : Math.max(0, ...values.map(Math.abs));
  const rowLabels = m.rowKeys.map((k) => {
    const label = `${'  '.repeat(index.depthOf.get(k) ?? 0)}${keyLabel(m.spec.rows, k, index)}`;
    return options.wide ? label : clip(label, 30);
  });
  const labelWidth = Math.max(m.spec.rows.length, ...rowLabels.map((l) => l.length));
  const text = (row: string, col: string): { text: string; v: number | null; has: boolean } => {
    const c = byKey.get(`${row}\u0000${col}`);
    const v = c ? metricValue(c, metric) : null;
    return { text: c ? formatMetric(v, metric) || '–' : '', v, has: Boolean(c) };
  };
  const valueWidth = m.colKeys.map((col) => Math.max(1, ...m.rowKeys.map((row) => text(row, col).text.length)));
  const fullWidth = m.colKeys.map((k, j) => Math.max(valueWidth[j]!, k.length));
  const fits = (ws: readonly number[]): boolean => labelWidth + ws.reduce((n, w) => n + w + 1, 0) <= width;
  const coded = !options.wide && !fits(fullWidth);
  const names = coded ? m.colKeys.map((_, j) => `C${j + 1}`) : m.colKeys;
  const widths = m.colKeys.map((_, j) => Math.max(valueWidth[j]!, names[j]!.length));

  // Column blocks that each fit (one block unless even the codes are too wide).
  const blocks: number[][] = [];
  let current: number[] = [];
  let used = labelWidth;
  m.colKeys.forEach((_, j) => {
    const w = widths[j]! + 1;
    if (!options.wide && current.length && used + w > width) {
      blocks.push(current);
      current = [];
      used = labelWidth;
    }
    current.push(j);
    used += w;
  });
  if (current.length) blocks.push(current);

  const out: string[] = [];
  for (const block of blocks) {
    if (out.length) out.push('');
    const header = [m.spec.rows.padEnd(labelWidth), ...block.map((j) => names[j]!.padStart(widths[j]!))].join(' ');
    out.push(header, '-'.repeat(header.length));
    m.rowKeys.forEach((row, i) => {
      const cells = block.map((j) => {
        const t = text(row, m.colKeys[j]!);
        const padded = t.text.padStart(widths[j]!);
        if (!colour || t.v === null) return padded;
        const v = t.v;
        const shade = worse ? (max > 0 ? Math.sqrt(v / max) : 0) : max > 0 ? (v / max + 1) / 2 : 0.5;
        return paint(padded, ramp(worse ? SEQ : DIV, isShare(metric) ? v : shade));
      });
      out.push([rowLabels[i]!.padEnd(labelWidth), ...cells].join(' '));
    });
  }
  if (coded) {
    out.push('', `${m.spec.cols} (--wide for full names):`);
    const entries = m.colKeys.map((k, j) => {
      const label = keyLabel(m.spec.cols, k, index);
      return `${names[j]!.padStart(4)} ${label === k || label.toLowerCase() === k.replace(/[-_]+/g, ' ').toLowerCase() ? k : `${k} (${label})`}`;
    });
    // Legend in as many columns as fit.
    const cellWidth = Math.min(width, Math.max(...entries.map((e) => e.length)) + 2);
    const perLine = Math.max(1, Math.floor(width / cellWidth));
    for (let i = 0; i < entries.length; i += perLine) {
      out.push(entries.slice(i, i + perLine).map((e) => clip(e, cellWidth - 2).padEnd(cellWidth)).join('').trimEnd());
    }
  }
  return out.join('\n');
}
