/**
 * Import a vertex program from its module URL, as worker threads (and the
 * command line, for a user's own file) do: the export whose `kind` is
 * 'gasworks.program', preferring the default export, and when `name` is given
 * the one with that name. Errors name the module and what it exports.
 */
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

/** The program exported by the module at `url` (a file: URL). */
export async function importProgram(url: string, name?: string): Promise<VertexProgram> {
  await ensureTypeScriptLoader(url);
  const module = (await import(url)) as Record<string, unknown>;
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
