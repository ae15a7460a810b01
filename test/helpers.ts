/**
 * Shared test helpers: where the repository and the shared datasets are, and
 * a temporary directory per test file. Not a test file itself (the runner only
 * picks up *.test.js).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'uvu';

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

/** The datasets of `relative` missing under datasetsDir (empty when all are there). */
export function missingData(relative: readonly string[]): string[] {
  return relative.filter((r) => !existsSync(join(datasetsDir, r)));
}

/**
 * `suite` when every dataset is present, else `suite.skip` (after saying which are missing), so a
 * test that needs real data counts as skipped, not passed, where the data is not: use
 * `needsData(test, 'snap/wiki-Vote.txt.gz')('name', async () => ...)`.
 */
export function needsData(suite: Test, ...relative: string[]): Test {
  const missing = missingData(relative);
  if (missing.length === 0) return suite;
  console.log(`  skip: ${missing.join(', ')} not found under ${datasetsDir}`);
  return suite.skip as unknown as Test;
}

/**
 * `suite` with a time limit per test: a test still running after `ms` fails with a message
 * naming it, instead of hanging the whole run (servers and workers it started are for the
 * suite's after.each hook to close). Hooks, only, skip and run are the suite's own.
 */
export function withTimeLimit(suite: Test, ms: number): Test {
  const limited = (name: string, handler: (context: unknown) => unknown) => async (context: unknown) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`test "${name}" still running after ${ms / 1000} s: stopped (a hang fails instead of blocking the run)`)), ms);
    });
    try {
      return await Promise.race([Promise.resolve().then(() => handler(context)), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
  type Callback = Parameters<Test>[1];
  const wrapped = ((name: string, handler: (context: unknown) => unknown) => suite(name, limited(name, handler) as Callback)) as unknown as Test;
  return Object.assign(wrapped, suite, {
    only: (name: string, handler: (context: unknown) => unknown) => suite.only(name, limited(name, handler) as Callback),
  }) as unknown as Test;
}
