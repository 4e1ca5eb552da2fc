/**
 * Journey stage from text alone (no metadata) with the real encoder and the shipped stage
 * codeframe, on the hand-labelled multi-industry sentences in test/data/stages-labelled.csv.
 * The floor is below the measured accuracy (see docs/analysis.md) so noise does not fail it, but far
 * above what the previous codeframe reached (66%): thinning the codeframe or breaking the vote fails it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { parseAnalysisConfig, type AnalysisConfig } from '../src/config/analysis.js';
import { loadCodeframe } from '../src/config/codeframe.js';
import { createEncoder, type Encoder } from '../src/models/encoder.js';
import { stems } from '../src/analyze/lexical.js';
import { assignZeroShot } from '../src/analyze/themes.js';
import { decideJourney } from '../src/analyze/journey.js';
import { ZeroShotClassifier } from '../src/analyze/zeroshot.js';

const Row = z.object({ text: z.string().min(1), stage: z.string().min(1), industry: z.string().min(1) });
const rows = z.array(Row).parse(parse(readFileSync('test/data/stages-labelled.csv'), { columns: true, bom: true }));

let encoder: Encoder;
let cfg: AnalysisConfig;
let themes: ZeroShotClassifier;
let stages: ZeroShotClassifier;

beforeAll(async () => {
  encoder = await createEncoder({ backend: 'use' });
  cfg = parseAnalysisConfig({});
  themes = await ZeroShotClassifier.build(loadCodeframe(cfg.codeframes.themes).themes, encoder, cfg.zeroShot);
  stages = await ZeroShotClassifier.build(loadCodeframe(cfg.codeframes.stages).themes, encoder, cfg.zeroShot);
});
afterAll(async () => encoder?.dispose());

async function predict(texts: string[]): Promise<string[]> {
  const vectors = await encoder.embed(texts);
  return texts.map((text, i) => {
    const v = vectors[i]!;
    const st = stems(text);
    const hits = assignZeroShot(themes.score(v, st), cfg.themes, cfg.zeroShot);
    const label = decideJourney({
      target: 'stage',
      validIds: new Set(stages.ids),
      model: stages.score(v, st),
      themes: hits,
      rules: [],
      journey: cfg.journey,
      doc: { key: String(i), kind: 'survey', sourceName: 'labelled', channel: null, attributes: {} },
      seg: { text, field: null },
    });
    return label?.id ?? 'none';
  });
}

describe('journey stage from text alone', () => {
  it('the labelled set covers every stage and six industries', () => {
    expect(rows.length).toBeGreaterThanOrEqual(120);
    expect(new Set(rows.map((r) => r.stage))).toEqual(new Set(stages.ids));
    expect(new Set(rows.map((r) => r.industry)).size).toBeGreaterThanOrEqual(6);
  });

  it('labels at least 78% of the sentences right, and at least half of every stage', async () => {
    const pred = await predict(rows.map((r) => r.text));
    const ok = rows.filter((r, i) => pred[i] === r.stage).length;
    expect(ok / rows.length).toBeGreaterThanOrEqual(0.78);
    for (const id of stages.ids) {
      const idx = rows.map((r, i) => (r.stage === id ? i : -1)).filter((i) => i >= 0);
      const right = idx.filter((i) => pred[i] === id).length;
      expect(right / idx.length, id).toBeGreaterThanOrEqual(0.5);
    }
  });
});
