/**
 * Date parsing for every reader: one month table, one set of rules.
 *
 * - `parseDate`: a cell that is a date (survey exports): ISO, "2026-05-03 14:22:10", US
 *   "05/03/2026 2:22:10 PM", European "03.05.2026", "3 May 2026", "November 19th, 2023", with an
 *   optional zone; a configured day order or time zone applies.
 * - `findDate`: the first date anywhere in a longer text (a transcript header line, a sidecar
 *   cell, a file name): ISO "2026-06-07", "Jun 7, 2026" (optionally after a weekday), "7 June 2026",
 *   each optionally followed by a time.
 *
 * `Date.parse` is not used: it reads zone-less dates in the machine's local time zone, which would
 * make ingest results depend on where it runs. Zone-less dates are read as UTC unless the export
 * names a time zone (Qualtrics does). Impossible dates ("June 31", "13 PM") are not dates.
 */

const MONTHS = new Map<string, number>(
  Object.entries({ jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12 }),
);
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** How numeric dates order day and month. */
export type DayOrder = 'month-first' | 'day-first' | 'auto';

/**
 * The day order a `dateFormat` such as "DD/MM/YYYY", "MM/DD/YYYY", "D MMMM YYYY" or "YYYY-MM-DD"
 * says. Without one: month first for slashes (US tools), day first for dots (European "03.05.2026"),
 * and a first number over 12 is always the day.
 */
export function dayOrderOf(dateFormat: string | undefined): DayOrder {
  if (!dateFormat) return 'auto';
  const f = dateFormat.toUpperCase();
  const d = f.indexOf('D');
  const m = f.indexOf('M');
  if (d < 0 || m < 0) return 'auto';
  return d < m ? 'day-first' : 'month-first';
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  /** Offset in minutes east of UTC when the text named one; undefined: zone-less. */
  offsetMin?: number;
}

