/**
 * Shared test helpers: where the repository and the shared datasets are, and
 * a temporary directory per test file. Not a test file itself (the runner only
 * picks up *.test.js).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding package.json. */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('test helpers: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

/** ../shared/datasets beside the repository, or GASWORKS_DATASETS. */
export const datasetsDir: string = process.env.GASWORKS_DATASETS ?? resolve(repoRoot, '..', 'shared', 'datasets');

/** Absolute path of a dataset file, or null (after saying why) when it is absent. */
export function dataset(relative: string, testName: string): string | null {
  const path = join(datasetsDir, relative);
  if (existsSync(path)) return path;
  console.log(`  skip: ${testName}: dataset ${relative} not found under ${datasetsDir}`);
  return null;
}

/** A fresh temporary directory, removed at exit. */
export function tempDir(prefix = 'gasworks-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
