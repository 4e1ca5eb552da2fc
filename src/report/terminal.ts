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

/** Rows x columns of one metric; blank where a combination has no mentions. */
export function renderHeatmapTable(m: MatrixResult, index: ThemeIndex, metric: Metric, colour: boolean): string {
  const byKey = new Map(m.cells.map((c) => [`${c.rowKey}\u0000${c.colKey}`, c]));
  const values = m.cells.map((c) => metricValue(c, metric)).filter((v): v is number => v !== null);
  const worse = higherIsWorse(metric);
  const max = worse ? Math.max(0, ...values) : Math.max(0, ...values.map(Math.abs));
  const rowLabels = m.rowKeys.map((k) => clip(`${'  '.repeat(index.depthOf.get(k) ?? 0)}${keyLabel(m.spec.rows, k, index)}`, 30));
  const labelWidth = Math.max(m.spec.rows.length, ...rowLabels.map((l) => l.length));
  const widths = m.colKeys.map((k) => Math.max(6, Math.min(12, k.length)));
  const header = [m.spec.rows.padEnd(labelWidth), ...m.colKeys.map((k, j) => clip(k, widths[j]!).padStart(widths[j]!))].join(' ');
  const lines = m.rowKeys.map((row, i) => {
    const cells = m.colKeys.map((col, j) => {
      const colWidth = widths[j]!;
      const c = byKey.get(`${row}\u0000${col}`);
      const v = c ? metricValue(c, metric) : null;
      const text = (c ? formatMetric(v, metric) || '–' : '').padStart(colWidth);
      if (!colour || v === null) return text;
      const t = worse ? (max > 0 ? Math.sqrt(v / max) : 0) : max > 0 ? (v / max + 1) / 2 : 0.5;
      return paint(text, ramp(worse ? SEQ : DIV, isShare(metric) ? v : t));
    });
    return [rowLabels[i]!.padEnd(labelWidth), ...cells].join(' ');
  });
  return [header, '-'.repeat(header.length), ...lines].join('\n');
}
