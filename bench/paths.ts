/**
 * Where benchmarks find the repository, the shared datasets and their results
 * folder, the same whether they run from TypeScript sources (tsx) or compiled
 * (dist/bench): the repository root is the nearest folder above holding
 * package.json.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

/** ../shared/datasets beside the repository, or GASWORKS_DATASETS. */
export const datasetsDir: string = process.env.GASWORKS_DATASETS ?? resolve(repoRoot, '..', 'shared', 'datasets');

/** bench/results in the repository (created on first use). */
export function resultsPath(file: string): string {
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  return join(dir, file);
}
