/**
 * Emotions on test/data/emotion-labelled.csv: customer-feedback-like sentences written and
 * hand-labelled (multi-label) for this project. The cue lexicon was written with this set in view,
 * so the numbers are optimistic for other text; they guard against regressions.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { Analyzer } from '../../src/analyze/analyzer.js';
import { loadAnalyzerParts } from '../../src/analyze/models.js';
import { parseAnalysisConfig } from '../../src/config/analysis.js';
import { openDatabase } from '../../src/store/db.js';

const Row = z.object({ text: z.string().min(1), emotions: z.string() });
export const EMOTION_IDS = ['frustration-anger', 'confusion', 'disappointment', 'worry', 'satisfaction-joy', 'gratitude', 'surprise'];

export interface EmotionScores {
  rows: number;
  perEmotion: Array<{ id: string; support: number; precision: number; recall: number; f1: number }>;
  microF1: number;
  macroF1: number;
}

export function readEmotionSet(path = 'test/data/emotion-labelled.csv'): Array<{ text: string; gold: string[] }> {
  return z
    .array(Row)
    .parse(parse(readFileSync(path), { columns: true, bom: true }))
    .map((r) => ({ text: r.text, gold: r.emotions.split(';').filter(Boolean) }));
}

export function scoreEmotionPredictions(gold: string[][], pred: string[][]): EmotionScores {
  let [TP, FP, FN] = [0, 0, 0];
  const perEmotion = EMOTION_IDS.map((id) => {
    let [tp, fp, fn] = [0, 0, 0];
    gold.forEach((g, i) => {
      const inG = g.includes(id);
      const inP = pred[i]!.includes(id);
      if (inG && inP) tp++;
      else if (inP) fp++;
      else if (inG) fn++;
    });
    [TP, FP, FN] = [TP + tp, FP + fp, FN + fn];
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    return { id, support: tp + fn, precision, recall, f1: 2 * tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 0 };
  });
  return {
    rows: gold.length,
    perEmotion,
    microF1: (2 * TP) / (2 * TP + FP + FN),
    macroF1: perEmotion.reduce((a, e) => a + e.f1, 0) / perEmotion.length,
  };
}

/** Runs the real analyser (encoder, sentiment model, emotion codeframe) over the labelled set. */
export async function evaluateEmotions(dbPath = 'data/eval-embeddings.sqlite'): Promise<EmotionScores> {
  const rows = readEmotionSet();
  const acfg = parseAnalysisConfig({ discovery: { enabled: false } });
  const db = openDatabase(dbPath);
  const parts = await loadAnalyzerParts(acfg, db);
  try {
    const analyzer = await Analyzer.create(acfg, parts);
    const { segments } = await analyzer.analyze(
      rows.map((r, i) => ({ doc: { key: String(i), kind: 'survey', sourceName: 'eval', channel: null, attributes: {} }, text: r.text, field: null })),
    );
    return scoreEmotionPredictions(
      rows.map((r) => r.gold),
      segments.map((s) => s.emotions.map((e) => e.id)),
    );
  } finally {
    await parts.encoder.dispose();
    db.close();
  }
}

export async function run(): Promise<string> {
  const s = await evaluateEmotions();
  const f = (x: number) => x.toFixed(2);
  return [
    '## Emotions: hand-labelled feedback sentences (multi-label)',
    '',
    `Command: \`npm run eval -- emotion\`, run on ${new Date().toISOString().slice(0, 10)}. Data: test/data/emotion-labelled.csv (${s.rows} sentences written and labelled for this project; the cue lexicon was written with it in view, so treat these as optimistic).`,
    '',
    '| emotion | support | precision | recall | F1 |',
    '|---|---|---|---|---|',
    ...s.perEmotion.map((e) => `| ${e.id} | ${e.support} | ${f(e.precision)} | ${f(e.recall)} | ${f(e.f1)} |`),
    '',
    `Micro-F1 ${f(s.microF1)}, macro-F1 ${f(s.macroF1)}.`,
  ].join('\n');
}
