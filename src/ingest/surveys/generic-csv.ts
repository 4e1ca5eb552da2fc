/**
 * `generic-csv`: any survey export with one header row and one response per row.
 *
 * The source's `mapping` says which columns are what. Whatever it leaves out is guessed from the
 * header names and the first 200 rows (see `looksFreeText`), so a quick first ingest works
 * without a mapping and a careful one can pin everything down.
 */
import { parseDate } from '../dates.js';
import { plainLayout, readSurveyCsv, type Defaults, type SurveyDialect, type TableLayout } from './tabular.js';
import type { FormatModule } from '../types.js';

/** Header names that promise free text. */
const TEXT_NAME = /comment|feedback|reason|why|verbatim|open[-_ ]?end|suggest|improv|describe|explain|tell us|anything else|remark|note|answer|message|text/i;
/** "id", "ResponseId", "feedback_id", "Respondent ID": the first such column is the id. */
const ID_NAME = /^(id|ID|Id|.*[_ -](id|ID|Id)|.*[a-z](Id|ID))$/;
const DATE_NAME = /date|time|submitted|created|recorded|completed/i;
const NPS_NAME = /\bnps\b|recommend|likelihood/i;

function share(values: string[], test: (v: string) => boolean): number {
  return values.length === 0 ? 0 : values.filter(test).length / values.length;
}

/**
 * The free-text heuristic. A column is free text when its non-empty sample values are mostly not
 * numbers or dates, and they are long (on average 25+ characters or 4+ words) or the header name
 * promises text (comment, feedback, reason, ...) and they are at least 2 words on average. Short
 * values that repeat a lot (plan, region, yes/no) are categories, not text.
 */
export function looksFreeText(name: string, values: string[]): boolean {
  const filled = values.map((v) => v.trim()).filter((v) => v !== '');
  const named = TEXT_NAME.test(name);
  if (filled.length === 0) return named;
  if (share(filled, (v) => /^[+-]?\d+([.,]\d+)?$/.test(v)) > 0.5) return false;
  if (share(filled, (v) => parseDate(v) !== null) > 0.5) return false;
  const avgLen = filled.reduce((n, v) => n + v.length, 0) / filled.length;
  const avgWords = filled.reduce((n, v) => n + v.split(/\s+/).length, 0) / filled.length;
  const distinct = new Set(filled.map((v) => v.toLowerCase())).size / filled.length;
  if (filled.length >= 5 && distinct < 0.5) return false;
  return avgLen >= 25 || avgWords >= 4 || (named && avgWords >= 2);
}

function genericDefaults(layout: TableLayout, samples: Record<string, string>[], explicit: Defaults): Defaults {
  const used = new Set<string>([
    ...(explicit.id ? [explicit.id] : []),
    ...(explicit.score ? [explicit.score.column] : []),
    ...(explicit.dates ?? []),
    ...(explicit.channel ? [explicit.channel] : []),
    ...(explicit.title ? [explicit.title] : []),
    ...Object.values(explicit.attributes ?? {}),
  ]);
  const values = (c: string): string[] => samples.map((r) => r[c] ?? '');
  const id = explicit.id ?? layout.columns.find((c) => ID_NAME.test(c.trim()));
  const date = layout.columns.find((c) => DATE_NAME.test(c) && share(values(c).filter(Boolean), (v) => parseDate(v) !== null) > 0.5);
  const nps = layout.columns.find((c) => NPS_NAME.test(c) && !used.has(c));
  if (id) used.add(id);
  if (date) used.add(date);
  if (nps && !explicit.score) used.add(nps);
  return {
    id,
    dates: date ? [date] : [],
    score: nps ? { column: nps, scale: 'nps' } : undefined,
    text: layout.columns.filter((c) => !used.has(c) && looksFreeText(c, values(c))),
  };
}

const dialect: SurveyDialect = {
  label: 'CSV file',
  headerRowCount: () => 1,
  buildLayout: (rows) => plainLayout(rows[0] ?? []),
  defaults: genericDefaults,
};

export const genericCsv: FormatModule = {
  format: 'generic-csv',
  kind: 'survey',
  /** Any delimited text could be a generic survey CSV, so this format is a low-confidence fallback. */
  sniff(head, fileName) {
    const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
    if (/^\s*[[{]/.test(head)) return 0;
    const delimited = /[,;\t|]/.test(firstLine);
    if (/\.(csv|tsv|txt)$/i.test(fileName) && delimited) return 0.4;
    return delimited ? 0.31 : 0;
  },
  read: (ctx) => readSurveyCsv(ctx, dialect),
};
