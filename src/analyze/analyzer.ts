/**
 * The analyser: everything that happens to a batch of segments, without a database. Each text is
 * embedded once; the vectors go to the sentiment model, the theme/stage/touchpoint classifiers
 * (zero-shot or trained heads) and the emotion scorer. `voc analyze` (with the store) and
 * `voc classify` (files in, JSONL out) both use it.
 */
import type { AnalysisConfig } from '../config/analysis.js';
import type { FlatTheme, LoadedCodeframe } from '../config/codeframe.js';
import type { Encoder } from '../models/encoder.js';
import { scoreEmotions, type EmotionHit, type SentimentProbs } from './emotion.js';
import { abstain, applyDocumentContext, decideJourney, NONE_LABEL, type DocContext, type JourneyLabel } from './journey.js';
import { stems, withoutFormulas } from './lexical.js';
import { applyThemeRules, assignFromHead, assignZeroShot, type ThemeHit } from './themes.js';
import { UserError } from '../util/errors.js';
import { round4 } from './vectors.js';
import { ZeroShotClassifier, type ClassScore } from './zeroshot.js';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface SentimentResult {
  label: SentimentLabel;
  score: number;
  probs: SentimentProbs;
}

/** What the analyser needs from the models engineer's sentiment model. */
export interface SentimentPredictor {
  predict(texts: string[], vectors?: Float32Array[]): Promise<SentimentResult[]> | SentimentResult[];
}

/** What the analyser needs from a trained head (`voc train`; src/models/head.ts). */
export interface HeadPrediction {
  label: string;
  /** multi-label heads: the labels that pass their calibrated thresholds */
  labels?: string[];
  probs: Record<string, number>;
}
export interface HeadPredictor {
  readonly multiLabel: boolean;
  readonly labels: string[];
  /** The abstention threshold chosen on held-out data when the head was trained, if any. */
  readonly abstainBelow?: number | undefined;
  predict(texts: string[], vectors?: Float32Array[]): Promise<HeadPrediction[]>;
}

export interface AnalyzerParts {
  encoder: Encoder;
  sentiment: SentimentPredictor;
  heads: { themes?: HeadPredictor; stage?: HeadPredictor; touchpoint?: HeadPredictor };
  codeframes: { themes: LoadedCodeframe; stages: LoadedCodeframe; touchpoints: LoadedCodeframe; emotions: LoadedCodeframe };
}

export interface AnalyzeItem {
  doc: DocContext;
  text: string;
  field: string | null;
}

export interface SegmentResult {
  sentiment: SentimentResult;
  emotions: EmotionHit[];
  themes: ThemeHit[];
  stage: JourneyLabel | null;
  touchpoint: JourneyLabel | null;
}

export interface DocumentResult {
  sentiment: SentimentResult;
  stage: string | null;
  touchpoint: string | null;
}

interface Classifiers {
  themes: ZeroShotClassifier;
  stages: ZeroShotClassifier;
  touchpoints: ZeroShotClassifier;
  emotions: ZeroShotClassifier;
}

export class Analyzer {
  private constructor(
    private readonly cfg: AnalysisConfig,
    private readonly parts: AnalyzerParts,
    private readonly zs: Classifiers,
  ) {}

  static async create(cfg: AnalysisConfig, parts: AnalyzerParts): Promise<Analyzer> {
    checkIds(cfg, parts);
    const build = (themes: FlatTheme[]) => ZeroShotClassifier.build(themes, parts.encoder, cfg.zeroShot);
    const cf = parts.codeframes;
    const zs = {
      themes: await build(cf.themes.themes),
      stages: await build(cf.stages.themes),
      touchpoints: await build(cf.touchpoints.themes),
      emotions: await build(cf.emotions.themes),
    };
    return new Analyzer(cfg, parts, zs);
  }

  get encoder(): Encoder {
    return this.parts.encoder;
  }

