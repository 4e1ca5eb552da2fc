/**
 * Compact embeddings (issue 11): each cached vector records how its bytes are laid out
 * (models/cache.ts: int8 with a per-vector scale, float16 or float32). Rows written before this
 * migration are float32, which the default says, so upgrading rewrites nothing; they keep reading
 * exactly (re-quantised on read into the configured format) and are not rewritten: a database
 * made before 007 shrinks only as new texts arrive (or if rebuilt).
 */
export const embeddingFormatSchema = /* sql */ `
ALTER TABLE embeddings ADD COLUMN format TEXT NOT NULL DEFAULT 'float32' CHECK (format IN ('float32', 'float16', 'int8'));
`;
