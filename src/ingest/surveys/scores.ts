/**
 * Score parsing: turns what survey tools export for rating questions into a number on a known
 * scale, or explains why it could not.
 *
 * Tools export either the number ("9"), the number with its label ("9 - Very likely",
 * "Extremely likely 10") or, for satisfaction questions, only the label ("Very satisfied").
 */
import type { ScoreScale } from '../../config/pipeline.js';
import type { RawScore } from '../types.js';

type ScaleName = RawScore['scale'];

/** Allowed range per scale, and whether only whole numbers are valid answers. */
export const SCALE_RANGES: Record<ScaleName, { min: number; max: number; integer: boolean }> = {
  nps: { min: 0, max: 10, integer: true },
  csat5: { min: 1, max: 5, integer: true },
  csat7: { min: 1, max: 7, integer: true },
  ces7: { min: 1, max: 7, integer: true },
  stars5: { min: 1, max: 5, integer: false },
  rating10: { min: 1, max: 10, integer: false },
  rating100: { min: 0, max: 100, integer: false },
  yesno: { min: 0, max: 1, integer: true },
};

/** "Would you recommend us?" answers: yes is 1, no is 0. */
const YES_NO = new Map<string, number>([
  ['yes', 1], ['y', 1], ['true', 1], ['1', 1], ['recommended', 1],
  ['no', 0], ['n', 0], ['false', 0], ['0', 0], ['not recommended', 0],
]);

/** Standard 5-point satisfaction labels (lower-cased) as tools export them. */
const CSAT5_LABELS = new Map<string, number>(Object.entries({
  'very dissatisfied': 1,
  'extremely dissatisfied': 1,
  dissatisfied: 2,
  'somewhat dissatisfied': 2,
  'neither satisfied nor dissatisfied': 3,
  neutral: 3,
  satisfied: 4,
  'somewhat satisfied': 4,
  'very satisfied': 5,
  'extremely satisfied': 5,
}));

export type ScoreResult = { score: RawScore | null; warning?: string };

/** Scientific and hex notation are not how any survey tool writes a rating: refused, not misread. */
const NOT_A_RATING = /^[+-]?(?:\d+\.?\d*|\.\d+)e[+-]?\d+$|^[+-]?0[xob][0-9a-f]+$/i;

function numberIn(text: string): number | null {
  if (NOT_A_RATING.test(text)) return null;
  if (/^[+-]?\d+(?:[.,]\d+)?$/.test(text)) return Number(text.replace(',', '.'));
  // "9 - Extremely likely", "10 (Extremely likely)", "Extremely likely 10", "4/5", "8 out of 10"
  const lead = /^(\d{1,3})(?:\s*[-–:(/]|\s+[A-Za-z])/.exec(text);
  if (lead) return Number(lead[1]);
  const trail = /[A-Za-z)](?:\s+|\s*[-–:]\s*)(\d{1,3})$/.exec(text);
  return trail ? Number(trail[1]) : null;
}

/**
 * Parses one score cell. Empty cells are "not answered" (null, no warning); anything else that is
 * not a number within the scale's range is null with a warning naming the value and the range.
 */
export function parseScore(raw: string | number | null | undefined, scale: ScoreScale, field: string): ScoreResult {
  if (scale === 'none' || raw === null || raw === undefined) return { score: null };
  const text = String(raw).trim();
  if (!text) return { score: null };
  const range = SCALE_RANGES[scale];
  const label = text.toLowerCase();
  const value =
    typeof raw === 'number'
      ? raw
      : scale === 'yesno'
        ? YES_NO.get(label)
        : (numberIn(text) ?? (scale === 'csat5' ? CSAT5_LABELS.get(label) : undefined));
  if (value === undefined || value === null || !Number.isFinite(value)) {
    return { score: null, warning: `score "${text}" in ${field} is not a number; expected ${range.min}-${range.max} (${scale})` };
  }
  if (value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
    return { score: null, warning: `score ${text} in ${field} is outside the ${scale} scale (${range.min}-${range.max})` };
  }
  return { score: { value, scale } };
}
