/**
 * Sentence encoders behind one interface (encoder-spec.ts). The backends are imported only when
 * one is created: `@huggingface/transformers` is loaded only for `--encoder transformers:...`.
 */
import { UserError } from '../util/errors.js';
import { encoderSpecSchema, type Encoder, type EncoderSpec } from './encoder-spec.js';

export { encoderSpecSchema, parseEncoderFlag, type Encoder, type EncoderSpec } from './encoder-spec.js';

export async function createEncoder(spec: EncoderSpec): Promise<Encoder> {
  const parsed = encoderSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new UserError(`Invalid encoder settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const s = parsed.data;
  if (s.backend === 'use') {
    const { createUseEncoder } = await import('./use.js');
    return createUseEncoder({ threads: s.threads });
  }
  const { createTransformersEncoder } = await import('./transformers.js');
  return createTransformersEncoder(s);
}
