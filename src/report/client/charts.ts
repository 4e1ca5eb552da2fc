/** The small SVG charts: monthly sparklines and the journey map's emotion curve. */
import type { JourneyStage } from '../model.js';
import { emotionColour } from './colour.js';
import { full } from './context.js';
import { monthName, own, pct, svgEl } from './dom.js';

export function sparkline(values: readonly number[], w: number, h: number): SVGSVGElement {
  const svg = svgEl('svg', { width: w, height: h, viewBox: `0 0 ${w} ${h}`, class: 'spark' });
  if (values.length === 0) return svg;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (w - 4) / (values.length - 1) : 0;
  const pts = values.map((v, i): [number, number] => [2 + i * step, h - 2 - (v / max) * (h - 4)]);
  svg.appendChild(svgEl('polyline', {
    points: pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' '),
    fill: 'none', stroke: '#8a6d5a', 'stroke-width': '1.5',
  }));
  const last = pts[pts.length - 1]!;
  svg.appendChild(svgEl('circle', { cx: last[0], cy: last[1], r: '2.5', fill: '#b2182b' }));
  const title = svgEl('title');
  title.textContent = `Negative mentions per month: ${full.overall.months.map((m, i) => `${monthName(m)} ${values[i] ?? 0}`).join(', ')}`;
  svg.appendChild(title);
  return svg;
}

export interface CurveEmotion {
  id: string;
  label: string;
}

/** One line per emotion across the stages; each point is the share of the stage's comments showing it. */
export function emotionCurve(
  stages: readonly JourneyStage[],
  emotions: readonly CurveEmotion[],
  colWidth: number,
  onPick: (stage: string, emotion: string) => void,
): SVGSVGElement {
  const h = 150;
  const top = 12;
  const bottom = 18;
  const w = stages.length * colWidth;
  const svg = svgEl('svg', { width: w, height: h, viewBox: `0 0 ${w} ${h}`, class: 'curve', role: 'img' });
  let max = 0;
  for (const s of stages) for (const e of emotions) max = Math.max(max, own(s.emotions, e.id)?.share ?? 0);
  max = max > 0 ? Math.min(1, Math.ceil(max * 10) / 10) : 1;
  const y = (v: number): number => top + (1 - v / max) * (h - top - bottom);
  for (const v of [0, max / 2, max]) {
    svg.appendChild(svgEl('line', { x1: 0, x2: w, y1: y(v).toFixed(1), y2: y(v).toFixed(1), class: 'grid' }));
    const t = svgEl('text', { x: 2, y: (y(v) - 2).toFixed(1), class: 'axis' });
    t.textContent = pct(v);
    svg.appendChild(t);
  }
  for (const e of emotions) {
    const pts = stages.map((s, i): [number, number] => [i * colWidth + colWidth / 2, y(own(s.emotions, e.id)?.share ?? 0)]);
    svg.appendChild(svgEl('polyline', {
      points: pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' '),
      fill: 'none', stroke: emotionColour(e.id), 'stroke-width': '2', class: 'emo-line', 'data-emotion': e.id,
    }));
    stages.forEach((s, i) => {
      const x = own(s.emotions, e.id);
      if (!x) return;
      const p = pts[i]!;
      const dot = svgEl('circle', {
        cx: p[0].toFixed(1), cy: p[1].toFixed(1), r: '4', fill: emotionColour(e.id), class: 'emo-dot',
        'data-stage': s.key, 'data-emotion': e.id, 'data-share': String(x.share),
      });
      const title = svgEl('title');
      title.textContent = `${e.label} in ${s.label}: ${pct(x.share)} of comments (${x.segments} of ${s.mentions})`;
      dot.appendChild(title);
      dot.addEventListener('click', () => onPick(s.key, e.id));
      svg.appendChild(dot);
    });
  }
  return svg;
}
