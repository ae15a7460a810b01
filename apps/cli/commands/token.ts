/**
 * `gasworks token --out FILE`: write a new cluster secret (256 random bits,
 * hex) to FILE, readable by its owner only, for `gasworks worker
 * --token-file FILE` on every machine and the coordinator's `--token-file`.
 * It never overwrites a file: a cluster's workers would lose their token.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { newSecret } from '../../../core/cluster/auth.js';

export function registerToken(program: Command): void {
  program
    .command('token')
    .description("write a new cluster secret for --token-file (copy the file to every machine of the cluster)")
    .requiredOption('-o, --out <file>', 'the token file to create (mode 0600; an existing file is left alone)')
    .action((flags: { out: string }) => {
      try {
        writeFileSync(flags.out, `${newSecret()}\n`, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(code === 'EEXIST' ? `token: ${flags.out} exists; remove it first, or give another --out (workers holding the old token would refuse the new one)` : `token: cannot write ${flags.out}: ${code ?? (error as Error).message}`);
      }
      process.stdout.write(`wrote a new cluster token to ${flags.out}\n`);
    });
}
