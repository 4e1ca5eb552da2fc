/**
 * The emotion vocabulary: the built-in emotion ids (pipelines/codeframes/emotions.yaml), the short
 * names people type, display labels and colour direction. Shared by config validation, the
 * aggregate and the report.
 */
/** The built-in emotions codeframe (pipelines/codeframes/emotions.yaml), in its order. */
export const DEFAULT_EMOTIONS = [
  'frustration-anger',
  'confusion',
  'disappointment',
  'worry',
  'satisfaction-joy',
  'gratitude',
  'surprise',
] as const;

/** Short names people type (`emotion:frustration`) for the built-in ids. */
const ALIASES: Readonly<Record<string, string>> = {
  frustration: 'frustration-anger',
  anger: 'frustration-anger',
  satisfaction: 'satisfaction-joy',
  joy: 'satisfaction-joy',
};

const LABELS: Readonly<Record<string, string>> = {
  'frustration-anger': 'Frustration',
  confusion: 'Confusion',
  disappointment: 'Disappointment',
  worry: 'Worry',
  'satisfaction-joy': 'Joy',
  gratitude: 'Gratitude',
  surprise: 'Surprise',
};

export function emotionLabel(id: string): string {
  if (Object.prototype.hasOwnProperty.call(LABELS, id)) return LABELS[id]!;
  const s = id.replace(/[-_]+/g, ' ').trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) : id;
}

const POSITIVE = new Set(['satisfaction-joy', 'gratitude']);
const NEUTRAL = new Set(['surprise']);

/** Whether more of an emotion is bad news (colour direction): not for joy, gratitude or surprise. */
export function emotionIsNegative(id: string): boolean {
  return !POSITIVE.has(id) && !NEUTRAL.has(id);
}

export function canonicalEmotion(name: string): string {
  const n = name.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(ALIASES, n) ? ALIASES[n]! : n;
}

/** The built-in emotions in codeframe order, then any other emotion seen in the data, by name. */
export function emotionSet(seen: Iterable<string>): string[] {
  const extra = [...new Set(seen)].filter((e) => !(DEFAULT_EMOTIONS as readonly string[]).includes(e)).sort();
  return [...DEFAULT_EMOTIONS, ...extra];
}
