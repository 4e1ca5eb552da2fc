/**
 * The `aggregate:` and `exports:` sections of a pipeline config. The pipeline schema (pipeline.ts)
 * embeds these schemas, so a pipeline file is validated once and the stages receive typed sections;
 * `parseAggregateConfig` / `parseExports` validate a section given on its own (stored params, tests).
 */
import { z } from 'zod';
import { validateWith } from './issues.js';
import { canonicalEmotion, DEFAULT_EMOTIONS } from './emotions.js';

/** Built-in dimensions a matrix can have as rows or columns; `attr:<name>` is a document attribute. */
export const BUILTIN_DIMENSIONS = [
  'stage',
  'theme',
  'parent_theme',
  'touchpoint',
  'channel',
  'kind',
  'source',
  'month',
  'sentiment',
  'all',
] as const;

export const Dimension = z
  .string()
  .refine((d) => (BUILTIN_DIMENSIONS as readonly string[]).includes(d) || /^attr:[A-Za-z0-9_.-]+$/.test(d), {
    message: `one of ${BUILTIN_DIMENSIONS.join(', ')} or attr:<attribute name>`,
  })
  .describe('a dimension');
export type Dimension = z.infer<typeof Dimension>;

export const METRICS = [
  'pain',
  'negative_share',
  'mentions',
  'documents',
  'negative',
  'sentiment',
  'nps',
  'nps_impact',
  'mean_score',
  'wilson_low',
  'wilson_high',
  'z_score',
  'neg_per_100',
  'neg_per_100_low',
  'neg_per_100_high',
  'sentiment_low',
  'sentiment_high',
] as const;
export type BuiltinMetric = (typeof METRICS)[number];

/** Per emotion: the share of segments showing it, or its interval, count or trend z-score. */
export const EMOTION_PARTS = ['low', 'high', 'segments', 'z'] as const;
export type EmotionPart = (typeof EMOTION_PARTS)[number];
export type EmotionMetric = `emotion:${string}`;
export type Metric = BuiltinMetric | EmotionMetric;

const EMOTION_METRIC = /^emotion:([A-Za-z0-9][A-Za-z0-9_-]*)(?::(low|high|segments|z))?$/;

/** `emotion:<id>[:part]` split, with short names resolved (`emotion:frustration` -> frustration-anger). */
export function parseEmotionMetric(metric: string): { emotion: string; part: EmotionPart | null } | null {
  const m = EMOTION_METRIC.exec(metric);
  if (!m) return null;
  return { emotion: canonicalEmotion(m[1]!), part: (m[2] as EmotionPart | undefined) ?? null };
}

export function emotionMetric(emotion: string, part: EmotionPart | null = null): EmotionMetric {
  return `emotion:${emotion}${part ? `:${part}` : ''}`;
}

export const Metric = z.string().transform((s, ctx): Metric => {
  if ((METRICS as readonly string[]).includes(s)) return s as BuiltinMetric;
  const e = parseEmotionMetric(s);
  if (e) return emotionMetric(e.emotion, e.part);
  ctx.addIssue({
    code: 'custom',
    message: `found "${s}"; expected one of ${METRICS.join(', ')}, or emotion:<name>[:low|:high|:segments|:z] (${DEFAULT_EMOTIONS.join(', ')}; frustration and joy for short)`,
  });
  return z.NEVER;
});

export const MatrixSpec = z
  .object({ rows: Dimension, cols: Dimension })
  .strict()
  .refine((m) => m.rows !== m.cols, { message: 'rows and cols must differ' });
export type MatrixSpec = z.infer<typeof MatrixSpec>;

const DEFAULT_MATRICES: MatrixSpec[] = [
  { rows: 'stage', cols: 'theme' },
  { rows: 'stage', cols: 'touchpoint' },
  { rows: 'theme', cols: 'touchpoint' },
];

/** Default of `reportFilterGroups`: four times the 90 groups of 5 sources x 3 kinds x 18 months (docs/bench.md, Scale; src/report/cube-groups.ts). */
export const REPORT_FILTER_GROUPS = 400;

