/**
 * The `database` field of a pipeline config: a SQLite file path (relative to the working
 * directory) or a postgres:// URL (see docs/scale.md). Other URL schemes are refused at load, not
 * at the first query. `resolveDatabase` makes a path absolute and leaves a URL as it is.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { isOtherUrl, isPostgresUrl } from '../store/pg/url.js';
import { UserError } from '../util/errors.js';

export const DatabaseSetting = z
  .string()
  .min(1)
  .refine((v) => !isOtherUrl(v), { message: 'database: a SQLite file path or a postgres://user@host:port/db URL' })
  .default('data/voc.sqlite')
  .describe('SQLite file path, or postgres://user@host:port/db for a PostgreSQL server');

export function resolveDatabase(value: string): string {
  if (isOtherUrl(value)) throw new UserError(`Unsupported database URL "${value}": use a SQLite file path or a postgres:// URL`);
  return isPostgresUrl(value) ? value : resolve(value);
}
