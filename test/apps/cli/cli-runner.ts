/**
 * Runs the real `gasworks` command line in a child process for CLI tests: the
 * compiled dist/apps/cli/main.js when the tests run compiled, or the
 * TypeScript source under tsx when they run from source.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const compiled = fileURLToPath(new URL('../../../apps/cli/main.js', import.meta.url));
const source = fileURLToPath(new URL('../../../apps/cli/main.ts', import.meta.url));

function argvFor(args: string[]): string[] {
  const useSource = import.meta.url.endsWith('.ts') || !existsSync(compiled);
  return useSource ? ['--import', 'tsx', source, ...args] : [compiled, ...args];
}

/** Environment changes for a child: a value replaces the variable, undefined removes it. */
type EnvChanges = Record<string, string | undefined>;

/** Start `gasworks ARGS` in the background (a server such as `gasworks worker`); the caller kills it. */
export function gasworksInBackground(args: string[], env: EnvChanges = {}): ChildProcess {
  return spawn(process.execPath, argvFor(args), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1', ...env } });
}

export function gasworks(args: string[], options: { cwd?: string; timeoutMs?: number; env?: EnvChanges } = {}): CliResult {
  const argv = argvFor(args);
  const r = spawnSync(process.execPath, argv, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, CI: '1', ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Run each case and check it is reported as a user's mistake: exit status 1,
 * stderr matching the case's message, and no stack trace.
 */
export function expectUserMistakes(cases: ReadonlyArray<readonly [readonly string[], RegExp]>, check: { is(a: unknown, b: unknown, m?: string): void; ok(x: unknown, m?: string): void }): void {
  for (const [args, message] of cases) {
    const r = gasworks([...args]);
    const what = args.join(' ');
    check.is(r.status, 1, `${what}: status ${r.status}, stderr ${r.stderr}`);
    check.ok(message.test(r.stderr), `${what}: stderr ${JSON.stringify(r.stderr)} does not match ${message}`);
    check.ok(!/\n\s+at /.test(r.stderr), `${what}: stack trace in ${r.stderr}`);
  }
}
