/**
 * The PostgreSQL implementation of the store's Db interface, synchronous like better-sqlite3 (over
 * pg-native, libpq's blocking calls), so the pipeline runs unchanged on either store.
 *
 * - Statements are translated once at prepare (translate.ts); INSERT OR REPLACE and
 *   lastInsertRowid take the table's primary key and identity column from the catalog.
 * - The translated SELECT/INSERT/UPDATE/DELETE are server-side prepared statements: parsed and
 *   analysed by PostgreSQL the first time this connection runs them, then executed by name (the
 *   store prepares a few dozen statements and runs some of them thousands of times per run). The
 *   names are per connection, kept for the distinct SQL texts in use (at most MAX_PREPARED, the
 *   least recently used deallocated first: `IN (?, ?, ...)` lists of many lengths stay bounded),
 *   and all deallocated when a script changes the schema. Scripts (exec) and cursors are sent
 *   as they are.
 * - Values are sent as text (numbers as their shortest round-trip form, Buffers as bytea hex) and
 *   read back as better-sqlite3 gives them: integers, bigints, numerics and doubles as numbers,
 *   booleans as 1/0, bytea as Buffer, json as compact text (as SQLite writes it), dates as text.
 * - transaction() nests with savepoints like better-sqlite3; iterate() reads through a cursor,
 *   FETCH 500 rows at a time, inside the current transaction or one of its own, so memory stays
 *   flat on big tables.
 * - pragma() knows user_version (the voc_schema_version table) and accepts the SQLite tuning
 *   pragmas as no-ops; db.function() accepts only the functions prelude.ts defines in SQL.
 */
import { UserError } from '../../util/errors.js';
import type { ArgsOf, Db, RunResult, Statement, Transaction } from '../db-api.js';
import { finishClient, loadPgNative, type NativeClient, type TypeParsers } from './native.js';
import { ADVISORY_CLASS, ADVISORY_MIGRATE, PRELUDE, PRELUDE_FUNCTIONS } from './prelude.js';
import { splitStatements, translate, translateTrigger, type ParamRef, type Translated } from './translate.js';
import { redactPostgresUrl } from './url.js';

const FETCH_ROWS = 500;
const MAX_PREPARED = 200;
/** Statements that are prepared on the server; anything else (DDL, SET, ...) is sent as it is. */
const PREPARABLE = /^\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|VALUES)\b/i;
/** The statement's result columns changed since it was prepared (a table altered by another process). */
const STALE_PLAN = /cached plan must not change result type/;
const NUMBER_TYPES = new Set([20, 21, 23, 26, 700, 701, 1700]); // int8 int2 int4 oid float4 float8 numeric
const parsers: TypeParsers = {
  getTypeParser(oid: number) {
    if (NUMBER_TYPES.has(oid)) return Number;
    if (oid === 16) return (v: string) => (v === 't' ? 1 : 0);
    if (oid === 17) return (v: string) => Buffer.from(v.slice(2), 'hex');
    // json as SQLite's JSON functions write it: compact, keys in their order (json_build_object
    // writes `{"k" : v}`; jsonb would reorder the keys).
    if (oid === 114) return (v: string) => JSON.stringify(JSON.parse(v));
    return (v: string) => v;
  },
};

function toText(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`cannot store ${v} in PostgreSQL`);
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  throw new TypeError(`SQLite3 can only bind numbers, strings, bigints, buffers, and null (got ${typeof v})`);
}

function withSource(err: unknown, source: string): Error {
  const e = err as Error;
  e.message = `${e.message.trim()} (PostgreSQL, in: ${source.replace(/\s+/g, ' ').trim().slice(0, 200)})`;
  return e;
}

