/**
 * Worker processes on this machine for commands that bring their own
 * cluster (`bench partitioners --run`): `gasworks worker --listen
 * 127.0.0.1:0` per machine, loopback only and without a token (nothing
 * beyond this machine can reach them), started from the same command line
 * this process runs (compiled, or the TypeScript source under tsx), and
 * always stopped by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workerAddress } from '../../core/cluster/worker-process.js';

export interface LocalWorkers {
  addresses: string[];
  stop(): void;
}

function cliArgv(): string[] {
  const compiled = fileURLToPath(new URL('./main.js', import.meta.url));
  if (!import.meta.url.endsWith('.ts') && existsSync(compiled)) return [compiled];
  return ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))];
}

/** Start `count` workers of `threads` threads each; resolves once all listen. */
export async function startLocalWorkers(count: number, threads = 1): Promise<LocalWorkers> {
  const children: ChildProcess[] = [];
  const env = { ...process.env };
  delete env.GASWORKS_TOKEN_FILE;
  const stop = (): void => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  try {
    const addresses = await Promise.all(
      Array.from({ length: count }, () => {
        const child = spawn(process.execPath, [...cliArgv(), 'worker', '--listen', '127.0.0.1:0', '--threads', String(threads)], { stdio: ['ignore', 'pipe', 'inherit'], env });
        children.push(child);
        return workerAddress(child);
      }),
    );
    return { addresses, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