  /** Embeds in `concurrency` slices at once (the encoder batches inside each slice). */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const n = Math.min(this.cfg.concurrency, Math.max(1, Math.ceil(texts.length / 32)));
    if (n <= 1) return this.parts.encoder.embed(texts);
    const size = Math.ceil(texts.length / n);
    const slices = Array.from({ length: n }, (_, i) => texts.slice(i * size, (i + 1) * size));
    return (await Promise.all(slices.map((s) => this.parts.encoder.embed(s)))).flat();
  }

  /**
   * Analyses items grouped by document (items of one document must be contiguous). Returns one
   * result per item and one per document key.
   */
  async analyze(items: AnalyzeItem[]): Promise<{ segments: SegmentResult[]; documents: Map<string, DocumentResult> }> {
    return this.analyzeEmbedded(items, await this.embed(items.map((i) => i.text)));
  }

  /** As analyze(), with the items' vectors already computed (callers overlap embedding and analysis). */
  async analyzeEmbedded(
    items: AnalyzeItem[],
    vectors: Float32Array[],
  ): Promise<{ segments: SegmentResult[]; documents: Map<string, DocumentResult> }> {
    if (items.length === 0) return { segments: [], documents: new Map() };
    const texts = items.map((i) => i.text);
    const sentiments = await this.parts.sentiment.predict(texts, vectors);
    const heads = await this.runHeads(texts, vectors);
    const segments = items.map((item, i) => this.analyzeOne(item, vectors[i]!, sentiments[i]!, heads, i));
    return this.withDocumentContext(items, segments);
  }

  /** The abstention threshold: configured, else the one stored with the head, else minConfidence. */
  private abstainBelow(target: 'stage' | 'touchpoint'): number {
    const j = this.cfg.journey;
    if (j.abstainBelow !== undefined) return j.abstainBelow;
    return this.parts.heads[target]?.abstainBelow ?? j.minConfidence;
  }

  private async runHeads(texts: string[], vectors: Float32Array[]) {
    const h = this.parts.heads;
    return {
      themes: h.themes ? await h.themes.predict(texts, vectors) : null,
      stage: h.stage ? await h.stage.predict(texts, vectors) : null,
      touchpoint: h.touchpoint ? await h.touchpoint.predict(texts, vectors) : null,
    };
  }

  private analyzeOne(
    item: AnalyzeItem,
    vector: Float32Array,
    sentiment: SentimentResult,
    heads: Awaited<ReturnType<Analyzer['runHeads']>>,
    i: number,
  ): SegmentResult {
    const textStems = stems(item.text);
    const found = heads.themes
      ? assignFromHead(heads.themes[i]!, this.cfg.themes)
      : assignZeroShot(this.zs.themes.score(vector, textStems), this.cfg.themes, this.cfg.zeroShot);
    const themes = applyThemeRules(found, this.cfg.rules, item.doc, { text: item.text, field: item.field });
    const emoHits = this.zs.emotions.keywordHits(stems(withoutFormulas(item.text)));
    const emotions = scoreEmotions(
      this.zs.emotions.score(vector, textStems, emoHits),
      emoHits,
      item.text,
      sentiment.probs,
      this.cfg.emotions.threshold,
    );
    const journey = (target: 'stage' | 'touchpoint') => {
      const zs = target === 'stage' ? this.zs.stages : this.zs.touchpoints;
      const head = heads[target]?.[i];
      const model: Array<Pick<ClassScore, 'id' | 'relative' | 'absolute' | 'keyword'>> = head
        ? Object.entries(head.probs).map(([id, p]) => ({ id, relative: p, absolute: 1, keyword: false }))
        : zs.score(vector, textStems);
      const label = decideJourney({
        target,
        validIds: new Set(zs.ids),
        model,
        themes,
        rules: this.cfg.rules,
        journey: this.cfg.journey,
        doc: item.doc,
        seg: { text: item.text, field: item.field },
        calibrated: head !== undefined,
      });
      return abstain(label, this.abstainBelow(target));
    };
    return { sentiment: roundSentiment(sentiment), emotions, themes, stage: journey('stage'), touchpoint: journey('touchpoint') };
  }

  private withDocumentContext(items: AnalyzeItem[], segments: SegmentResult[]) {
    const documents = new Map<string, DocumentResult>();
    let start = 0;
    while (start < items.length) {
      let end = start + 1;
      while (end < items.length && items[end]!.doc.key === items[start]!.doc.key) end++;
      const idx = Array.from({ length: end - start }, (_, k) => start + k);
      const lengths = idx.map((k) => items[k]!.text.length);
      const st = applyDocumentContext(idx.map((k) => segments[k]!.stage), lengths);
      const tp = applyDocumentContext(idx.map((k) => segments[k]!.touchpoint), lengths);
      idx.forEach((k, j) => {
        segments[k]!.stage = st.labels[j]!;
        segments[k]!.touchpoint = tp.labels[j]!;
      });
      documents.set(items[start]!.doc.key, {
        sentiment: documentSentiment(idx.map((k) => segments[k]!.sentiment), lengths),
        stage: st.dominant,
        touchpoint: tp.dominant,
      });
      start = end;
    }
    return { segments, documents };
  }
}