function isNamedValues(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

class PgStatement implements Statement {
  private plucking = false;
  constructor(
    private readonly db: PgDb,
    private readonly source: string,
    private readonly t: Translated,
  ) {}

  private values(args: unknown[]): (string | null)[] {
    const last = args[args.length - 1];
    const named = isNamedValues(last) ? last : undefined;
    const positional = named ? args.slice(0, -1) : args;
    return this.t.params.map((p: ParamRef) => {
      if ('name' in p) {
        if (!named || !(p.name in named)) throw new RangeError(`Missing named parameter "${p.name}"`);
        return toText(named[p.name]);
      }
      if (p.index >= positional.length) throw new RangeError('Too few parameter values were provided');
      return toText(positional[p.index]);
    });
  }

  private query(args: unknown[]): Record<string, unknown>[] {
    return this.db.execute(this.t.sql, this.values(args), this.source);
  }

  pluck(toggle = true): this {
    this.plucking = toggle;
    return this;
  }

  private shape(row: Record<string, unknown>): unknown {
    return this.plucking ? Object.values(row)[0] : row;
  }

  run(...args: unknown[]): RunResult {
    const rows = this.query(args);
    const first = rows[0];
    return { changes: this.db.changes(), lastInsertRowid: first ? Number(Object.values(first)[0]) : 0 };
  }

  get(...args: unknown[]): unknown {
    const row = this.query(args)[0];
    return row === undefined ? undefined : this.shape(row);
  }

  all(...args: unknown[]): unknown[] {
    return this.query(args).map((r) => this.shape(r));
  }

  iterate(...args: unknown[]): IterableIterator<unknown> {
    return this.db.cursor(this.t.sql, this.values(args), this.source, (r) => this.shape(r));
  }
}

export class PgDb implements Db {
  readonly dialect = 'postgres';
  private readonly client: NativeClient;
  private depth = 0;
  private cursors = 0;
  private cursorTx = false;
  private cursorSeq = 0;
  private readonly keys = new Map<string, { primary: string[]; identity: string | null }>();
  /** translated SQL -> its prepared statement's name on this connection, least recently used first */
  private readonly statements = new Map<string, string>();
  private statementSeq = 0;

  constructor(
    readonly url: string,
    options: { readonly?: boolean } = {},
  ) {
    const Client = loadPgNative();
    this.client = new Client({ types: parsers });
    try {
      this.client.connectSync(url);
    } catch (err) {
      throw new UserError(`Cannot connect to the PostgreSQL database ${redactPostgresUrl(url)}: ${(err as Error).message.trim()}`);
    }
    this.client.querySync(`SET client_min_messages = warning`);
    if (options.readonly) this.client.querySync('SET default_transaction_read_only = on');
    else this.transaction(() => {
      this.client.querySync(`SELECT pg_advisory_xact_lock(${ADVISORY_CLASS}, ${ADVISORY_MIGRATE})`);
      for (const sql of PRELUDE) this.client.querySync(sql);
    })();
  }

  query(sql: string, values: (string | null)[], source: string): Record<string, unknown>[] {
    try {
      return this.client.querySync(sql, values);
    } catch (err) {
      throw withSource(err, source);
    }
  }

  /** Runs a store statement: prepared on the server the first time, then executed by name. */
  execute(sql: string, values: (string | null)[], source: string): Record<string, unknown>[] {
    if (!PREPARABLE.test(sql)) return this.query(sql, values, source);
    try {
      try {
        return this.client.executeSync(this.prepared(sql, values.length), values);
      } catch (err) {
        // Outside a transaction nothing was aborted: prepare it again for the new columns.
        if (!STALE_PLAN.test((err as Error).message) || this.depth > 0 || this.cursorTx) throw err;
        this.forget(sql);
        return this.client.executeSync(this.prepared(sql, values.length), values);
      }
    } catch (err) {
      throw withSource(err, source);
    }
  }

  private prepared(sql: string, nParams: number): string {
    let name = this.statements.get(sql);
    if (name !== undefined) {
      this.statements.delete(sql);
      this.statements.set(sql, name);
      return name;
    }
    if (this.statements.size >= MAX_PREPARED) this.forget(this.statements.keys().next().value!);
    name = `voc_p${++this.statementSeq}`;
    this.client.prepareSync(name, sql, nParams);
    this.statements.set(sql, name);
    return name;
  }

  private forget(sql: string): void {
    const name = this.statements.get(sql);
    if (name === undefined) return;
    this.statements.delete(sql);
    this.client.querySync(`DEALLOCATE ${name}`);
  }

  changes(): number {
    return Number(this.client.pq.cmdTuples()) || 0;
  }

  private tableKeys(table: string): { primary: string[]; identity: string | null } {
    let k = this.keys.get(table);
    if (!k) {
      const primary = this.client
        .querySync(
          `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
          [table],
        )
        .map((r) => String(r.name));
      const id = this.client.querySync(
        `SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass($1) AND attidentity <> '' AND attnum > 0`,
        [table],
      )[0];
      k = { primary, identity: id ? String(id.name) : null };
      this.keys.set(table, k);
    }
    return k;
  }

  prepare(source: string): Statement {
    const t = translate(source);
    if (t.replaceInto) {
      const { primary } = this.tableKeys(t.replaceInto.table);
      if (!primary.length) throw new UserError(`INSERT OR REPLACE INTO ${t.replaceInto.table}: the table has no primary key in PostgreSQL`);
      const rest = t.replaceInto.columns.filter((c) => !primary.includes(c));
      const action = rest.length ? `DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}` : 'DO NOTHING';
      t.sql = `${t.sql.trimEnd()} ON CONFLICT (${primary.join(', ')}) ${action}`;
    }
    if (t.insertInto && !/\bRETURNING\b/i.test(t.sql)) {
      const { identity } = this.tableKeys(t.insertInto);
      if (identity) t.sql = `${t.sql.trimEnd()} RETURNING ${identity}`;
    }
    return new PgStatement(this, source, t);
  }

  /**
   * Runs a script (the migrations). SQLite expands a view's `c.*` when the view is read, PostgreSQL
   * when it is created, so a column a later migration adds to a table would be missing from its
   * views here. The views' statements are therefore kept (voc_views) and created again, in their
   * order, after every ALTER TABLE: the views always show what they show on SQLite.
   */
  exec(script: string): this {
    let altered = false;
    for (const one of splitStatements(script)) {
      const trigger = translateTrigger(one);
      if (trigger) {
        for (const t of trigger) this.query(t, [], one);
        continue;
      }
      const { sql } = translate(one);
      this.query(sql, [], one);
      const view = /^\s*CREATE\s+VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)/i.exec(sql);
      const dropped = /^\s*DROP\s+VIEW\s+(?:IF\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)/i.exec(sql);
      if (view) {
        this.client.querySync('DELETE FROM voc_views WHERE name = $1', [view[1]!]);
        this.client.querySync('INSERT INTO voc_views (name, sql) VALUES ($1, $2)', [view[1]!, sql]);
      } else if (dropped) this.client.querySync('DELETE FROM voc_views WHERE name = $1', [dropped[1]!]);
      else if (/^\s*ALTER\s+TABLE\b/i.test(sql)) altered = true;
    }
    if (altered) this.recreateViews();
    if (this.statements.size && /^\s*(?:CREATE|ALTER|DROP)\b/im.test(script)) {
      // A plan that read a changed table or view is re-planned by the server, but one whose
      // result columns changed fails: start over.
      this.client.querySync('DEALLOCATE ALL');
      this.statements.clear();
    }
    return this;
  }

  private recreateViews(): void {
    const views = this.client.querySync('SELECT name, sql FROM voc_views ORDER BY seq');
    for (const v of [...views].reverse()) this.client.querySync(`DROP VIEW IF EXISTS ${String(v.name)}`);
    for (const v of views) this.client.querySync(String(v.sql));
  }

  private begin(): void {
    this.client.querySync(this.depth === 0 && !this.cursorTx ? 'BEGIN' : `SAVEPOINT voc_sp${this.depth}`);
    this.depth++;
  }

  private end(ok: boolean): void {
    this.depth--;
    if (this.depth === 0 && !this.cursorTx) this.client.querySync(ok ? 'COMMIT' : 'ROLLBACK');
    else if (ok) this.client.querySync(`RELEASE SAVEPOINT voc_sp${this.depth}`);
    else this.client.querySync(`ROLLBACK TO SAVEPOINT voc_sp${this.depth}; RELEASE SAVEPOINT voc_sp${this.depth}`);
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F> {
    const wrap =
      (lock: boolean) =>
      (...args: ArgsOf<F>): ReturnType<F> => {
        this.begin();
        try {
          // IMMEDIATE on SQLite takes the write lock at once; here the migration lock stands in.
          if (lock) this.client.querySync(`SELECT pg_advisory_xact_lock(${ADVISORY_CLASS}, ${ADVISORY_MIGRATE})`);
          const result = (fn as (...a: ArgsOf<F>) => unknown)(...args) as ReturnType<F>;
          this.end(true);
          return result;
        } catch (err) {
          this.end(false);
          throw err;
        }
      };
    const tx = wrap(false) as Transaction<F>;
    tx.immediate = wrap(true);
    tx.deferred = tx;
    tx.exclusive = tx.immediate;
    return tx;
  }

  *cursor(sql: string, values: (string | null)[], source: string, shape: (row: Record<string, unknown>) => unknown): IterableIterator<unknown> {
    if (this.depth === 0 && !this.cursorTx) {
      this.client.querySync('BEGIN');
      this.cursorTx = true;
    }
    const name = `voc_c${++this.cursorSeq}`;
    this.cursors++;
    let open = false;
    try {
      this.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, values, source);
      open = true;
      for (;;) {
        const rows = this.client.querySync(`FETCH ${FETCH_ROWS} FROM ${name}`);
        for (const row of rows) yield shape(row);
        if (rows.length < FETCH_ROWS) break;
      }
    } finally {
      if (open) this.client.querySync(`CLOSE ${name}`);
      this.cursors--;
      if (this.cursors === 0 && this.cursorTx && this.depth === 0) {
        this.cursorTx = false;
        this.client.querySync('COMMIT');
      }
    }
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const m = /^\s*(\w+)\s*(?:=\s*(\S+))?\s*$/.exec(source);
    const name = m?.[1]?.toLowerCase();
    if (name === 'user_version') {
      if (m?.[2] !== undefined) {
        this.client.querySync('UPDATE voc_schema_version SET version = $1', [String(Number(m[2]))]);
        return [];
      }
      const v = Number(this.client.querySync('SELECT version FROM voc_schema_version')[0]?.version ?? 0);
      return options.simple ? v : [{ user_version: v }];
    }
    if (name && ['foreign_keys', 'busy_timeout', 'journal_mode', 'synchronous'].includes(name)) return options.simple ? undefined : [];
    throw new UserError(`PRAGMA ${source} has no PostgreSQL equivalent in voc's store (src/store/pg/client.ts)`);
  }

  function(name: string, ...rest: unknown[]): this {
    void rest;
    if (!PRELUDE_FUNCTIONS.has(name)) {
      throw new UserError(`The SQL function ${name} is defined in JavaScript for SQLite; on PostgreSQL it needs an SQL definition in src/store/pg/prelude.ts`);
    }
    return this;
  }

  close(): this {
    finishClient(this.client);
    return this;
  }
}
