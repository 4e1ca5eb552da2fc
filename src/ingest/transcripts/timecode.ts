/**
 * Timestamps in transcripts: cue timings ("00:01:02.500", "00:01:02,500", "01:02.500") and the
 * coarse turn stamps of Otter and note-style transcripts ("1:02:03", "12:34", "[00:12:01]").
 * Everything becomes milliseconds; anything out of range (minutes or seconds >= 60) is null so
 * the caller can quarantine the cue instead of storing a wrong time.
 */

/** Matches "H:MM:SS.mmm", "HH:MM:SS,mmm", "MM:SS.mmm" (VTT allows the hour to be left out). */
const CUE_TIME = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})$/;

/** Matches "M:SS", "MM:SS", "H:MM:SS" (no fraction), as Otter and note transcripts write them. */
const CLOCK_TIME = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{2})$/;

function toMs(hours: string | undefined, minutes: string, seconds: string, fraction = '0'): number | null {
  const h = hours === undefined ? 0 : Number(hours);
  const m = Number(minutes);
  const s = Number(seconds);
  if (m >= 60 || s >= 60) return null;
  // "1.5" means 500 ms, not 5 ms: pad the fraction to three digits.
  const ms = Number(fraction.padEnd(3, '0'));
  return ((h * 60 + m) * 60 + s) * 1000 + ms;
}

/** A cue timestamp in milliseconds, or null when malformed. */
export function parseCueTime(text: string): number | null {
  const m = CUE_TIME.exec(text.trim());
  if (!m) return null;
  return toMs(m[1], m[2] ?? '', m[3] ?? '', m[4]);
}

/** A clock-style timestamp ("0:07", "12:34", "1:02:03") in milliseconds, or null when malformed. */
export function parseClockTime(text: string): number | null {
  const m = CLOCK_TIME.exec(text.trim());
  if (!m) return null;
  return toMs(m[1], m[2] ?? '', m[3] ?? '');
}

export interface CueTiming {
  startMs: number;
  endMs: number;
  /** Cue settings after the end time ("align:start line:0"), kept only for diagnosis. */
  settings: string;
}

/**
 * Parses a timing line "start --> end [settings]". Returns a reason string when it is malformed
 * (so the quarantine message says what is wrong), or the timing.
 */
export function parseTimingLine(line: string): CueTiming | string {
  const arrow = line.indexOf('-->');
  if (arrow < 0) return 'no "-->" between start and end time';
  const startText = line.slice(0, arrow).trim();
  const [endText = '', ...settings] = line
    .slice(arrow + 3)
    .trim()
    .split(/\s+/);
  const startMs = parseCueTime(startText);
  const endMs = parseCueTime(endText);
  if (startMs === null) return `start time "${startText}" is not a timestamp like 00:01:02.500`;
  if (endMs === null) return `end time "${endText}" is not a timestamp like 00:01:05.000`;
  if (endMs < startMs) return `end time ${endText} is before start time ${startText}`;
  return { startMs, endMs, settings: settings.join(' ') };
}
