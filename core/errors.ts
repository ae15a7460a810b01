/**
 * The errors gasworks raises for a user's mistake, as opposed to its own bugs.
 * The command line prints their message alone (no stack trace) and exits 1;
 * library users can tell them apart with `instanceof`. An InputError names the
 * file, the line (when there is one) and what was expected.
 */

/** Bad input data: a malformed file, a value out of range, an empty file. */
export class InputError extends Error {
  readonly file: string;
  readonly line: number | null;

  constructor(file: string, line: number | null, message: string) {
    super(line === null ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
  }
}

/** A bad option or argument: an unknown algorithm, a negative count. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** True for errors whose message alone is what a user should see. */
export function isUserError(error: unknown): error is InputError | UsageError {
  return error instanceof InputError || error instanceof UsageError;
}
