/**
 * Loads everything the analyser needs for a config: codeframes (validated first, so a typo fails
 * before any model loads), the encoder (behind the embedding cache when there is a database),
 * trained heads, the sentiment model, and the analysis key that names this combination.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisConfig } from '../config/analysis.js';
import { codeframeFromLabels, loadCodeframe, type LoadedCodeframe } from '../config/codeframe.js';

const DEFAULT_THEMES_CODEFRAME = 'builtin:cross-industry.yaml';
import { cachedEncoder } from '../store/embeddings.js';
import { cachingEncoder, type VectorStore } from '../models/cache.js';
import { createEncoder, type Encoder } from '../models/encoder.js';
import { loadHead, type Head } from '../models/head.js';
import type { Db } from '../store/db.js';
import type { AnalyzerParts } from './analyzer.js';
import { analysisKey } from './key.js';

export interface LoadedParts extends AnalyzerParts {
  key: string;
  modelsJson: string;
  cacheStats(): { hits: number; misses: number };
}

export function loadCodeframes(acfg: AnalysisConfig): AnalyzerParts['codeframes'] {
  const c = acfg.codeframes;
  return {
    themes: loadCodeframe(c.themes, 'themes'),
    stages: loadCodeframe(c.stages, 'stages'),
    touchpoints: loadCodeframe(c.touchpoints, 'touchpoints'),
    emotions: loadCodeframe(c.emotions, 'emotions'),
  };
}

const BUILTIN_HEAD_DIR = fileURLToPath(new URL('../../models/heads/', import.meta.url));
const JOURNEY_CODEFRAME = { stage: 'stages', touchpoint: 'touchpoints' } as const;

/**
 * The head file for `name`, or null: `none` turns it off; `builtin:FILE` is a shipped head, used
 * only while the matching codeframe is the built-in one (a custom codeframe has other ids).
 */
export function headFile(acfg: AnalysisConfig, name: 'themes' | 'stage' | 'touchpoint' | 'sentiment'): string | null {
  // The cross-industry codeframe comes with a head trained on the labelled corpus.
  const paired = name === 'themes' && acfg.codeframes.themes === 'builtin:cross-industry.yaml' ? 'builtin:themes-cross-industry.json' : undefined;
  const path = acfg.heads[name] ?? paired;
  if (!path || path === 'none') return null;
  if (!path.startsWith('builtin:')) return path;
  if (name === 'stage' || name === 'touchpoint') {
    const cf = acfg.codeframes[JOURNEY_CODEFRAME[name]];
    if (!cf.startsWith('builtin:')) return null;
  }
  return join(BUILTIN_HEAD_DIR, path.slice('builtin:'.length));
}

function loadHeads(acfg: AnalysisConfig, encoder: Encoder) {
  const heads: Partial<Record<'themes' | 'stage' | 'touchpoint' | 'sentiment', Head>> = {};
  for (const name of ['themes', 'stage', 'touchpoint', 'sentiment'] as const) {
    const path = headFile(acfg, name);
    if (path) heads[name] = loadHead(path, encoder);
  }
  return heads;
}

function hashes(codeframes: Record<string, LoadedCodeframe>) {
  return Object.fromEntries(Object.entries(codeframes).map(([k, v]) => [k, v.hash])) as Record<
    'themes' | 'stages' | 'touchpoints' | 'emotions',
    string
  >;
}

/** A vector store that keeps nothing: every text is a miss, and still round-trips. */
const NO_STORE: VectorStore = { get: () => new Map(), put: () => undefined };

export async function loadAnalyzerParts(acfg: AnalysisConfig, db: Db | null): Promise<LoadedParts> {
  const codeframes = loadCodeframes(acfg);
  const base = await createEncoder(acfg.encoder);
  try {
    // Without a database (classify, queue workers) the vectors still take the storage round trip,
    // so a text scores the same as in a database run (models/cache.ts).
    const storage = acfg.embeddings.storage;
    const cached = db ? cachedEncoder(db, base, storage) : cachingEncoder(NO_STORE, base, storage);
    const encoder: Encoder = cached;
    const heads = loadHeads(acfg, base);
    // A themes head trained on the researcher's own codes, with the default codeframe configured:
    // the head's codes are the codeframe (no hand-written file needed).
    if (heads.themes && acfg.codeframes.themes === DEFAULT_THEMES_CODEFRAME) {
      const known = new Set(codeframes.themes.themes.map((t) => t.id));
      if (heads.themes.labels.some((l) => !known.has(l))) {
        codeframes.themes = codeframeFromLabels(heads.themes.labels, 'themes', acfg.heads.themes ?? 'themes');
      }
    }
    // Loaded on demand: commands that never analyse (ingest, status) do not load the sentiment model.
    const { createSentimentModel } = await import('../models/sentiment.js');
    const sentiment = await createSentimentModel({ encoder, head: heads.sentiment });
    const { key, modelsJson } = analysisKey({
      encoderId: base.id,
      sentimentId: sentiment.id,
      heads: Object.fromEntries(Object.entries(heads).map(([k, h]) => [k, h.hash])),
      codeframes: hashes(codeframes),
      config: acfg,
    });
    return {
      encoder,
      sentiment,
      heads: { themes: heads.themes, stage: heads.stage, touchpoint: heads.touchpoint },
      codeframes,
      key,
      modelsJson,
      cacheStats: () => cached.stats(),
    };
  } catch (err) {
    await base.dispose();
    throw err;
  }
}
