/**
 * For code that starts `gasworks worker` as a child process (benchmarks,
 * tests, scripts that bring up a cluster on one machine): the address the
 * worker listens on, read from the line it prints once it listens.
 */
import type { ChildProcess } from 'node:child_process';

/** Resolves to the `host:port` a starting `gasworks worker` child prints; rejects if it exits first. */
export function workerAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`gasworks worker exited with ${code} before it listened`)));
  });
}
