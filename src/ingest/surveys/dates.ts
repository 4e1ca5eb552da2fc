/**
 * Date parsing for survey exports.
 *
 * Survey tools write dates in a handful of shapes (ISO, "2026-05-03 14:22:10", US "05/03/2026
 * 2:22:10 PM", "3 May 2026"). `Date.parse` is not used for them because it reads zone-less dates
 * in the machine's local time zone, which would make ingest results depend on where it runs.
 * Zone-less dates are read as UTC unless the export names a time zone (Qualtrics does).
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

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
const DMY_NAME_RE = new RegExp(String.raw`^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})${TIME.replace('[T ]+', '[T ,]+')}${ZONE}$`);
const MDY_NAME_RE = new RegExp(String.raw`^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})${TIME.replace('[T ]+', '[T ,]+')}${ZONE}$`);

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
  return MONTHS[name.slice(0, 4).toLowerCase()] ?? MONTHS[name.slice(0, 3).toLowerCase()] ?? NaN;
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

/** Numeric day/month order: US month-first unless the first number cannot be a month. */
function slashParts(m: RegExpExecArray): Parts {
  const a = Number(m[1]);
  const b = Number(m[2]);
  const [mo, d] = a > 12 ? [b, a] : [a, b];
  return withTime(Number(m[3]), mo, d, m.slice(4));
}

function matchParts(text: string): Parts | null {
  let m = ISO_RE.exec(text);
  if (m) return withTime(Number(m[1]), Number(m[2]), Number(m[3]), m.slice(4));
  m = SLASH_RE.exec(text);
  if (m) return slashParts(m);
  m = DMY_NAME_RE.exec(text);
  if (m) return withTime(Number(m[3]), monthNumber(m[2] ?? ''), Number(m[1]), m.slice(4));
  m = MDY_NAME_RE.exec(text);
  if (m) return withTime(Number(m[3]), monthNumber(m[1] ?? ''), Number(m[2]), m.slice(4));
  return null;
}

function valid(p: Parts): boolean {
  if (![p.y, p.mo, p.d, p.h, p.mi, p.s].every(Number.isInteger)) return false;
  if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.h > 23 || p.mi > 59 || p.s > 59) return false;
  const daysInMonth = new Date(Date.UTC(p.y, p.mo, 0)).getUTCDate();
  return p.d <= daysInMonth;
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
 * Parses a survey date to an ISO 8601 UTC string, or null when the text is not a date.
 * `timeZone` (IANA name or offset) applies to zone-less texts; without it they are read as UTC.
 */
export function parseSurveyDate(raw: string, timeZone?: string): string | null {
  const text = raw.trim();
  if (!text) return null;
  const p = matchParts(text);
  if (!p || !valid(p)) return null;
  const naiveUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  let offset = p.offsetMin;
  if (offset === undefined && timeZone) {
    offset = zoneOffset(timeZone) ?? ianaOffsetMinutes(timeZone, naiveUtc);
    // A second pass corrects the offset when the naive guess fell on the other side of a DST switch.
    const second = offset === undefined ? undefined : ianaOffsetMinutes(timeZone, naiveUtc - offset * 60_000);
    if (second !== undefined) offset = second;
  }
  return new Date(naiveUtc - (offset ?? 0) * 60_000).toISOString();
}
