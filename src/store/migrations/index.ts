/**
 * Schema migrations, in order. Never edit a released migration: add a new one. The position in
 * this list (1-based) is the schema version stored in `PRAGMA user_version`.
 */
import { ingestSchema } from './001-ingest.js';
import { analysisSchema } from './002-analysis.js';
import { aggregateSchema } from './003-aggregate.js';
import { warningsSchema } from './004-warnings.js';
import { cellEmotionsSchema } from './005-cell-emotions.js';
import { aggregateIndexesSchema } from './006-aggregate-indexes.js';
import { embeddingFormatSchema } from './007-embedding-format.js';
import { aggregateCurrentSchema } from './008-aggregate-current.js';
import { segmentKeysSchema } from './009-segment-keys.js';
import { factBlocksSchema } from './010-fact-blocks.js';

export interface Migration {
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { name: '001-ingest', sql: ingestSchema },
  { name: '002-analysis', sql: analysisSchema },
  { name: '003-aggregate', sql: aggregateSchema },
  { name: '004-warnings', sql: warningsSchema },
  { name: '005-cell-emotions', sql: cellEmotionsSchema },
  { name: '006-aggregate-indexes', sql: aggregateIndexesSchema },
  { name: '007-embedding-format', sql: embeddingFormatSchema },
  { name: '008-aggregate-current', sql: aggregateCurrentSchema },
  { name: '009-segment-keys', sql: segmentKeysSchema },
  { name: '010-fact-blocks', sql: factBlocksSchema },
];