const TIME = String.raw`(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?)?`;
const ZONE = String.raw`\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?`;
const ISO_RE = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})${TIME}${ZONE}$`);
const SLASH_RE = new RegExp(String.raw`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})${TIME}${ZONE}$`);
/** Day numbers may carry an English ordinal suffix: "19th November 2023", "November 19th, 2023". */
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const DMY_NAME_RE = new RegExp(String.raw`^${DAY}\s+(?:of\s+)?([A-Za-z]{3,9})\.?,?\s+(\d{4})${TIME.replace('[T ]+', '[T ,]+')}${ZONE}$`, 'i');
const MDY_NAME_RE = new RegExp(String.raw`^([A-Za-z]{3,9})\.?\s+${DAY},?\s+(\d{4})${TIME.replace('[T ]+', '[T ,]+')}${ZONE}$`, 'i');

function hour24(h: number, ampm: string | undefined): number {
  if (!ampm) return h;
  const pm = ampm.toLowerCase() === 'pm';
  if (h < 1 || h > 12) return NaN;
  return (h % 12) + (pm ? 12 : 0);
}

function zoneOffset(zone: string | undefined): number | undefined {
  if (!zone || zone === 'Z' || zone === 'UTC' || zone === 'GMT') return zone ? 0 : undefined;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3]));
}

function monthNumber(name: string): number {
  const n = name.toLowerCase();
  // A full name, or an abbreviation of one ("Sept", "Nov"); not any word starting like a month.
  const full = MONTH_NAMES.findIndex((m) => m === n || (n.length >= 3 && m.startsWith(n)));
  if (full >= 0) return full + 1;
  return MONTHS.get(n) ?? NaN;
}

function withTime(y: number, mo: number, d: number, t: (string | undefined)[]): Parts {
  const [h, mi, s, ampm, zone] = t;
  return {
    y,
    mo,
    d,
    h: hour24(Number(h ?? 0), ampm),
    mi: Number(mi ?? 0),
    s: Number(s ?? 0),
    offsetMin: zoneOffset(zone),
  };
}

/** Numeric day/month order: as configured, else by separator; a first number over 12 is the day. */
function slashParts(m: RegExpExecArray, text: string, order: DayOrder): Parts {
  const a = Number(m[1]);
  const b = Number(m[2]);
  const dayFirst = order === 'day-first' || (order === 'auto' && (a > 12 || /^\d{1,2}\./.test(text)));
  const [mo, d] = dayFirst ? [b, a] : [a, b];
  return withTime(Number(m[3]), mo, d, m.slice(4));
}

function matchParts(text: string, order: DayOrder): Parts | null {
  let m = ISO_RE.exec(text);
  if (m) return withTime(Number(m[1]), Number(m[2]), Number(m[3]), m.slice(4));
  m = SLASH_RE.exec(text);
  if (m) return slashParts(m, text, order);
  m = DMY_NAME_RE.exec(text);
  if (m) return withTime(Number(m[3]), monthNumber(m[2] ?? ''), Number(m[1]), m.slice(4));
  m = MDY_NAME_RE.exec(text);
  if (m) return withTime(Number(m[3]), monthNumber(m[1] ?? ''), Number(m[2]), m.slice(4));
  return null;
}

function valid(p: Parts): boolean {
  if (![p.y, p.mo, p.d, p.h, p.mi, p.s].every(Number.isInteger)) return false;
  if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.h > 23 || p.mi > 59 || p.s > 59) return false;
  const daysInMonth = new Date(utc(p.y, p.mo + 1, 0, 0, 0, 0)).getUTCDate();
  return p.d <= daysInMonth;
}

/** Date.UTC, but years 0-99 stay years 0-99 (Date.UTC reads them as 1900-1999). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  date.setUTCFullYear(y, mo - 1, d);
  return date.getTime();
}

/** Minutes east of UTC of an IANA zone at a given instant, via Intl (no tz database needed). */
function ianaOffsetMinutes(zone: string, utcMs: number): number | undefined {
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    const get = (type: string): number => Number(fmt.formatToParts(utcMs).find((x) => x.type === type)?.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((local - utcMs) / 60_000);
  } catch {
    return undefined; // unknown zone name: treated as UTC by the caller
  }
}

/**
 * Parses a date that is the whole text (a survey cell) to an ISO 8601 UTC string, or null when the
 * text is not a date.
 * `timeZone` (IANA name or offset) applies to zone-less texts; without it they are read as UTC.
 */
export function parseDate(raw: string, timeZone?: string, order: DayOrder = 'auto'): string | null {
  const text = raw.trim();
  if (!text) return null;
  const p = matchParts(text, order);
  if (!p || !valid(p)) return null;
  const naiveUtc = utc(p.y, p.mo, p.d, p.h, p.mi, p.s);
  let offset = p.offsetMin;
  if (offset === undefined && timeZone) {
    offset = zoneOffset(timeZone) ?? ianaOffsetMinutes(timeZone, naiveUtc);
    // A second pass corrects the offset when the naive guess fell on the other side of a DST switch.
    const second = offset === undefined ? undefined : ianaOffsetMinutes(timeZone, naiveUtc - offset * 60_000);
    if (second !== undefined) offset = second;
  }
  return new Date(naiveUtc - (offset ?? 0) * 60_000).toISOString();
}

/** A time after a found date (no fractional seconds, no zone: zone-less, so UTC). */
const FIND_TIME = String.raw`(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?`;
const FIND_ISO = new RegExp(String.raw`(\d{4})-(\d{2})-(\d{2})${FIND_TIME}`);
/** "Jun 7, 2026", "June 7 2026", optionally after a weekday and followed by a time. */
const FIND_MDY = new RegExp(String.raw`\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})${FIND_TIME}`);
/** "7 June 2026". */
const FIND_DMY = new RegExp(String.raw`\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})${FIND_TIME}`);

function isoOf(p: Parts): string | null {
  return valid(p) ? new Date(utc(p.y, p.mo, p.d, p.h, p.mi, p.s)).toISOString() : null;
}

/** The first date found anywhere in `text`, as ISO 8601 (UTC), or null. */
export function findDate(text: string): string | null {
  let m = FIND_ISO.exec(text);
  if (m) return isoOf(withTime(Number(m[1]), Number(m[2]), Number(m[3]), m.slice(4)));
  m = FIND_MDY.exec(text);
  // A word before a day and year that is no month ("Call 7, 2026") may still precede a "7 June 2026".
  if (m && !Number.isNaN(monthNumber(m[1] ?? ''))) return isoOf(withTime(Number(m[3]), monthNumber(m[1] ?? ''), Number(m[2]), m.slice(4)));
  m = FIND_DMY.exec(text);
  if (m) return isoOf(withTime(Number(m[3]), monthNumber(m[2] ?? ''), Number(m[1]), m.slice(4)));
  return null;
}
