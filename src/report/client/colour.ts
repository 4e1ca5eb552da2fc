/**
 * Colour scales. Sequential: warm white to deep red. Diverging: red (bad) - light grey - blue
 * (good), colour-blind safe (ColorBrewer RdBu).
 */
export type Rgb = [number, number, number];
export type ScaleKind = 'centred' | 'div' | 'share' | 'lin' | 'seq';

export const SEQ: Rgb[] = [[250, 248, 245], [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31]];
export const DIV: Rgb[] = [[178, 24, 43], [239, 138, 98], [247, 247, 247], [103, 169, 207], [33, 102, 172]];

export function ramp(stops: Rgb[], t: number): Rgb {
  const u = Math.max(0, Math.min(1, t));
  const x = u * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as Rgb;
}

export function colourFor(scale: ScaleKind, v: number | null, max: number, centre: number): Rgb | null {
  if (v === null) return null;
  // Diverging around the corpus mean: red above it (more pain), blue below, white about average.
  if (scale === 'centred') return ramp(DIV, max > 0 ? 0.5 - (v - centre) / (2 * max) : 0.5);
  if (scale === 'div') return ramp(DIV, max > 0 ? (v / max + 1) / 2 : 0.5);
  if (scale === 'share') return ramp(SEQ, v);
  // Pain is already log-damped: a linear scale keeps the worst cells standing out.
  if (scale === 'lin') return ramp(SEQ, max > 0 ? v / max : 0);
  return ramp(SEQ, max > 0 ? Math.sqrt(v / max) : 0);
}

/** Diverging around a centre: red above it (more pain), blue below. */
export function divergingAround(v: number, centre: number, spread: number): Rgb {
  return ramp(DIV, spread > 0 ? 0.5 - (v - centre) / (2 * spread) : 0.5);
}

export function rgb(c: Rgb): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export function inkFor(c: Rgb): string {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] < 140 ? '#fff' : '#1d1d1f';
}

const EMOTION_COLOURS: Record<string, string> = {
  'frustration-anger': '#b2182b', confusion: '#e08214', disappointment: '#8073ac', worry: '#542788',
  'satisfaction-joy': '#1b7837', gratitude: '#2166ac', surprise: '#878787',
};

export function emotionColour(id: string): string {
  return Object.prototype.hasOwnProperty.call(EMOTION_COLOURS, id) ? EMOTION_COLOURS[id]! : '#4d4d4d';
}
