/** The run lock: one holder at a time, and a release leaves no 'exit' listener behind. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../src/store/lock.js';
import { ExitCode, UserError } from '../src/util/errors.js';

describe('acquireLock', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dbPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'voc-lock-'));
    dirs.push(dir);
    return join(dir, 'voc.sqlite');
  };

  it('refuses a second holder with the lock exit code, and releases', () => {
    const db = dbPath();
    const lock = acquireLock(db, 'test');
    expect(existsSync(`${db}.lock`)).toBe(true);
    let error: unknown;
    try {
      acquireLock(db, 'second');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.Locked);
    lock.release();
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it('removes its exit listener on release', () => {
    const before = process.listenerCount('exit');
    const db = dbPath();
    for (let i = 0; i < 20; i++) acquireLock(db, 'test').release();
    expect(process.listenerCount('exit')).toBe(before);
  });
});
