/**
 * Finding the interview date in a header line, a sidecar cell or a file name.
 *
 * `Date.parse` is avoided: it reads zone-less dates in the machine's time zone, which would make
 * ingest results depend on where it runs. Zone-less dates are taken as UTC.
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

const TIME = String.raw`(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?`;
const ISO = new RegExp(String.raw`(\d{4})-(\d{2})-(\d{2})${TIME}`);
/** "Jun 7, 2026", "June 7 2026", optionally after a weekday and followed by a time. */
const MDY = new RegExp(String.raw`\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})${TIME}`);
/** "7 June 2026". */
const DMY = new RegExp(String.raw`\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})${TIME}`);

function month(name: string): number | undefined {
  return MONTHS[name.slice(0, 3).toLowerCase()];
}

function build(y: number, mo: number | undefined, d: number, time: (string | undefined)[]): string | null {
  const [h = '0', mi = '0', s = '0', ampm] = time;
  let hour = Number(h);
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
  }
  if (mo === undefined || mo < 1 || mo > 12 || d < 1 || d > 31 || hour > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, hour, Number(mi), Number(s)));
  // Date.UTC rolls "June 31" over into July; such a date is a typo, not July 1st.
  if (date.getUTCDate() !== d) return null;
  return date.toISOString();
}

/** The first date found anywhere in `text`, as ISO 8601 (UTC), or null. */
export function findDate(text: string): string | null {
  let m = ISO.exec(text);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m.slice(4));
  m = MDY.exec(text);
  if (m && month(m[1] ?? '') !== undefined) return build(Number(m[3]), month(m[1] ?? ''), Number(m[2]), m.slice(4));
  m = DMY.exec(text);
  if (m) return build(Number(m[3]), month(m[2] ?? ''), Number(m[1]), m.slice(4));
  return null;
}
