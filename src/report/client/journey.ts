/**
 * The emotional journey map: stages left to right with their volume, pain (negative mentions per
 * 100 documents, coloured around the average stage), sentiment, dominant emotions and top pain
 * themes, joined by the emotion curve. Unassigned is shown apart, greyed, never coloured as pain.
 */
import type { JourneyEmotion, JourneyStage, ReportQuote } from '../model.js';
import { emotionCurve } from './charts.js';
import { divergingAround, emotionColour, inkFor, rgb } from './colour.js';
import { emotionLabel, full, trendText, view } from './context.js';
import { add, button, byId, clear, el, own, pct, signed } from './dom.js';
import { negativeFirst, quoteFigure } from './quotes.js';

const per100 = (v: number): string => v.toFixed(1);

function emotionTrend(e: JourneyEmotion): string {
  return trendText({ z: e.z, latest: e.latest, baseline: e.baseline, anomaly: e.z !== null && e.z >= full.params.anomalyZ });
}

export function showJourneyQuotes(stage: string, emotion: string | null): void {
  const j = view().journey;
  const panel = byId('journey-detail');
  clear(panel);
  const s = j.stages.find((x) => x.key === stage);
  if (!s) return;
  for (const x of document.querySelectorAll('#journey .picked')) x.classList.remove('picked');
  document.querySelector(`#journey .stage[data-stage="${CSS.escape(stage)}"]`)?.classList.add('picked');
  let quotes: ReportQuote[];
  const e = emotion ? own(s.emotions, emotion) : undefined;
  if (emotion && e) {
    add(panel, el('p', 'eyebrow', s.label), el('h3', null, `${emotionLabel(emotion)}: ${pct(e.share)} of ${s.mentions} comments`));
    const trend = emotionTrend(e);
    add(panel, el('p', 'muted', `95% CI ${pct(e.low)}\u2013${pct(e.high)} \u00b7 ${e.segments} comments show it${trend ? ` \u00b7 ${trend}` : ''}`));
    quotes = own(j.emotionQuotes, `${stage}|${emotion}`) ?? [];
  } else {
    add(panel, el('p', 'eyebrow', 'Journey stage'), el('h3', null, s.label));
    quotes = negativeFirst(own(j.quotes, stage) ?? []);
  }
  for (const q of quotes) add(panel, quoteFigure(q));
  if (!quotes.length) add(panel, el('p', 'muted', 'No quotes stored for this.'));
  panel.hidden = false;
  panel.setAttribute('data-stage', stage);
  panel.setAttribute('data-emotion', emotion ?? '');
}

function stageCard(s: JourneyStage, centre: number, spread: number): HTMLElement {
  const card = el('div', `stage${s.unassigned ? ' unassigned' : ''}`);
  card.setAttribute('data-stage', s.key);
  add(card, button('stage-name', s.label, () => showJourneyQuotes(s.key, null)),
    el('div', 'stage-vol', `${s.mentions} comments \u00b7 ${s.docs} documents`));
  const pain = el('div', 'stage-pain');
  pain.setAttribute('data-value', String(s.negPer100));
  add(pain, el('span', 'big', per100(s.negPer100)), el('span', null, ' negative per 100 documents'),
    el('div', 'ci', `95% CI ${per100(s.p100Low)}\u2013${per100(s.p100High)}`));
  if (!s.unassigned) {
    const col = divergingAround(s.negPer100, centre, spread);
    pain.style.background = rgb(col);
    pain.style.color = inkFor(col);
  }
  const sent = el('div', 'stage-sent', `Mean sentiment ${signed(s.sentiment, 2)} (95% CI ${signed(s.sLow, 2)} to ${signed(s.sHigh, 2)})`);
  sent.title = 'Mean sentiment of the stage\'s comments, from -1 (negative) to +1 (positive).';
  sent.setAttribute('data-value', String(s.sentiment));
  add(card, pain, sent);
  const emo = el('div', 'stage-emotions');
  for (const id of s.dominant) {
    const e = own(s.emotions, id);
    if (!e) continue;
    const b = button('emo', `${emotionLabel(id)} ${pct(e.share)}`, () => showJourneyQuotes(s.key, id));
    b.style.borderColor = emotionColour(id);
    b.setAttribute('data-emotion', id);
    b.setAttribute('data-share', String(e.share));
    b.title = `${pct(e.low)}\u2013${pct(e.high)} (95% CI), ${e.segments} of ${s.mentions} comments. Click for quotes.`;
    add(emo, b);
  }
  if (!s.dominant.length) add(emo, el('span', 'muted', 'no emotion detected'));
  add(card, emo);
  if (s.unassigned) {
    add(card, el('p', 'muted note-small', 'No stage could be told for these comments: counted, not ranked.'));
  } else if (s.pains.length) {
    const ol = el('ol', 'stage-pains');
    for (const p of s.pains) {
      const li = el('li');
      li.setAttribute('data-theme', p.theme);
      add(ol, add(li, el('span', null, p.label), el('span', 'muted', ` ${per100(p.negPer100)} per 100 docs`)));
    }
    add(card, el('div', 'stage-sub', 'Top pain themes'), ol);
  }
  return card;
}

export function renderJourney(): void {
  const j = view().journey;
  const box = byId('journey');
  clear(box);
  add(box, el('h2', null, 'The journey'));
  if (!j.stages.length) {
    add(box, el('p', 'muted', 'No journey map for this selection (or this aggregate has none yet: run voc aggregate again).'));
    return;
  }
  add(box, el('p', 'muted', 'Stages in journey order. Pain is negative mentions per 100 documents: of every 100 documents ' +
    '(survey responses, tickets, interviews) in the data, how many say something negative about the stage, with its 95% interval. ' +
    `Red: more than the average stage (${per100(j.meanPer100)} per 100); blue: fewer; white: about average. ` +
    'The curve shows the share of comments at each stage showing an emotion. Click a stage, an emotion or a point for quotes.'));
  const stages = j.stages.filter((s) => !s.unassigned);
  const apart = j.stages.filter((s) => s.unassigned);
  const spread = Math.max(0, ...stages.map((s) => Math.abs(s.negPer100 - j.meanPer100)));
  const used = j.emotions.filter((e) => stages.some((s) => (own(s.emotions, e.id)?.segments ?? 0) > 0));
  const legend = el('div', 'emo-legend');
  for (const e of used) {
    const k = el('span', 'emo-key', e.label);
    k.style.borderColor = emotionColour(e.id);
    add(legend, k);
  }
  add(box, legend);
  // As wide as the page allows (130-220px a stage), the unassigned column apart on the right.
  const room = (box.clientWidth || 1200) - (apart.length ? 200 : 0) - 40;
  const colWidth = Math.max(130, Math.min(220, Math.floor(room / Math.max(1, stages.length))));
  const wrap = el('div', 'journey-wrap');
  const main = el('div', 'journey-main');
  if (used.length && stages.length) add(main, emotionCurve(stages, used, colWidth, showJourneyQuotes));
  const row = el('div', 'journey-stages');
  row.style.gridTemplateColumns = `repeat(${stages.length}, ${colWidth}px)`;
  for (const s of stages) add(row, stageCard(s, j.meanPer100, spread));
  add(wrap, add(main, row));
  if (apart.length) {
    const side = el('div', 'journey-apart');
    for (const s of apart) add(side, stageCard(s, j.meanPer100, spread));
    add(wrap, side);
  }
  add(box, wrap);
  const detail = el('aside', 'journey-detail');
  detail.id = 'journey-detail';
  detail.hidden = true;
  add(box, detail);
}
