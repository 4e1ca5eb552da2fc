/**
 * Errors meant for people. The CLI prints `UserError` messages as they are (no stack trace) and
 * exits with `exitCode`; anything else is a bug and is printed with its stack.
 */

/** The process exit codes voc documents (README, "Commands"). */
export enum ExitCode {
  Ok = 0,
  /** An unknown flag or command (commander's own exit code), or an internal error. */
  Internal = 1,
  /** Invalid config, options or input. */
  Invalid = 2,
  /** `--strict` and something was quarantined or warned about. */
  Strict = 3,
  /** The database is locked by another run (or busy). */
  Locked = 4,
  /** The database cannot be written: full disk, I/O error, read-only file or folder, not a database. */
  Storage = 5,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + the signal number. */
  Interrupted = 130,
  Terminated = 143,
}

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Invalid,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
