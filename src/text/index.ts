/** Text preparation for the ingest stage: pure functions, no database. */
export { htmlToText } from './html.js';
export { normalizeText, looksLikeHtml, type NormalizeOptions } from './normalize.js';
export { createRedactor, luhnValid, ibanChecksumValid, type RedactFn, type RedactResult } from './redact.js';
export {
  createLanguageDetector,
  languageSample,
  LANGUAGE_SAMPLE_CHARS,
  type LanguageDetector,
  type LanguageResult,
} from './language.js';
export { splitSentences, DEFAULT_MAX_SENTENCE_CHARS, type Span, type SplitOptions } from './sentences.js';
export {
  detectEncoding,
  looksBinary,
  decoderFor,
  type DetectedEncoding,
  type EncodingGuess,
  type TextChunkDecoder,
} from './encoding.js';
