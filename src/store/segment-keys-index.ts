/** The per-segment key tables of migration 009: maintenance (segment-keys.ts) and GROUP BY queries (segment-keys-query.ts). */
export * from './segment-keys.js';
export * from './segment-keys-query.js';
