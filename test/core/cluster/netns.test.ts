/**
 * The cluster across hosts with addresses of their own: three Linux network
 * namespaces, each a "machine" with one IP on a private /24, joined by a
 * bridge in a fourth namespace (the "switch"), which also holds the
 * coordinator. A `gasworks worker` runs in each machine's namespace, listening
 * on that machine's IP only, so the workers reach each other's data channels
 * over the veth links and the bridge, as separate machines would, and never
 * over loopback. PageRank across them must write the ranks one machine
 * writes, to 1e-12 per vertex.
 *
 * Needs root and iproute2 (`ip`); it says so in one line and skips without
 * them, or when the kernel refuses `ip netns add` (a container without
 * CAP_SYS_ADMIN). Nothing is set up in the root namespace but the two veth
 * ends for a moment, and test.after removes everything, whatever failed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers.js';
import { gasworksCommand, runBounded, VirtualHosts, type Host } from '../../netns-hosts.js';
import { workerAddress } from '../../../core/cluster/worker-process.js';

const MACHINES = 3;
const PORT = 7070;
/** Bounds of every wait, ms. */
const LISTEN_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 180_000;
const KILL_TIMEOUT_MS = 5_000;

const dir = tempDir('gasworks-netns-');
const tokenFile = join(dir, 'cluster.token');
const env = { ...process.env, CI: '1', XDG_CACHE_HOME: join(dir, 'cache'), GASWORKS_TOKEN_FILE: undefined };

const skip = VirtualHosts.whyNot();
const hosts = new VirtualHosts(MACHINES);
const workers: ChildProcess[] = [];

/** Bounded wait for a child to exit after SIGTERM, then SIGKILL. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), KILL_TIMEOUT_MS).unref());
  if ((await Promise.race([exited, timer])) === 'late') {
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, KILL_TIMEOUT_MS).unref())]);
  }
}

/** `gasworks ARGS` on a host (null: in this namespace), bounded; resolves to its exit status and output. */
function gasworksOn(host: Host | null, args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runBounded(host === null ? gasworksCommand(args) : hosts.exec(host, gasworksCommand(args)), env, timeoutMs);
}

/** Start a worker in machine i's namespace, listening on its IP; resolves to the address it prints. */
async function startWorkerIn(i: number): Promise<string> {
  const args = ['worker', '--listen', `${hosts.ip(i)}:${PORT}`, '--threads', '1', '--token-file', tokenFile];
  const [command, ...argv] = hosts.exec(i, gasworksCommand(args));
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
  workers.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker in ${hosts.namespaces[i]} did not listen within ${LISTEN_TIMEOUT_MS} ms; stderr: ${stderr}`)), LISTEN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([workerAddress(child), late]);
  } catch (error) {
    throw new Error(`${(error as Error).message}; stderr: ${stderr}`);
  } finally {
    clearTimeout(timer);
  }
}

/** id -> value of an `--out` file. */
function readOut(path: string): Array<[string, number]> {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [id, value] = line.split('\t');
      return [id, Number(value)] as [string, number];
    });
}

test.before(async () => {
  if (skip !== null) return;
  const made = await gasworksOn(null, ['token', '--out', tokenFile], 60_000);
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

test('PageRank across workers in three network namespaces writes the ranks of one machine', async () => {
  if (skip !== null) {
    console.log(`  skip: netns cluster test: ${skip}`);
    return;
  }
  const addresses = await Promise.all(hosts.namespaces.map((_, i) => startWorkerIn(i)));
  assert.equal(addresses, hosts.namespaces.map((_, i) => `${hosts.ip(i)}:${PORT}`));
  // Each worker really is in its machine's namespace (`ip netns exec` execs node in place).
  workers.forEach((child, i) => assert.is(hosts.namespaceOf(child.pid!), hosts.namespaces[i]));

  const common = ['run', 'pagerank', '--graph', 'rmat:12', '--iterations', '10', '-q'];
  const there = join(dir, 'cluster.tsv');
  const here = join(dir, 'one.tsv');
  const [cluster, one] = await Promise.all([
    gasworksOn('hub', [...common, '--cluster', addresses.join(','), '--token-file', tokenFile, '--out', there, '--json'], RUN_TIMEOUT_MS),
    gasworksOn(null, [...common, '--workers', '1', '--out', here], RUN_TIMEOUT_MS),
  ]);
  assert.is(cluster.status, 0, `cluster run: exit ${cluster.status}; stderr: ${cluster.stderr}`);
  assert.is(one.status, 0, `one-machine run: exit ${one.status}; stderr: ${one.stderr}`);

  const summary = JSON.parse(cluster.stdout) as { iterations: number; cluster: { machines: number; workers: string[]; recoveries: number; bytesRouted: number } };
  assert.is(summary.iterations, 10);
  assert.is(summary.cluster.machines, MACHINES);
  assert.equal(summary.cluster.workers, addresses);
  assert.is(summary.cluster.recoveries, 0);
  assert.ok(summary.cluster.bytesRouted > 0, 'the workers exchanged data over the links');

  const a = readOut(here);
  const b = readOut(there);
  assert.is(b.length, a.length, 'vertices written');
  assert.is(a.length, 4096);
  let worst = 0;
  a.forEach(([id, x], v) => {
    assert.is(b[v][0], id, `line ${v + 1}`);
    worst = Math.max(worst, Math.abs(x - b[v][1]));
  });
  assert.ok(worst <= 1e-12, `max |rank across namespaces - rank on one machine| = ${worst}`);
});

test.run();
