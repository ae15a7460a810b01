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
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../helpers.js';
import { workerAddress } from '../../../core/cluster/worker-process.js';

const MACHINES = 3;
const PORT = 7070;
/** Bounds of every wait, ms. */
const IP_TIMEOUT_MS = 10_000;
const LISTEN_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 180_000;
const KILL_TIMEOUT_MS = 5_000;

// Names unique to this process: namespaces, and the veth ends while they are in the root namespace
// (interface names hold 15 characters at most: "gw" + up to 7 digits + 3).
const tag = `gw${process.pid}`;
const hub = `${tag}hub`;
const machineNs = Array.from({ length: MACHINES }, (_, i) => `${tag}m${i}`);
const hubEnd = (i: number): string => `${tag}h${i}`;
const machineEnd = (i: number): string => `${tag}v${i}`;
const subnet = `10.77.${process.pid % 200}`;
const hubIp = `${subnet}.254`;
const machineIp = (i: number): string => `${subnet}.${i + 1}`;

// The same argv as test/apps/cli/cli-runner.ts: compiled main.js, or the source under tsx.
const compiled = fileURLToPath(new URL('../../../apps/cli/main.js', import.meta.url));
const source = fileURLToPath(new URL('../../../apps/cli/main.ts', import.meta.url));
const useSource = import.meta.url.endsWith('.ts') || !existsSync(compiled);
const gasworksArgv = (args: string[]): string[] => (useSource ? ['--import', 'tsx', source, ...args] : [compiled, ...args]);

const dir = tempDir('gasworks-netns-');
const tokenFile = join(dir, 'cluster.token');
const env = { ...process.env, CI: '1', XDG_CACHE_HOME: join(dir, 'cache'), GASWORKS_TOKEN_FILE: undefined };

/** Run `ip ARGS` (bounded); throws with its stderr unless `tolerate`. */
function ip(args: string[], tolerate = false): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  const ok = r.status === 0;
  if (!ok && !tolerate) throw new Error(`ip ${args.join(' ')}: ${r.error?.message ?? `exit ${r.status}`} ${r.stderr ?? ''}`.trim());
  return { ok, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Why this machine cannot run the test, or null when it can. */
function whyNot(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (network namespaces need it)';
  const version = spawnSync('ip', ['-V'], { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  if (version.error || version.status !== 0) return '`ip` not found (iproute2; .ci/run installs it)';
  const probe = `${tag}probe`;
  const add = ip(['netns', 'add', probe], true);
  ip(['netns', 'del', probe], true);
  if (!add.ok) return `\`ip netns add\` failed: ${add.stderr.trim()}`;
  return null;
}

const skip = whyNot();
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

/** Remove every namespace and link this test may have made (each step tolerates "not there"). */
function teardown(): void {
  for (let i = 0; i < MACHINES; i++) {
    ip(['link', 'del', hubEnd(i)], true);
    ip(['link', 'del', machineEnd(i)], true);
  }
  for (const ns of [...machineNs, hub]) ip(['netns', 'del', ns], true);
}

/** The switch namespace with a bridge, and one namespace per machine linked to it by a veth pair. */
function setUpNetwork(): void {
  teardown();
  ip(['netns', 'add', hub]);
  ip(['-n', hub, 'link', 'set', 'lo', 'up']);
  ip(['-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
  ip(['-n', hub, 'addr', 'add', `${hubIp}/24`, 'dev', 'br0']);
  ip(['-n', hub, 'link', 'set', 'br0', 'up']);
  machineNs.forEach((ns, i) => {
    ip(['netns', 'add', ns]);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    ip(['link', 'add', hubEnd(i), 'type', 'veth', 'peer', 'name', machineEnd(i)]);
    ip(['link', 'set', hubEnd(i), 'netns', hub]);
    ip(['link', 'set', machineEnd(i), 'netns', ns]);
    ip(['-n', hub, 'link', 'set', hubEnd(i), 'master', 'br0']);
    ip(['-n', hub, 'link', 'set', hubEnd(i), 'up']);
    ip(['-n', ns, 'addr', 'add', `${machineIp(i)}/24`, 'dev', machineEnd(i)]);
    ip(['-n', ns, 'link', 'set', machineEnd(i), 'up']);
  });
}

/** `gasworks ARGS` in namespace `ns` (null: this one), bounded; resolves to its exit status and output. */
function gasworksIn(ns: string | null, args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [cmd, argv] = ns === null ? [process.execPath, gasworksArgv(args)] : ['ip', ['netns', 'exec', ns, process.execPath, ...gasworksArgv(args)]];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Start a worker in machine i's namespace, listening on its IP; resolves to the address it prints. */
async function startWorkerIn(i: number): Promise<string> {
  const args = ['worker', '--listen', `${machineIp(i)}:${PORT}`, '--threads', '1', '--token-file', tokenFile];
  const child = spawn('ip', ['netns', 'exec', machineNs[i], process.execPath, ...gasworksArgv(args)], { stdio: ['ignore', 'pipe', 'pipe'], env });
  workers.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker in ${machineNs[i]} did not listen within ${LISTEN_TIMEOUT_MS} ms; stderr: ${stderr}`)), LISTEN_TIMEOUT_MS);
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
  const made = await gasworksIn(null, ['token', '--out', tokenFile], 60_000);
  assert.is(made.status, 0, made.stderr);
  setUpNetwork();
});

test.after(async () => {
  if (skip !== null) return;
  try {
    await Promise.all(workers.map(stop));
  } finally {
    teardown();
  }
});

test('PageRank across workers in three network namespaces writes the ranks of one machine', async () => {
  if (skip !== null) {
    console.log(`  skip: netns cluster test: ${skip}`);
    return;
  }
  const addresses = await Promise.all(machineNs.map((_, i) => startWorkerIn(i)));
  assert.equal(addresses, machineNs.map((_, i) => `${machineIp(i)}:${PORT}`));
  // Each worker really is in its machine's namespace (`ip netns exec` execs node in place).
  workers.forEach((child, i) => assert.is(ip(['netns', 'identify', String(child.pid)]).stdout.trim(), machineNs[i]));

  const common = ['run', 'pagerank', '--graph', 'rmat:12', '--iterations', '10', '-q'];
  const there = join(dir, 'cluster.tsv');
  const here = join(dir, 'one.tsv');
  const [cluster, one] = await Promise.all([
    gasworksIn(hub, [...common, '--cluster', addresses.join(','), '--token-file', tokenFile, '--out', there, '--json'], RUN_TIMEOUT_MS),
    gasworksIn(null, [...common, '--workers', '1', '--out', here], RUN_TIMEOUT_MS),
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
