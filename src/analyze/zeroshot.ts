/**
 * Zero-shot codeframe classification, shared by themes, stages, touchpoints and emotions.
 *
 * Each class gets prototype vectors from its own words: a description prototype ("label: description.
 * when_to_use"), the mean of its examples, and each example on its own; when_not_to_use becomes a
 * negative prototype. A segment's similarity to a class is
 *
 *   sim = 0.45 * max(example cos) + 0.35 * cos(example mean) + 0.20 * cos(description)
 *         - 0.5 * max(0, cos(negative) - that similarity)  + keywordBonus (if a stemmed keyword matches)
 *
 * (a class without examples uses the description alone). Two scores come out of sim:
 *   - absolute: sigmoid((sim - floor) / slope): "does this class fit at all" (multi-label themes,
 *     emotions; the floor is the similarity that means 50/50, measured on labelled sentences);
 *   - relative: softmax(sim / temperature) over the classes: "which class fits best" (single-label
 *     stage and touchpoint votes).
 */
import type { ZeroShotSettings } from '../config/analysis.js';
import type { FlatTheme } from '../config/codeframe.js';
import type { Encoder } from '../models/encoder.js';
import { PhraseMatcher } from './lexical.js';
import { dot, meanVector, sigmoid, softmax } from './vectors.js';

interface Prototype {
  id: string;
  description: Float32Array;
  mean: Float32Array | null;
  examples: Float32Array[];
  negative: Float32Array | null;
}

export interface ClassScore {
  id: string;
  sim: number;
  /** sigmoid((sim - floor) / slope) */
  absolute: number;
  /** softmax over the classes */
  relative: number;
  keyword: boolean;
}

function descriptionText(t: FlatTheme): string {
  return [`${t.label}: ${t.description}`, t.when_to_use].filter((s) => s.trim()).join(' ');
}

export class ZeroShotClassifier {
  private constructor(
    readonly ids: string[],
    private readonly prototypes: Prototype[],
    private readonly keywords: PhraseMatcher,
    private readonly settings: ZeroShotSettings,
  ) {}

  /** Embeds every class's texts once (through the caller's encoder, usually the cached one). */
  static async build(classes: FlatTheme[], encoder: Encoder, settings: ZeroShotSettings): Promise<ZeroShotClassifier> {
    const texts: string[] = [];
    const plan = classes.map((c) => {
      const start = texts.length;
      texts.push(descriptionText(c), ...c.examples);
      if (c.when_not_to_use.trim()) texts.push(c.when_not_to_use);
      return { c, start };
    });
    const vectors = await encoder.embed(texts);
    const prototypes = plan.map(({ c, start }) => {
      const examples = vectors.slice(start + 1, start + 1 + c.examples.length);
      return {
        id: c.id,
        description: vectors[start]!,
        mean: examples.length ? meanVector(examples) : null,
        examples,
        negative: c.when_not_to_use.trim() ? vectors[start + 1 + c.examples.length]! : null,
      };
    });
    const keywords = new PhraseMatcher(classes.map((c) => ({ id: c.id, phrases: c.keywords })));
    return new ZeroShotClassifier(
      classes.map((c) => c.id),
      prototypes,
      keywords,
      settings,
    );
  }

  /** Class id -> matched keyword weight (stems of the phrase count), for callers that want counts. */
  keywordHits(textStems: readonly string[]): Map<string, number> {
    return this.keywords.match(textStems);
  }

  /** Scores one segment against every class, in codeframe order. */
  score(vector: Float32Array, textStems: readonly string[], hits = this.keywords.match(textStems)): ClassScore[] {
    const sims = this.prototypes.map((p) => {
      const s = similarity(p, vector);
      return hits.has(p.id) ? s + this.settings.keywordBonus : s;
    });
    const rel = softmax(sims, this.settings.temperature);
    return this.prototypes.map((p, i) => ({
      id: p.id,
      sim: sims[i]!,
      absolute: sigmoid((sims[i]! - this.settings.floor) / this.settings.slope),
      relative: rel[i]!,
      keyword: hits.has(p.id),
    }));
  }
}

function similarity(p: Prototype, v: Float32Array): number {
  const desc = dot(p.description, v);
  let sim = desc;
  if (p.mean) {
    let best = -1;
    for (const e of p.examples) best = Math.max(best, dot(e, v));
    sim = 0.45 * best + 0.35 * dot(p.mean, v) + 0.2 * desc;
  }
  if (p.negative) sim -= 0.5 * Math.max(0, dot(p.negative, v) - sim);
  return sim;
}
