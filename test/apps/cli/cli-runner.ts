/**
 * Runs the real `gasworks` command line in a child process for CLI tests: the
 * compiled dist/apps/cli/main.js when the tests run compiled, or the
 * TypeScript source under tsx when they run from source.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const compiled = fileURLToPath(new URL('../../../apps/cli/main.js', import.meta.url));
const source = fileURLToPath(new URL('../../../apps/cli/main.ts', import.meta.url));

export function gasworks(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const useSource = import.meta.url.endsWith('.ts') || !existsSync(compiled);
  const argv = useSource ? ['--import', 'tsx', source, ...args] : [compiled, ...args];
  const r = spawnSync(process.execPath, argv, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, CI: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
