/**
 * Storage failures in words a person can act on. A full disk, an I/O error, a read-only file or
 * folder, or a file that is not a database are not bugs in voc and not bad input: they stop the
 * run with one line (exit 5) that says what happened to which file and what to do. The callers
 * make sure nothing was claimed that was not stored: the failing batch rolls back, the file being
 * read is not marked done, and the next run reads it again.
 */
import { ExitCode, UserError } from '../util/errors.js';

const SQLITE_HINTS: Array<[RegExp, string]> = [
  [/^SQLITE_FULL/, 'the disk (or the database size limit) is full; free space and run again'],
  [/^SQLITE_IOERR/, 'the disk reported an I/O error; check the disk and run again'],
  [/^SQLITE_READONLY/, 'the database (or its folder) is read-only; make it writable or use --db with a writable file'],
  [/^SQLITE_CANTOPEN/, 'the database file cannot be opened; check that its folder exists and is writable'],
  [/^SQLITE_NOTADB/, 'this file is not a SQLite database; point --db or "database" at a voc database or a new file name'],
  [/^SQLITE_CORRUPT/, 'the database file is damaged; restore it from a backup or start a new one'],
  [/^SQLITE_PERM|^SQLITE_AUTH/, 'permission denied; check the file and folder permissions'],
  [/^SQLITE_BUSY|^SQLITE_LOCKED/, 'another process is using the database (a query or a run without the lock); try again when it is done'],
];

const FS_HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full; free space and run again',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied; check the file and folder permissions',
  EPERM: 'permission denied; check the file and folder permissions',
  EDQUOT: 'the disk quota is exceeded; free space and run again',
  EIO: 'the disk reported an I/O error',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'the path is a folder, not a file',
  ENAMETOOLONG: 'the path is too long',
};

/** The SQLite or file-system error code of a storage failure, or null for any other error. */
export function storageErrorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (SQLITE_HINTS.some(([re]) => re.test(code))) return code;
  return Object.hasOwn(FS_HINTS, code) ? code : null;
}

/** A UserError (exit 5) for a storage failure, or null when `err` is not one. */
export function storageError(err: unknown, what: string): UserError | null {
  if (err instanceof UserError) return null;
  const code = storageErrorCode(err);
  if (!code) return null;
  const hint = SQLITE_HINTS.find(([re]) => re.test(code))?.[1] ?? FS_HINTS[code]!;
  const detail = (err as Error).message.split('\n')[0];
  const busy = /^SQLITE_(BUSY|LOCKED)/.test(code);
  return new UserError(
    `cannot write ${what} (${code}: ${detail}): ${hint}. Nothing was marked done that was not stored; the next run picks up from here.`,
    busy ? ExitCode.Locked : ExitCode.Storage,
  );
}
