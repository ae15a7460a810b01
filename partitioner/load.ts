/**
 * Partitioners by what a user types: a built-in name (`hdrf`) or the path of
 * their own module (`./my-cut.ts`, `.js`/`.mjs` too), which is imported (a
 * `.ts` file through tsx, as user vertex programs are) and must export a
 * Partitioner: the default export first, else the only one (define.ts makes
 * them). `resolvePartitioners` takes a comma-separated list mixing both.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../core/errors.js';
import { ensureTypeScriptLoader } from '../core/engine/load-program.js';
import { isPartitioner } from './define.js';
import { getPartitioner, resolveAlgos } from './index.js';
import type { Partitioner } from './types.js';

/** A path rather than a name: it has a slash or a script extension. */
export function looksLikeModulePath(spec: string): boolean {
  return /[\\/]/.test(spec) || /\.(c|m)?(t|j)s$/.test(spec);
}

/** The partitioner a name or a module path stands for; `who` names the caller in errors. */
export async function loadPartitioner(spec: string, who = 'partitioner'): Promise<Partitioner> {
  if (!looksLikeModulePath(spec)) return getPartitioner(spec);
  const path = isAbsolute(spec) ? spec : resolve(process.cwd(), spec);
  if (!existsSync(path)) throw new UsageError(`${who}: partitioner module ${spec} not found`);
  const url = pathToFileURL(path).href;
  let module: Record<string, unknown>;
  try {
    await ensureTypeScriptLoader(url);
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${who}: could not load partitioner module ${spec}: ${(error as Error).message}`);
  }
  const found = [module.default, ...Object.entries(module).filter(([key]) => key !== 'default').map(([, value]) => value)].find(isPartitioner);
  if (!found) {
    throw new UsageError(`${who}: module ${spec} exports no partitioner; export one made with defineScoredPartitioner or defineOfflinePartitioner (from gasworks/partitioner), preferably as the default export`);
  }
  return found;
}

/** `all`, names and module paths separated by commas, to partitioners in the order given (repeats dropped). */
export async function resolvePartitioners(list: string | readonly string[], who = 'partitioner'): Promise<Partitioner[]> {
  const specs = (typeof list === 'string' ? [list] : list)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length === 0) throw new UsageError(`${who}: no partitioner named: expected a list such as hdrf,dbh,./my-cut.ts or all`);
  const out: Partitioner[] = [];
  for (const spec of specs) {
    if (looksLikeModulePath(spec)) out.push(await loadPartitioner(spec, who));
    else out.push(...resolveAlgos(spec));
  }
  const seen = new Set<string>();
  return out.filter((p) => !seen.has(p.name) && seen.add(p.name) !== undefined);
}
