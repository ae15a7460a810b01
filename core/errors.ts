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

/**
 * A user's vertex program threw: which program, which of its functions
 * (create, init, gather, apply, scatter), at which vertex (its id in the
 * graph's file, or -1 for create), the error's own message, and the stack
 * frames of the program's own module (the engine's are left out). Errors
 * thrown in a worker thread reach the main thread as plain Errors with these
 * fields (structured clone keeps own properties but not the class), so
 * `isProgramError` checks the shape, not the class.
 */
export class ProgramError extends Error {
  readonly program: string;
  readonly phase: string;
  readonly vertex: string;
  readonly frames: string[];

  constructor(program: string, phase: string, vertex: string, cause: unknown, frames: string[]) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`program ${program}: ${phase} threw${vertex === '' ? '' : ` at vertex ${vertex}`}: ${what}`);
    this.name = 'ProgramError';
    this.program = program;
    this.phase = phase;
    this.vertex = vertex;
    this.frames = frames;
  }
}

/** A ProgramError, or one that crossed a worker thread (same name and fields). */
export function isProgramError(error: unknown): error is ProgramError {
  return error instanceof Error && error.name === 'ProgramError' && Array.isArray((error as ProgramError).frames);
}

/** True for errors whose message alone is what a user should see. */
export function isUserError(error: unknown): error is InputError | UsageError | ProgramError {
  return error instanceof InputError || error instanceof UsageError || isProgramError(error);
}
