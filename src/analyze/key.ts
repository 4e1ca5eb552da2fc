/**
 * The analysis key: a hash of everything that changes a segment's result. Results stored under
 * another key are stale and get re-analysed; nothing else is touched. Paths are not part of it
 * (moving a codeframe file changes nothing), the files' content hashes are.
 */
import { createHash } from 'node:crypto';
import type { AnalysisConfig } from '../config/analysis.js';
import { consumedFormat } from '../models/cache.js';

/** Bump when the analysis code changes results for the same models and config. */
export const ANALYSIS_CODE_VERSION = 1;

export interface KeyInputs {
  encoderId: string;
  sentimentId: string;
  heads: Partial<Record<'themes' | 'stage' | 'touchpoint' | 'sentiment', string>>;
  codeframes: Record<'themes' | 'stages' | 'touchpoints' | 'emotions', string>;
  config: AnalysisConfig;
}

export function analysisKey(inp: KeyInputs): { key: string; modelsJson: string } {
  // Settings that only change speed or discovery do not change segment results.
  const { discovery: _d, batchSize: _b, concurrency: _c, codeframes: _cf, heads: _h, encoder: _e, embeddings, ...settings } = inp.config;
  const models = {
    version: ANALYSIS_CODE_VERSION,
    encoder: inp.encoderId,
    // The vectors the analyser consumes (after the cache's storage round trip): `none` and
    // `float32` both see the encoder's exact vectors, so they share results.
    vectors: consumedFormat(embeddings.storage),
    sentiment: inp.sentimentId,
    heads: inp.heads,
    codeframes: inp.codeframes,
    settings,
  };
  const modelsJson = JSON.stringify(models);
  return { key: createHash('sha256').update(modelsJson).digest('hex').slice(0, 16), modelsJson };
}
