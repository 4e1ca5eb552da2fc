/**
 * CSV writing that is safe to open in Excel/LibreOffice: a text cell starting with = + - @ (or a
 * tab/CR) would be run as a formula, so it gets a leading apostrophe. Numbers are left alone.
 */
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function excelSafe(value: CsvValue): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Header + rows as CSV text (RFC 4180 quoting, \n line ends). `bom` prepends a UTF-8 byte-order
 * mark so Excel shows accents right; off by default because pandas and R keep it in the first name.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[], bom = false): string {
  const body = stringify([header.map(excelSafe), ...rows.map((r) => r.map(excelSafe))], { record_delimiter: '\n' });
  return bom ? `\uFEFF${body}` : body;
}
