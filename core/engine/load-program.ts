/**
 * Import a vertex program from its module URL, as worker threads (and the
 * command line, for a user's own file) do: the export whose `kind` is
 * 'gasworks.program', preferring the default export, and when `name` is given
 * the one with that name. Errors name the module and what it exports.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { isMainThread } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import { isVertexProgram, type VertexProgram } from '../program.js';
import { needsTypeScriptLoader } from '../workers/spawn.js';

let typeScriptRegistered = false;

/**
 * Node 20 cannot import TypeScript by itself: a user's `.ts` program needs
 * tsx registered in this thread first (once). Compiled programs skip this.
 */
export async function ensureTypeScriptLoader(url: string): Promise<void> {
  if (typeScriptRegistered || !needsTypeScriptLoader(url)) return;
  const { register } = await import('tsx/esm/api');
  register();
  typeScriptRegistered = true;
}

/**
 * The module being imported for its program, in the async context of that import only: its
 * top-level code (and what it awaits) sees it; other code running meanwhile (a coordinator,
 * a worker server in the same process) does not.
 */
const importing = new AsyncLocalStorage<string>();

/**
 * Import a module for the program it defines, remembering which while it evaluates: a script that
 * defines a program and also runs it would otherwise run again in every worker thread that imports
 * it, and each of those runs would start workers of its own. `refuseRunWhileImporting` stops that
 * at once, with what to do.
 */
export async function importProgramModule(url: string): Promise<Record<string, unknown>> {
  await ensureTypeScriptLoader(url);
  return (await importing.run(url, () => import(url))) as Record<string, unknown>;
}

/** Throw when called while a module is being imported for its program (see importProgramModule). */
export function refuseRunWhileImporting(who: string): void {
  const url = importing.getStore();
  if (url === undefined) return;
  throw new UsageError(
    `${who}: called while gasworks imports ${url} for the program it defines${isMainThread ? '' : ' (in a worker thread)'}: ` +
      "a script that defines a program and runs it must run it only in the main thread (wrap the run in `if (isMainThread) { ... }`, isMainThread from 'node:worker_threads'), or keep the program in a module of its own",
  );
}

/** The program exported by the module at `url` (a file: URL). */
export async function importProgram(url: string, name?: string): Promise<VertexProgram> {
  const module = await importProgramModule(url);
  return findProgram(module, url, name);
}

/** The program among a module's exports: the default one first, else the only one, or the one called `name`. */
export function findProgram(module: Record<string, unknown>, url: string, name?: string): VertexProgram {
  const candidates = [module.default, ...Object.entries(module).filter(([k]) => k !== 'default').map(([, v]) => v)].filter(isVertexProgram);
  if (name !== undefined) {
    const named = candidates.find((p) => p.name === name);
    if (named) return named;
    throw new Error(`importProgram: module ${url} exports no vertex program named "${name}" (it exports: ${candidates.map((p) => p.name).join(', ') || 'none'})`);
  }
  if (candidates.length === 0) {
    throw new Error(`importProgram: module ${url} exports no vertex program (define one with defineProgram and export it, preferably as the default export)`);
  }
  return candidates[0];
}
