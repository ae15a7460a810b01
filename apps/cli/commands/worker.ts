/**
 * `gasworks worker --listen host:port`: serve as one machine of a cluster.
 * Start one on each machine (or several on one, for a try), then run a
 * program from any of them with `gasworks run ... --cluster a:port,b:port`.
 * It prints the address it listens on (port 0 picks a free one) and serves
 * until stopped (Ctrl-C or SIGTERM). Without a token it listens on loopback
 * only, unless told `--insecure`.
 */
import type { Command } from 'commander';
import { addClusterSecurityOptions, clusterSecurityFrom, type ClusterSecurityFlags } from '../cluster-flags.js';
import { positiveInt, workerCount } from '../arguments.js';
import { createServer } from 'node:net';
import { defaultWorkers } from '../../../core/engine/index.js';
import { UsageError } from '../../../core/errors.js';
import { access, mkdir, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { parseAddress } from '../../../core/util/address.js';

/**
 * Refuse a taken port with one line before gRPC tries it (gRPC would log its own lines first).
 * A port freed in between is fine; one taken in between still fails, in startWorker.
 */
async function checkPortFree(listen: string): Promise<void> {
  const { bareHost, port } = parseAddress('worker: --listen', listen);
  if (port === 0) return;
  const problem = await new Promise<string | null>((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen({ host: bareHost, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
  if (problem === 'EADDRINUSE') throw new UsageError(`worker: --listen ${listen}: port ${port} is taken (another worker?); choose another port, or port 0 for any free one`);
  if (problem === 'EACCES') throw new UsageError(`worker: --listen ${listen}: not allowed to listen on port ${port} (ports below 1024 need privileges); choose a port above 1024`);
  if (problem === 'EADDRNOTAVAIL' || problem === 'ENOTFOUND') throw new UsageError(`worker: --listen ${listen}: ${bareHost} is not an address of this machine`);
}

interface WorkerFlags extends ClusterSecurityFlags {
  listen: string;
  insecure?: boolean;
  maxMessageMb: number;
  threads?: number;
  programCache?: string;
  checkpointDir?: string;
  dataDir?: string;
}

/** Make `dir` (and its parents) if missing; a UsageError unless this process can write there. */
async function writableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`worker: --checkpoint-dir must be a folder this worker can write; got ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export function registerWorker(program: Command): void {
  const cmd = program
    .command('worker')
    .description('serve as one machine of a cluster (then: gasworks run PROGRAM --graph G --cluster host:port,... --token-file F)')
    .option('-l, --listen <host:port>', 'address to listen on (port 0: any free port); beyond loopback it needs --token-file (or --insecure)', '127.0.0.1:7070')
    .option('--insecure', 'listen beyond loopback without a token: anyone who reaches the worker may run the bundled programs on it')
    .option('--max-message-mb <n>', 'largest control message or data frame taken, in MiB', positiveInt, 1024)
    .option('--program-cache <dir>', 'where shipped programs are kept by their hash (default: $XDG_CACHE_HOME/gasworks/programs or ~/.cache/gasworks/programs); yours alone, writable by no one else')
    .option('-t, --threads <n>', `threads each job runs on (default: one per core, ${defaultWorkers()} here)`, workerCount)
    .option('--data-dir <dir>', 'let `run --load distributed` read graph files under this folder (and nowhere else); default: none')
    .option('--checkpoint-dir <dir>', "keep each job's checkpoints here, this machine's part only (shared storage every worker reads, on a real cluster); default: the coordinator keeps them");
  addClusterSecurityOptions(cmd);
  cmd.action(async (flags: WorkerFlags) => {
    const security = clusterSecurityFrom('worker', flags);
    await checkPortFree(flags.listen);
    const { startWorker } = await import('../../../core/cluster/worker-server.js');
    const threads = flags.threads ?? defaultWorkers();
    if (flags.checkpointDir !== undefined) await writableDir(flags.checkpointDir);
    if (flags.dataDir !== undefined && !(await stat(flags.dataDir).then((s) => s.isDirectory(), () => false))) throw new UsageError(`worker: --data-dir must be a folder; got ${flags.dataDir}`);
    const worker = await startWorker(flags.listen, { security, insecure: flags.insecure, maxMessageBytes: flags.maxMessageMb * 1024 * 1024, threads, programCache: flags.programCache, checkpointDir: flags.checkpointDir, dataDir: flags.dataDir });
    const how = [`${threads} thread${threads === 1 ? '' : 's'}`, security.token ? 'token' : 'no token', security.tls ? (security.tls.ca ? 'mutual TLS' : 'TLS') : 'no TLS'].join(', ');
    process.stdout.write(`gasworks worker listening on ${worker.address} (${how})\n`);
    const stop = (): void => {
      void worker.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
