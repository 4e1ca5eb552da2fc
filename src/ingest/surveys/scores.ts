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
};

/** Standard 5-point satisfaction labels (lower-cased) as tools export them. */
const CSAT5_LABELS: Record<string, number> = {
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
};

export type ScoreResult = { score: RawScore | null; warning?: string };

function numberIn(text: string): number | null {
  if (/^[+-]?\d+(?:[.,]\d+)?$/.test(text)) return Number(text.replace(',', '.'));
  // "9 - Extremely likely", "10 (Extremely likely)", "Extremely likely 10"
  const lead = /^(\d{1,2})(?:\s*[-–:(]|\s+[A-Za-z])/.exec(text);
  if (lead) return Number(lead[1]);
  const trail = /[A-Za-z)]\s*[-–:]?\s*(\d{1,2})$/.exec(text);
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
  const value = typeof raw === 'number' ? raw : (numberIn(text) ?? (scale === 'csat5' ? CSAT5_LABELS[text.toLowerCase()] : undefined));
  if (value === undefined || value === null || !Number.isFinite(value)) {
    return { score: null, warning: `score "${text}" in ${field} is not a number; expected ${range.min}-${range.max} (${scale})` };
  }
  if (value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
    return { score: null, warning: `score ${text} in ${field} is outside the ${scale} scale (${range.min}-${range.max})` };
  }
  return { score: { value, scale } };
}