export const AggregateConfig = z
  .object({
    matrices: z.array(MatrixSpec).default(DEFAULT_MATRICES).describe('matrices to compute and store'),
    attributes: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]+$/))
      .default([])
      .describe('document attributes to cross with stage (adds an attr:<name>_stage matrix each)'),
    minVolume: z.number().int().min(1).default(5).describe('negative mentions in the latest month before a trend can be an anomaly'),
    anomalyZ: z.number().positive().default(2).describe('z-score at or above which a cell is an anomaly'),
    trailingMonths: z.number().int().min(2).max(24).default(3).describe('months before the latest one that form the baseline'),
    quotesPerCell: z.number().int().min(0).max(20).default(3).describe('typical and negative quotes kept per cell (each)'),
    priorStrength: z.number().min(0).default(10).describe('pain index: mentions the global negative rate is worth in each cell'),
    stageOrder: z
      .array(z.string())
      .default([])
      .describe('journey stages in display order; unlisted stages follow the built-in journey order'),
    reportFilterGroups: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(REPORT_FILTER_GROUPS)
      .describe('report: most filter groups (source x kind x month x attribute combinations) the page embeds; attributes that would exceed it are left out of its filters'),
    keepRuns: z.number().int().min(1).max(1000).default(3).describe('aggregates kept in the database; older ones are pruned with their cells and quotes'),
    report: z
      .union([z.literal(false), z.string().min(1)])
      .default('report.html')
      .describe('HTML report file under outputDir written with the exports (false: none)'),
  })
  .strict();
export type AggregateConfig = z.infer<typeof AggregateConfig>;

const filterFields = {
  since: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'YYYY-MM or YYYY-MM-DD').optional(),
  until: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'YYYY-MM or YYYY-MM-DD').optional(),
  where: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .default({})
    .describe('field or attribute -> value that documents must have'),
};

export const HeatmapExport = z
  .object({
    type: z.literal('heatmap'),
    rows: Dimension.default('stage'),
    cols: Dimension.default('theme'),
    metric: Metric.default('pain'),
    long: z.boolean().default(false).describe('one row per cell and metric instead of a matrix'),
    format: z.enum(['csv', 'json']).default('csv'),
    out: z.string().min(1).describe('file name, relative to outputDir'),
    ...filterFields,
  })
  .strict();

export const QuotesExport = z
  .object({
    type: z.literal('quotes'),
    theme: z.string().optional(),
    stage: z.string().optional(),
    touchpoint: z.string().optional(),
    emotion: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/).optional().describe('only segments showing this emotion'),
    sentiment: z.enum(['negative', 'neutral', 'positive', 'any']).default('negative'),
    limit: z.number().int().min(1).max(100_000).default(50),
    format: z.enum(['csv', 'json']).default('csv'),
    out: z.string().min(1),
    ...filterFields,
  })
  .strict();

export const ReportExport = z
  .object({ type: z.literal('report'), out: z.string().min(1).default('report.html'), title: z.string().optional() })
  .strict();

export const ExportSpec = z.discriminatedUnion('type', [HeatmapExport, QuotesExport, ReportExport]);
export type ExportSpec = z.infer<typeof ExportSpec>;
export type HeatmapExport = z.infer<typeof HeatmapExport>;
export type QuotesExport = z.infer<typeof QuotesExport>;

export function parseAggregateConfig(raw: unknown): AggregateConfig {
  return validateWith(AggregateConfig, raw ?? {}, 'aggregate: section');
}

export function parseExports(raw: unknown): ExportSpec[] {
  return validateWith(z.array(ExportSpec), raw ?? [], 'exports: section');
}

/** The configured matrices plus one attr:<name> x stage matrix per configured attribute. */
export function matricesOf(config: AggregateConfig): MatrixSpec[] {
  const out = [...config.matrices];
  for (const a of config.attributes) out.push({ rows: `attr:${a}`, cols: 'stage' });
  const seen = new Set<string>();
  return out.filter((m) => {
    const key = matrixName(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function matrixName(m: MatrixSpec): string {
  return `${m.rows}_${m.cols}`;
}
