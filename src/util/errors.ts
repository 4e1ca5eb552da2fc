/**
 * Errors meant for people. The CLI prints `UserError` messages as they are (no stack trace) and
 * exits with `exitCode`; anything else is a bug and is printed with its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
