/**
 * The head file format (voc-head/1): a JSON document with the encoder it was trained with, the
 * features (embedding, optional whitening, TF-IDF), the linear model, its calibration, optional
 * class centroids and a model card. Float arrays are stored as base64 of little-endian Float32.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../util/errors.js';

export const HEAD_FORMAT = 'voc-head/1';

export const cardSchema = z.object({
  name: z.string(),
  task: z.string().optional(),
  description: z.string().optional(),
  trainingData: z.array(z.object({ name: z.string(), rows: z.number().optional(), licence: z.string().optional(), url: z.string().optional() })),
  createdAt: z.string(),
  createdWith: z.string().optional(),
  metrics: z.record(z.string(), z.unknown()),
  notes: z.array(z.string()).optional(),
});
export type ModelCard = z.infer<typeof cardSchema>;

export const headFileSchema = z.object({
  format: z.literal(HEAD_FORMAT),
  encoder: z.object({ id: z.string(), dim: z.number().int() }),
  multiLabel: z.boolean(),
  labels: z.array(z.string()).min(1),
  features: z.object({
    embedding: z.boolean(),
    embeddingWeight: z.number(),
    /** Few-shot: lower Cholesky factor L of the shrunk within-class covariance; vectors become L^-1 v, re-normalised. */
    whiten: z.object({ shrinkage: z.number(), factor: z.string() }).optional(),
    tfidf: z
      .object({ vocabulary: z.array(z.string()), idf: z.array(z.number()), stem: z.boolean().optional(), chars: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(), weight: z.number() })
      .nullable(),
  }),
  model: z.object({ denseDim: z.number().int(), sparseDim: z.number().int(), weights: z.string(), bias: z.array(z.number()) }),
  calibration: z.object({
    temperature: z.number().positive(),
    platt: z.array(z.tuple([z.number(), z.number()])).optional(),
    thresholds: z.array(z.number()).optional(),
  }),
  centroids: z.object({ weight: z.number(), scale: z.number(), vectors: z.string() }).nullable(),
  card: cardSchema,
})
  // A model may keep its own fields in the file (the sentiment model's `stack`, validated by its own
  // schema in sentiment.ts): they are kept as they are, not part of the generic format.
  .loose();
export type HeadFile = z.infer<typeof headFileSchema>;

/**
 * The file with its model-specific fields before the card, as the format has always been written:
 * the order is what a head's content hash and its saved bytes are made of.
 */
export function orderedHeadFile(file: HeadFile): HeadFile {
  const { card, ...rest } = file;
  return { ...rest, card } as HeadFile;
}

export function encodeFloats(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function decodeFloats(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function writeHeadFile(file: HeadFile, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(orderedHeadFile(file), null, 1)}\n`);
}

/** Reads and validates a head file; refuses an encoder other than the one the head was trained with. */
export function readHeadFile(path: string, encoderId: string | null): HeadFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`Cannot read classifier head "${path}": ${(err as Error).message}`);
  }
  const parsed = headFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(`"${path}" is not a voc classifier head (${HEAD_FORMAT}): ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  }
  const file = orderedHeadFile(parsed.data);
  if (encoderId !== null && encoderId !== file.encoder.id) {
    throw new UserError(
      `Classifier head "${path}" was trained with encoder "${file.encoder.id}" but the pipeline uses "${encoderId}". Retrain the head with \`voc train\` using this encoder, or switch the encoder back.`,
    );
  }
  return file;
}
