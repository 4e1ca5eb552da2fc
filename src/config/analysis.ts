/**
 * The `analysis:` section of a pipeline config. Every key has a default, so `analysis: {}` (or no
 * section at all) runs the built-in codeframes with the default encoder. The pipeline schema
 * (pipeline.ts) embeds it, so a pipeline file is validated in one pass.
 */
import { z } from 'zod';
import { validateWith } from './issues.js';
import { encoderSpecSchema, type EncoderSpec } from '../models/encoder-spec.js';
import { VECTOR_STORAGE } from '../models/cache.js';

/** The sentence encoder: the models engineer's spec schema, so config and encoder never drift. */
export const EncoderConfig = encoderSpecSchema;
export type EncoderConfig = EncoderSpec;

const codeframePath = (builtin: string) =>
  z.string().min(1).default(`builtin:${builtin}`).describe('a codeframe YAML path, or builtin:NAME for a shipped one');

/**
 * The default themes codeframe is cross-industry.yaml (with its trained head, analyze/models.ts):
 * on a real four-source export (airline reviews, bank complaints, telecom tickets and NPS; the
 * hand audit in docs/audit.md) it named the pain points a reader finds, where the web-shop
 * voc-default.yaml read credit-report disputes as "charges" and "checkout". voc-default stays
 * one line away (`themes: builtin:voc-default.yaml`); the Kestrel Kitchen demo uses it.
 */
export const CodeframePaths = z
  .object({
    themes: codeframePath('cross-industry.yaml'),
    stages: codeframePath('journey-stages.yaml'),
    touchpoints: codeframePath('touchpoints.yaml'),
    emotions: codeframePath('emotions.yaml'),
  })
  .strict();

const headPath = z.string().min(1).optional().describe('a head file written by `voc train`');
/**
 * Stage and touchpoint use the shipped heads (trained on labelled real feedback, see
 * docs/eval-journey.md) with the built-in codeframes; `none` turns a head off (zero-shot only).
 * With a custom codeframe the built-in head is not used.
 */
const journeyHeadPath = (name: string) => z.string().min(1).default(`builtin:${name}`).describe('a head file, builtin:NAME or none');
export const HeadPaths = z
  .object({ themes: headPath, stage: journeyHeadPath('stage-general.json'), touchpoint: journeyHeadPath('touchpoint-general.json'), sentiment: headPath })
  .strict();

const unit = z.number().min(0).max(1);

/** Zero-shot scoring knobs shared by every codeframe classifier (see docs/analysis.md). */
export const ZeroShotSettings = z
  .object({
    temperature: z.number().positive().max(1).default(0.05).describe('softmax temperature over cosine similarities'),
    floor: z.number().min(-1).max(1).default(0.46).describe('cosine similarity at which the absolute score is 0.5'),
    slope: z.number().positive().default(0.05).describe('width of the logistic around the floor'),
    keywordBonus: z.number().min(0).max(1).default(0.12).describe('similarity added when a stemmed keyword matches'),
  })
  .strict();
export type ZeroShotSettings = z.infer<typeof ZeroShotSettings>;

export const ThemeSettings = z
  .object({
    threshold: unit.default(0.5).describe('minimum theme score to assign a theme'),
    topK: z.number().int().min(1).max(10).default(3).describe('at most this many themes per segment'),
    minMargin: unit
      .default(0.08)
      .describe('a theme is only kept when its similarity is within this distance of the best theme'),
    headThreshold: unit.default(0.5).describe('minimum probability when a trained head decides'),
  })
  .strict();

export const EmotionSettings = z
  .object({ threshold: unit.default(0.5).describe('minimum emotion score to store') })
  .strict();

/** A metadata or keyword rule for stage / touchpoint / theme tagging. */
export const RuleCondition = z
  .object({
    source: z.union([z.string(), z.array(z.string())]).optional().describe('source name(s)'),
    kind: z.enum(['survey', 'interview', 'ticket']).optional(),
    channel: z.union([z.string(), z.array(z.string())]).optional().describe('document channel(s), case-insensitive'),
    attribute: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]))
      .optional()
      .describe('attribute name -> value (or list of values), case-insensitive'),
    field: z.union([z.string(), z.array(z.string())]).optional().describe('the question / field the segment came from'),
    text: z.string().optional().describe('a regular expression tested against the segment text (case-insensitive)'),
  })
  .strict();
export type RuleCondition = z.infer<typeof RuleCondition>;

export const Rule = z
  .object({
    when: RuleCondition,
    stage: z.string().optional(),
    touchpoint: z.string().optional(),
    theme: z.string().optional().describe('a theme id to add (keyword rules)'),
    weight: z.number().positive().optional().describe('vote weight; defaults to the metadata or keyword weight'),
  })
  .strict()
  .refine((r) => r.stage ?? r.touchpoint ?? r.theme, 'a rule needs stage, touchpoint or theme');
export type Rule = z.infer<typeof Rule>;

/** Channel names (as tickets carry them) -> touchpoint ids. */
export const DEFAULT_CHANNEL_TOUCHPOINTS: Record<string, string> = {
  phone: 'phone',
  voice: 'phone',
  call: 'phone',
  email: 'email',
  mail: 'email',
  chat: 'chat',
  'live-chat': 'chat',
  livechat: 'chat',
  chatbot: 'chat',
  messenger: 'chat',
  web: 'website',
  website: 'website',
  'web-form': 'website',
  webform: 'website',
  form: 'website',
  app: 'app',
  mobile: 'app',
  ios: 'app',
  android: 'app',
  'in-app': 'app',
  twitter: 'social',
  facebook: 'social',
  instagram: 'social',
  social: 'social',
  store: 'store',
  'in-store': 'store',
};