/** A rule or head naming ids that no codeframe has would silently never count: refuse it up front. */
function checkIds(cfg: AnalysisConfig, parts: AnalyzerParts): void {
  const cf = parts.codeframes;
  const ids = {
    stage: new Set(cf.stages.themes.map((t) => t.id)),
    touchpoint: new Set(cf.touchpoints.themes.map((t) => t.id)),
    theme: new Set(cf.themes.themes.map((t) => t.id)),
  };
  const bad: string[] = [];
  cfg.rules.forEach((rule, i) => {
    for (const kind of ['stage', 'touchpoint', 'theme'] as const) {
      const id = rule[kind];
      if (id !== undefined && !ids[kind].has(id)) bad.push(`analysis.rules.${i}.${kind}: "${id}" is not in the ${kind} codeframe`);
    }
  });
  const heads = { theme: parts.heads.themes, stage: parts.heads.stage, touchpoint: parts.heads.touchpoint };
  for (const kind of ['stage', 'touchpoint', 'theme'] as const) {
    const unknown = heads[kind]?.labels.filter((l) => !ids[kind].has(l) && !(kind !== 'theme' && l === NONE_LABEL)) ?? [];
    if (unknown.length) bad.push(`analysis.heads.${kind === 'theme' ? 'themes' : kind}: labels not in the ${kind} codeframe: ${unknown.slice(0, 8).join(', ')}`);
  }
  if (bad.length) throw new UserError(`Invalid analysis settings:\n  ${bad.join('\n  ')}`);
}

function roundSentiment(s: SentimentResult): SentimentResult {
  return {
    label: s.label,
    score: round4(s.score),
    probs: { negative: round4(s.probs.negative), neutral: round4(s.probs.neutral), positive: round4(s.probs.positive) },
  };
}

/**
 * Document sentiment = the length-weighted mean of its segments' probabilities (a long complaint
 * outweighs a short "thanks"); the label is the most probable class and the score p(pos) - p(neg).
 */
export function documentSentiment(parts: SentimentResult[], lengths: number[]): SentimentResult {
  const total = lengths.reduce((a, b) => a + Math.max(1, b), 0);
  const probs = { negative: 0, neutral: 0, positive: 0 };
  parts.forEach((p, i) => {
    const w = Math.max(1, lengths[i]!) / total;
    probs.negative += w * p.probs.negative;
    probs.neutral += w * p.probs.neutral;
    probs.positive += w * p.probs.positive;
  });
  const label = (['negative', 'neutral', 'positive'] as const).reduce((a, b) => (probs[b] > probs[a] ? b : a));
  return roundSentiment({ label, score: probs.positive - probs.negative, probs });
}
