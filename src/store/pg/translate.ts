/**
 * Translates the SQLite SQL of the store modules into PostgreSQL at prepare time, so the store
 * modules (and the migrations other people add) keep one text. Generic rules, each a small rewrite
 * of the statement with its string literals masked out first:
 *
 * - placeholders `?`, `?NNN`, `@name`, `:name`, `$name` become `$1..$n`; the returned `params` says
 *   which bound value (position or name) goes to each;
 * - DDL: INTEGER PRIMARY KEY -> identity, INTEGER -> BIGINT, REAL -> DOUBLE PRECISION (SQLite's REAL
 *   is 8 bytes), BLOB -> BYTEA, TEXT -> TEXT COLLATE "C" (SQLite orders text by bytes, and ORDER BY
 *   must give the same rows), AUTOINCREMENT and WITHOUT ROWID dropped;
 * - INSERT OR IGNORE -> ON CONFLICT DO NOTHING; INSERT OR REPLACE -> ON CONFLICT (primary key) DO
 *   UPDATE of the other columns (the key comes from the catalog, see `conflictKey`);
 * - json_group_array / json_object / json_array -> json_agg (with '[]' for no rows) /
 *   json_build_object / json_build_array; group_concat -> string_agg; ifnull -> COALESCE;
 *   GLOB 'pattern' -> a regular expression; LIKE -> ILIKE (SQLite's LIKE ignores ASCII case);
 * - `FROM sqlite_master WHERE type = 'table' AND name = ?` -> information_schema.tables;
 * - a mixed-case alias (`AS maxId`) is quoted, since PostgreSQL folds unquoted names to lower case,
 *   and so are lower-case names PostgreSQL reserves (`analyse`).
 *
 * Comparisons used as numbers (`sum(score >= 9)`) and the JavaScript SQL functions of SQLite
 * (voc_attr, voc_short) are provided by prelude.ts. What has no rule here (strftime, date
 * functions, json_extract, rowid, PRAGMA other than user_version) fails with an error naming the
 * statement instead of running with another meaning.
 */
import { UserError } from '../../util/errors.js';

/** Where each $n takes its value from: a position among the positional values, or a name. */
export type ParamRef = { index: number } | { name: string };

export interface Translated {
  sql: string;
  params: ParamRef[];
  /** INSERT OR REPLACE target: the caller adds ON CONFLICT from the table's primary key */
  replaceInto?: { table: string; columns: string[] };
  /** INSERT target table, for RETURNING its identity column (lastInsertRowid) */
  insertInto?: string;
}

