/**
 * The aggregation stage's SQL, in three parts: the read model (aggregate-facts.ts: analysed segments
 * streamed with filters pushed into SQL), the writer (aggregate-write.ts: aggregate runs, cells,
 * emotion shares, quotes) and the report's read side (aggregate-read.ts). The stored shapes are
 * zod schemas in aggregate-schemas.ts. This module only re-exports them, so callers keep one import.
 */
export * from './aggregate-schemas.js';
export * from './aggregate-facts.js';
export * from './aggregate-write.js';
export * from './aggregate-read.js';
export * from './aggregate-snapshot.js';
