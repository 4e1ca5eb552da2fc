/**
 * Which store a `database:` value names: a postgres:// (or postgresql://) URL is a PostgreSQL
 * server, anything else is a SQLite file path. Kept free of imports so the config schema can use it
 * without loading a driver.
 */
const PG_URL = /^postgres(?:ql)?:\/\//i;
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isPostgresUrl(value: string): boolean {
  return PG_URL.test(value);
}

/** A URL scheme other than postgres:// (e.g. mysql://), which no store here understands. */
export function isOtherUrl(value: string): boolean {
  return ANY_URL.test(value) && !PG_URL.test(value);
}

/** The URL without its password, for messages and logs. */
export function redactPostgresUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