const UNSUPPORTED: Array<[RegExp, string]> = [
  [/\bstrftime\s*\(|\bdatetime\s*\(|\bjulianday\s*\(|\bunixepoch\s*\(|\bdate\s*\(|\btime\s*\(/i, 'SQLite date functions'],
  [/\bjson_extract\s*\(|\bjson_each\s*\(|\bjson_tree\s*\(|->>|->/i, 'SQLite JSON path functions'],
  [/\browid\b|\boid\b|\b_rowid_\b/i, 'rowid'],
  [/\bsqlite_master\b|\bsqlite_schema\b/i, 'the SQLite schema table'],
  [/\bATTACH\b|\bDETACH\b|\bVACUUM\b|\bPRAGMA\b/i, 'a SQLite-only command'],
  [/\btotal\s*\(|\biif\s*\(|\bprintf\s*\(|\binstr\s*\(/i, 'a SQLite-only function'],
];

function fail(sql: string, why: string): never {
  const one = sql.replace(/\s+/g, ' ').trim();
  throw new UserError(
    `This statement cannot be translated to PostgreSQL (${why}); give it a PostgreSQL variant next to it: ${one.length > 300 ? `${one.slice(0, 300)}...` : one}`,
  );
}

interface Masked {
  text: string;
  literals: string[];
}

/** Replaces string literals by \ue000N\ue001 (private-use characters), drops comments, numbers placeholders. */
function mask(sql: string, params: ParamRef[]): Masked {
  const literals: string[] = [];
  let out = '';
  let positional = 0;
  const named = new Map<string, number>();
  for (let i = 0; i < sql.length; ) {
    const c = sql[i]!;
    if (c === "'") {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") j++;
          else break;
        }
      }
      literals.push(sql.slice(i, j + 1));
      out += `\ue000${literals.length - 1}\ue001`;
      i = j + 1;
    } else if (c === '"') {
      const j = sql.indexOf('"', i + 1);
      out += sql.slice(i, j < 0 ? sql.length : j + 1);
      i = j < 0 ? sql.length : j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? sql.length : j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      i = j < 0 ? sql.length : j + 2;
      out += ' ';
    } else if (c === '?') {
      const m = /^\?(\d*)/.exec(sql.slice(i))!;
      params.push({ index: m[1] ? Number(m[1]) - 1 : positional++ });
      out += `$${params.length}`;
      i += m[0].length;
    } else if ((c === '@' || c === ':' || c === '$') && /[A-Za-z_]/.test(sql[i + 1] ?? '') && !(c === ':' && sql[i - 1] === ':')) {
      const m = /^[@:$]([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i))!;
      const name = m[1]!;
      let n = named.get(name);
      if (n === undefined) {
        params.push({ name });
        n = params.length;
        named.set(name, n);
      }
      out += `$${n}`;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, literals };
}

function unmask(m: Masked, text: string): string {
  return text.replace(/\ue000(\d+)\ue001/g, (_, n: string) => m.literals[Number(n)]!);
}

/** The index just past the parenthesis that closes the one opening at `open`. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Rewrites every `name(args)` call with `wrap(args)`. */
function rewriteCall(text: string, name: string, wrap: (args: string) => string): string {
  const re = new RegExp(`\\b${name}\\s*\\(`, 'i');
  let out = '';
  let rest = text;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    const open = m.index + m[0].length - 1;
    const end = closing(rest, open);
    if (end < 0) break;
    out += rest.slice(0, m.index) + wrap(rewriteCall(rest.slice(open + 1, end - 1), name, wrap));
    rest = rest.slice(end);
  }
  return out + rest;
}

/**
 * Words PostgreSQL reserves that SQLite lets a schema use as names (segments.analyse). Matched in
 * lower case only: the store writes keywords in capitals and names in lower case.
 */
const RESERVED_NAMES = /(?<!["\w])(analyse|analyze|user|window|lateral|variadic|placing|both|leading|trailing|symmetric|asymmetric|localtime|localtimestamp)(?!["\w])/g;

function globToRegex(literal: string): string {
  const body = literal.slice(1, -1).replace(/''/g, "'");
  let re = '^';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const j = body.indexOf(']', i + 2);
      const set = body.slice(i + 1, j < 0 ? body.length : j);
      re += `[${set.startsWith('^') ? `\\${set}` : set}]`;
      i = j < 0 ? body.length : j;
    } else re += /[\\^$.|+(){}]/.test(c) ? `\\${c}` : c;
  }
  return `'${`${re}$`.replace(/'/g, "''")}'`;
}

function translateDdl(text: string): string {
  if (!/^\s*(CREATE\s+TABLE|ALTER\s+TABLE)\b/i.test(text)) return text;
  return text
    .replace(/\bINTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?/gi, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bWITHOUT\s+ROWID\b/gi, '')
    // Type names are matched in capitals only: the schema writes types in capitals and names
    // (a column called text) in lower case.
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\bTEXT\b(?!\s+COLLATE)/g, 'TEXT COLLATE "C"');
}

/** One statement (no trailing `;` needed). */
export function translate(sql: string): Translated {
  const params: ParamRef[] = [];
  const m = mask(sql, params);
  let t = m.text;
  t = translateDdl(t);
  // Catalog lookups (does a table exist?): SQLite's schema table as PostgreSQL's information schema.
  t = t.replace(
    /\bFROM\s+(?:sqlite_master|sqlite_schema)\s+WHERE\s+type\s*=\s*\ue000(\d+)\ue001\s+AND\s+name\s*=/gi,
    (all, n: string) =>
      m.literals[Number(n)] === "'table'" ? `FROM information_schema.tables WHERE table_schema = current_schema() AND table_name =` : all,
  );
  for (const [re, why] of UNSUPPORTED) if (re.test(t)) fail(sql, why);
  const result: Omit<Translated, 'sql'> = { params };
  let conflict = '';
  const ins = /^\s*(?:INSERT\s+OR\s+(IGNORE|REPLACE)|(REPLACE))\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)\s*(\(([^)]*)\))?/i.exec(t);
  if (ins) {
    const mode = (ins[1] ?? ins[2])!.toUpperCase();
    const table = ins[3]!;
    t = `INSERT INTO ${table} ${ins[4] ?? ''}${t.slice(ins[0].length)}`;
    if (mode === 'IGNORE') conflict = ' ON CONFLICT DO NOTHING';
    else if (!ins[5]) fail(sql, 'INSERT OR REPLACE without a column list');
    else result.replaceInto = { table, columns: ins[5].split(',').map((c) => c.trim()) };
  }
  const into = /^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(t);
  if (into) result.insertInto = into[1]!;
  if (conflict) {
    const ret = /\bRETURNING\b/i.exec(t);
    t = ret ? `${t.slice(0, ret.index)}${conflict} ${t.slice(ret.index)}` : `${t.trimEnd()}${conflict}`;
  }
  t = rewriteCall(t, 'json_group_array', (a) => `COALESCE(json_agg(${a}), '[]'::json)`);
  t = rewriteCall(t, 'group_concat', (a) => {
    const [expr, sep] = splitTopLevel(a);
    return `string_agg(CAST(${expr} AS TEXT), ${sep ?? "','"})`;
  });
  t = t
    .replace(/\bjson_object\s*\(/gi, 'json_build_object(')
    .replace(/\bjson_array\s*\(/gi, 'json_build_array(')
    .replace(/\bifnull\s*\(/gi, 'COALESCE(')
    .replace(/\bNOT\s+LIKE\b/gi, 'NOT ILIKE')
    .replace(/(?<!NOT\s+)\bLIKE\b/gi, 'ILIKE')
    .replace(/\bAS\s+([A-Za-z_][A-Za-z0-9_]*)\b/g, (all, name: string) => (/[a-z]/.test(name) && /[A-Z]/.test(name) ? `AS "${name}"` : all));
  t = t.replace(RESERVED_NAMES, '"$1"');
  t = t.replace(/\bGLOB\s+\ue000(\d+)\ue001/gi, (_, n: string) => `~ ${globToRegex(m.literals[Number(n)]!)}`);
  if (/\bGLOB\b/i.test(t)) fail(sql, 'GLOB with a pattern that is not a literal');
  return { ...result, sql: unmask(m, t) };
}

function splitTopLevel(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '(') depth++;
    else if (args[i] === ')') depth--;
    else if (args[i] === ',' && depth === 0) {
      parts.push(args.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(args.slice(start));
  return parts;
}

/** A script (migrations) split into statements at top-level semicolons, literals and comments respected. */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === "'" || c === '"') {
      const j = script.indexOf(c, i + 1);
      i = j < 0 ? script.length : j;
    } else if (c === '-' && script[i + 1] === '-') {
      const j = script.indexOf('\n', i);
      i = j < 0 ? script.length : j;
    } else if (c === '/' && script[i + 1] === '*') {
      const j = script.indexOf('*/', i + 2);
      i = j < 0 ? script.length : j + 1;
    } else if (c === ';') {
      // A trigger's body (BEGIN ...; ...; END) is one statement with the trigger.
      const stmt = script.slice(start, i);
      if (/^\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(stmt) && /\bBEGIN\b/i.test(stmt) && !/\bEND\s*$/i.test(stmt)) continue;
      out.push(stmt);
      start = i + 1;
    }
  }
  out.push(script.slice(start));
  return out.filter((s) => s.replace(/--[^\n]*/g, '').trim() !== '');
}

const TRIGGER =
  /^\s*CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s+(BEFORE|AFTER)\s+(INSERT|UPDATE(?:\s+OF\s+[A-Za-z0-9_,\s]+?)?|DELETE)\s+ON\s+([A-Za-z_][A-Za-z0-9_]*)\s+(?:FOR\s+EACH\s+ROW\s+)?(?:WHEN\s+([\s\S]+?)\s+)?BEGIN\s+([\s\S]*?);?\s*END\s*$/i;

/**
 * A SQLite trigger (`CREATE TRIGGER t AFTER INSERT ON x BEGIN ...; END`) as PostgreSQL needs it: a
 * PL/pgSQL function holding the translated body, and a row trigger that executes it. Returns the
 * statements to run in order; `null` when the statement is not a trigger.
 */
export function translateTrigger(sql: string): string[] | null {
  if (!/^\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(sql)) return null;
  const m = TRIGGER.exec(sql.replace(/--[^\n]*/g, ''));
  if (!m) fail(sql, 'a trigger of a form with no rule (TEMP, INSTEAD OF or no BEGIN ... END)');
  const [, name, when, op, table, cond, body] = m as unknown as [string, string, string, string, string, string | undefined, string];
  const statements = splitStatements(body).map((b) => {
    const t = translate(b);
    if (t.params.length) fail(sql, 'a trigger body with placeholders');
    return `${t.sql.trim()};`;
  });
  const ret = when.toUpperCase() === 'AFTER' ? 'RETURN NULL;' : "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;";
  const fn = `${name}_fn`;
  return [
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $voc_trigger$ BEGIN ${statements.join(' ')} ${ret} END $voc_trigger$`,
    `CREATE TRIGGER ${name} ${when} ${op.replace(/\s+/g, ' ')} ON ${table} FOR EACH ROW${cond ? ` WHEN (${cond})` : ''} EXECUTE FUNCTION ${fn}()`,
  ];
}
