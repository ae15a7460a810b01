/**
 * Logistic regression across hosts with addresses of their own: three Linux
 * network namespaces joined by a bridge (test/netns-hosts.ts), a `gasworks
 * worker` in each listening on its own IP only, and `gasworks sgd --cluster`
 * run from the bridge's namespace. The parameter server's bsp must meet the
 * training losses and the test accuracy of one process running bsp on as
 * many threads, to the bit (the shards sum a clock's pushes in machine
 * order, as the threads' rows are summed); all-reduce the same to rounding.
 *
 * Needs root and iproute2; says so in one line and skips without them.
 * test.after stops the workers and removes the namespaces, whatever failed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../../helpers.js';
import { gasworksCommand, runBounded, VirtualHosts, type Host } from '../../netns-hosts.js';
import { workerAddress } from '../../../core/cluster/worker-process.js';

const MACHINES = 3;
const PORT = 7070;
const LISTEN_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 120_000;
const KILL_TIMEOUT_MS = 5_000;

const dir = tempDir('gasworks-sgd-netns-');
const tokenFile = join(dir, 'cluster.token');
const env = { ...process.env, CI: '1', XDG_CACHE_HOME: join(dir, 'cache'), GASWORKS_TOKEN_FILE: undefined };
const skip = VirtualHosts.whyNot();
const hosts = new VirtualHosts(MACHINES);
const workers: ChildProcess[] = [];

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), KILL_TIMEOUT_MS).unref());
  if ((await Promise.race([exited, late])) === 'late') child.kill('SIGKILL');
}

function gasworksOn(host: Host | null, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runBounded(host === null ? gasworksCommand(args) : hosts.exec(host, gasworksCommand(args)), env, RUN_TIMEOUT_MS);
}

async function startWorkerIn(i: number): Promise<string> {
  const [command, ...argv] = hosts.exec(i, gasworksCommand(['worker', '--listen', `${hosts.ip(i)}:${PORT}`, '--threads', '1', '--token-file', tokenFile]));
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
  workers.push(child);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker in ${hosts.namespaces[i]} did not listen within ${LISTEN_TIMEOUT_MS} ms`)), LISTEN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([workerAddress(child), late]);
  } finally {
    clearTimeout(timer);
  }
}

test.before(async () => {
  if (skip !== null) return;
  const made = await gasworksOn(null, ['token', '--out', tokenFile]);
  assert.is(made.status, 0, made.stderr);
  hosts.up();
});

test.after(async () => {
  if (skip !== null) return;
  try {
    await Promise.all(workers.map(stop));
  } finally {
    hosts.down();
  }
});

test('sgd across workers in three network namespaces: bsp meets one process on three threads to the bit', async () => {
  if (skip !== null) {
    console.log(`  skip: netns sgd test: ${skip}`);
    return;
  }
  const addresses = await Promise.all(hosts.namespaces.map((_, i) => startWorkerIn(i)));
  const common = ['sgd', '--train', 'planted:6000:80:8:3', '-e', '3', '--json'];
  type Summary = { trainLogLossByEpoch: number[]; accuracy: number; bytesSent: number; machines: number };
  const [ps, ring, one] = await Promise.all([
    gasworksOn('hub', [...common, '-c', 'bsp', '--cluster', addresses.join(','), '--token-file', tokenFile]),
    gasworksOn('hub', [...common, '-c', 'allreduce', '--cluster', addresses.join(','), '--token-file', tokenFile]),
    gasworksOn(null, [...common, '-c', 'bsp', '-w', String(MACHINES)]),
  ]);
  for (const [name, r] of [['ps', ps], ['allreduce', ring], ['one process', one]] as const) assert.is(r.status, 0, `${name}: exit ${r.status}; stderr: ${r.stderr}`);
  const [a, b, c] = [ps, ring, one].map((r) => JSON.parse(r.stdout) as Summary);
  assert.is(a.machines, MACHINES);
  assert.ok(a.bytesSent > 0 && b.bytesSent > 0, 'the machines exchanged data over the links');
  assert.equal(a.trainLogLossByEpoch, c.trainLogLossByEpoch);
  assert.is(a.accuracy, c.accuracy);
  b.trainLogLossByEpoch.forEach((x, i) => assert.ok(Math.abs(x - c.trainLogLossByEpoch[i]) < 1e-12, `all-reduce epoch ${i + 1}: ${x} vs ${c.trainLogLossByEpoch[i]}`));
});

test.run();
