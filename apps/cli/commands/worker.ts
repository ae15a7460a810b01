/**
 * `gasworks worker --listen host:port`: serve as one machine of a cluster.
 * Start one on each machine (or several on one, for a try), then run a
 * program from any of them with `gasworks run ... --cluster a:port,b:port`.
 * It prints the address it listens on (port 0 picks a free one) and serves
 * until stopped (Ctrl-C or SIGTERM).
 */
import type { Command } from 'commander';
import { startWorker } from '../../../core/cluster/worker-server.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('serve as one machine of a cluster (then: gasworks run PROGRAM --graph G --cluster host:port,...)')
    .option('-l, --listen <host:port>', 'address to listen on (port 0: any free port)', '0.0.0.0:7070')
    .action(async (flags: { listen: string }) => {
      const worker = await startWorker(flags.listen);
      process.stdout.write(`gasworks worker listening on ${worker.address}\n`);
      const stop = (): void => {
        void worker.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