/** Theme id -> the stage it usually belongs to (a weak prior). */
export const DEFAULT_THEME_STAGE_PRIORS: Record<string, string> = {
  delivery: 'onboarding-delivery',
  'late-delivery': 'onboarding-delivery',
  'damaged-items': 'onboarding-delivery',
  'wrong-or-missing-items': 'onboarding-delivery',
  'onboarding-and-setup': 'onboarding-delivery',
  'checkout-and-payment': 'purchase',
  'promo-codes': 'purchase',
  'payment-failures': 'purchase',
  cancellation: 'retention',
  'price-increase': 'retention',
  'unexpected-charges': 'retention',
  'support-responsiveness': 'support',
  'support-knowledge': 'support',
  'returns-and-refunds': 'support',
  'product-quality': 'usage',
  usability: 'usage',
  'bugs-and-reliability': 'usage',
  performance: 'usage',
  'feature-requests': 'usage',
};

export const VoteWeights = z
  .object({
    metadata: z.number().min(0).default(3).describe('a matching metadata rule (source, channel, attribute)'),
    model: z.number().min(0).default(1).describe('the zero-shot / head probability'),
    keyword: z.number().min(0).default(0.8).describe('a matching keyword rule or codeframe keyword'),
    themePrior: z.number().min(0).default(0.6).describe('theme -> stage prior, times the theme score'),
  })
  .strict();

export const JourneySettings = z
  .object({
    weights: VoteWeights.prefault({}),
    minConfidence: unit
      .default(0.35)
      .describe('zero-shot: below this confidence a segment is left unassigned (or takes its document\'s dominant label)'),
    abstainBelow: unit
      .optional()
      .describe('below this confidence a stage or touchpoint is left unassigned; default: the threshold stored with the head (chosen on held-out data), else minConfidence'),
    /**
     * How feedback arrived is not where the experience happened (a web-form complaint about a late
     * parcel is about delivery): no channel decides a touchpoint unless mapped here, e.g.
     * `{ phone: phone }` for a phone-support survey; `default` takes DEFAULT_CHANNEL_TOUCHPOINTS
     * (phone, email, chat, web, app and their aliases).
     */
    channelTouchpoints: z
      .union([z.literal('default'), z.record(z.string(), z.string())])
      .default({})
      .transform((v) => (v === 'default' ? { ...DEFAULT_CHANNEL_TOUCHPOINTS } : v)),
    themeStagePriors: z.record(z.string(), z.string()).default(DEFAULT_THEME_STAGE_PRIORS),
  })
  .strict();

export const DiscoverySettings = z
  .object({
    enabled: z.boolean().default(true),
    minClusterSize: z.number().int().min(2).default(5),
    k: z.number().int().min(2).optional().describe('number of clusters; chosen by silhouette when absent'),
    maxK: z.number().int().min(2).default(12),
    seed: z.number().int().default(42),
    maxSegments: z.number().int().min(10).default(5000).describe('cluster at most this many unassigned segments'),
    reclusterShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe('cluster again after a run only when the unassigned segments analysed since the last clustering are at least this share of the sample (min(unassigned, maxSegments)); fewer are assigned to the existing suggestions. 0: cluster after every run'),
    terms: z.number().int().min(1).max(20).default(6),
    quotes: z.number().int().min(1).max(10).default(3),
  })
  .strict();

/**
 * How the embedding cache keeps vectors (models/cache.ts, issue 11). int8 (a scale and one byte per
 * component) is about a quarter of float32 and gives the same answer for 99.9% of labelled sentences
 * (docs/analysis.md);
 * `none` keeps nothing, so every run (and theme discovery's sample) embeds again. Changing it
 * changes the analysis key: the analyser consumes vectors after the storage round trip.
 */
export const EmbeddingSettings = z
  .object({
    storage: z.enum(VECTOR_STORAGE).default('int8').describe('int8 | float16 | float32 | none: how cached vectors are stored'),
  })
  .strict();

export const AnalysisConfig = z
  .object({
    encoder: EncoderConfig.default({ backend: 'use' }),
    codeframes: CodeframePaths.prefault({}),
    heads: HeadPaths.prefault({}),
    zeroShot: ZeroShotSettings.prefault({}),
    themes: ThemeSettings.prefault({}),
    emotions: EmotionSettings.prefault({}),
    journey: JourneySettings.prefault({}),
    rules: z.array(Rule).default([]),
    discovery: DiscoverySettings.prefault({}),
    embeddings: EmbeddingSettings.prefault({}),
    batchSize: z.number().int().min(1).max(4096).default(256).describe('segments embedded and written per batch'),
    concurrency: z.number().int().min(1).max(16).default(1).describe('batches embedded at once'),
  })
  .strict();
export type AnalysisConfig = z.infer<typeof AnalysisConfig>;

/**
 * Validates an `analysis` section given on its own (`voc classify` without a config, scripts,
 * tests). A pipeline file's section is already typed: `loadPipelineConfig(...).config.analysis`.
 */
export function parseAnalysisConfig(raw: unknown, what = 'analysis section'): AnalysisConfig {
  return validateWith(AnalysisConfig, raw ?? {}, what);
}
