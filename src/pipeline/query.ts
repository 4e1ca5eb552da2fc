/**
 * Read-only queries over an analysed database, as data: what `voc heatmap`, `voc themes` and
 * `voc quotes` print. Each opens the database named by `db` or by the pipeline `config` (its
 * `database`, and its `aggregate:` settings for the matrices), read-only, and closes it again.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { queryMatrix } from '../aggregate/pipeline.js';
import { findQuotes, rankThemes, type QuoteQuery, type QuoteResult, type RankThemesOptions, type ThemeRank } from '../aggregate/query.js';
import type { MatrixResult } from '../aggregate/cells.js';
import type { FactFilter } from '../aggregate/facts.js';
import type { Scope } from '../aggregate/matrices.js';
import { parseAggregateConfig, type AggregateConfig, type Dimension } from '../config/aggregate.js';
import { locateDatabase } from '../config/load.js';
import type { PipelineConfig } from '../config/pipeline.js';
import { isPostgresUrl, openDatabase, type Db } from '../store/db.js';
import { UserError } from '../util/errors.js';

export const DbFlags = { db: z.string().min(1).optional(), config: z.string().min(1).optional() };

export interface Target {
  db: Db;
  dbPath: string;
  config: PipelineConfig | null;
  configPath: string | null;
  configHash: string | null;
  params: AggregateConfig;
}

/** Opens the database named by --db / --config (read-only for queries) with the aggregate params. */
export function openTarget(flags: { db?: string | undefined; config?: string | undefined }, write = false): Target {
  const loc = locateDatabase({ ...(flags.db ? { db: flags.db } : {}), ...(flags.config ? { config: flags.config } : {}) });
  // --db wins for the file, but a --config given alongside still supplies the aggregate params.
  const pipeline = loc.pipeline ?? (flags.config ? locateDatabase({ config: flags.config }).pipeline : undefined);
  if (!isPostgresUrl(loc.dbPath) && !existsSync(loc.dbPath)) {
    throw new UserError(`No database at ${loc.dbPath}. Run \`voc ingest\` and \`voc analyze\` first, or pass --db / --config.`);
  }
  return {
    db: openDatabase(loc.dbPath, { readonly: !write }),
    dbPath: loc.dbPath,
    config: pipeline?.config ?? null,
    configPath: pipeline?.path ?? null,
    configHash: pipeline?.hash ?? null,
    params: pipeline?.config.aggregate ?? parseAggregateConfig({}),
  };
}

/** Which database to query: a file, or the pipeline config that names it (and its aggregate settings). */
export type QueryTarget = { db?: string | undefined; config?: string | undefined };

function withTarget<T>(target: QueryTarget, fn: (t: Target) => T): T {
  const t = openTarget(target);
  try {
    return fn(t);
  } finally {
    t.db.close();
  }
}

export interface HeatmapQuery extends FactFilter {
  rows: Dimension;
  cols: Dimension;
}

/** One rows x columns matrix with every metric per cell (`voc heatmap`), filtered like `--where/--since/--until`. */
export function heatmap(target: QueryTarget, query: HeatmapQuery): MatrixResult & { scope: Scope } {
  const { rows, cols, ...filter } = query;
  if (rows === cols) throw new UserError('heatmap: rows and cols must differ');
  return withTarget(target, (t) => queryMatrix(t.db, { rows, cols }, filter, t.params));
}

/** Themes ranked by pain (or another sort) with their trend (`voc themes`). */
export function themes(target: QueryTarget, options: RankThemesOptions): ThemeRank[] {
  return withTarget(target, (t) => rankThemes(t.db, options, t.params));
}

/** Evidence quotes matching the filter (`voc quotes`). */
export function quotes(target: QueryTarget, query: QuoteQuery): QuoteResult[] {
  return withTarget(target, (t) => findQuotes(t.db, query));
}
