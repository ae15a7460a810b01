/**
 * Turning an exception thrown by a user's vertex program into a ProgramError
 * (core/errors.ts): the program, the function that threw, the vertex by its
 * file id, and only the stack frames of the program's own module. The
 * kernels catch once per chunk (a try around the loop, nothing per edge) and
 * call the `fail` built here with the phase and the vertex they were at.
 */
import { fileURLToPath } from 'node:url';
import { ProgramError, isUserError } from '../errors.js';
import type { Graph } from '../graph/graph.js';

export type FailProgram = (error: unknown, phase: string, vertex: number) => Error;

/** The stack lines of `error` that point into the program's module. */
export function programFrames(error: unknown, programUrl: string): string[] {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  let path = programUrl;
  try {
    path = fileURLToPath(programUrl);
  } catch {
    // not a file: URL; match the URL itself
  }
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && (line.includes(programUrl) || line.includes(path)))
    .map((line) => line.trim());
}

/** A `fail` for kernels running `program` over `graph` (vertex ids are named by graph.key). */
export function programFailure(program: { name: string; url: string }, graph: Graph | null): FailProgram {
  return (error, phase, vertex) => {
    // A ProgramError already, or a program refusing its input on purpose (a UsageError): as is.
    if (isUserError(error)) return error;
    let key = '';
    if (vertex >= 0) {
      try {
        key = graph !== null ? graph.key(vertex) : String(vertex);
      } catch {
        key = String(vertex);
      }
    }
    return new ProgramError(program.name, phase, key, error, programFrames(error, program.url));
  };
}
