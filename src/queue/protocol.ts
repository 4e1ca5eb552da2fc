/**
 * What travels through Redis: a job carries whole documents' segments (ids, texts, document
 * context) and the analysis key the coordinator expects; a worker returns the rows to write.
 * Both directions are validated with zod: a job or a result from another version, a corrupted
 * entry or a misconfigured worker is refused with a message, never written.
 */
import { z } from 'zod';

export const JOB_NAME = 'analyze-batch';
/** Bump when the payload or result shape changes; workers refuse other versions. */
export const PROTOCOL_VERSION = 1;

const DocContextSchema = z.object({
  key: z.string(),
  kind: z.enum(['survey', 'interview', 'ticket']),
  sourceName: z.string(),
  channel: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  sourceStage: z.string().optional(),
  sourceTouchpoint: z.string().optional(),
});

export const JobPayload = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  analysisKey: z.string().min(1),
  runId: z.number().int().nullable(),
  batch: z.number().int().min(0),
  documentIds: z.array(z.number().int()),
  items: z.array(
    z.object({
      segmentId: z.number().int(),
      text: z.string(),
      field: z.string().nullable(),
      doc: DocContextSchema,
    }),
  ),
});
export type JobPayload = z.infer<typeof JobPayload>;

const Sentiment = z.object({
  label: z.string(),
  score: z.number(),
  probs: z.object({ negative: z.number(), neutral: z.number(), positive: z.number() }),
});
const Journey = z.object({ id: z.string(), confidence: z.number(), signal: z.string(), assigned: z.boolean() }).nullable();

export const JobResult = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  analysisKey: z.string().min(1),
  batch: z.number().int().min(0),
  worker: z.string(),
  seconds: z.number(),
  segments: z.array(
    z.object({
      segmentId: z.number().int(),
      sentiment: Sentiment,
      stage: Journey,
      touchpoint: Journey,
      emotions: z.array(z.object({ id: z.string(), score: z.number() })),
      themes: z.array(z.object({ id: z.string(), score: z.number(), signal: z.string() })),
    }),
  ),
  documents: z.array(
    z.object({
      documentId: z.number().int(),
      sentiment: Sentiment,
      stage: z.string().nullable(),
      touchpoint: z.string().nullable(),
    }),
  ),
});
export type JobResult = z.infer<typeof JobResult>;
