/**
 * Benchmark: PageRank across three workers joined by links of a given speed.
 * As test/core/cluster/netns.test.ts does, each worker ("machine") runs in a
 * Linux network namespace of its own with one IP, linked by a veth pair to a
 * bridge in a fourth namespace, where the coordinator runs. Every veth end
 * (the machine's and the bridge's, so both directions of each link) is shaped
 * with `tc qdisc add dev VETH root tbf rate R burst 256kbit latency 50ms` for
 * each R in 1gbit and 100mbit, and left unshaped (a veth: memory speed).
 *
 * For each link speed: PageRank on R-MAT (10 supersteps, HDRF placement) as
 * `gasworks run ... --cluster ... --json`; the speeds take turns, a round
 * of runs at a time (one warm-up round), and each gets the median of `runs`
 * runs of: seconds per superstep (the run's computeSeconds /
 * iterations), bytes per superstep (cluster.bytesRouted / iterations: the
 * vertex-data payload the workers sent each other) and the rate these imply
 * (bytes per superstep / seconds per superstep), against the link rate, per
 * machine (each machine sends on its own link); and setup seconds (shipping
 * the graph and placement). Beside them, what one bulk TCP stream between
 * two machines gets over the same links: the most the shaping lets through. The last run's ranks are checked against one
 * machine's (`--workers 1`). The workers run 1 thread each (--threads 1).
 *
 * Needs root and iproute2 (ip, tc); says why and exits 0 without them.
 * Removes its namespaces and links when done, or on failure. Writes
 * bench/results/cluster-network.{json,md}.
 *
 * Usage: node dist/bench/cluster-network.js [rmatScale=16] [runs=3] [iterations=10]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerAddress } from '../core/cluster/worker-process.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { resultsPath } from './paths.js';
import { median } from './stats.js';

const scale = Number(process.argv[2] ?? 16);
const runs = Number(process.argv[3] ?? 3);
const iterations = Number(process.argv[4] ?? 10);
const MACHINES = 3;
const PORT = 7070;
/** Link speeds: tc's rate (null: unshaped) and bits per second. */
const LINKS: Array<{ name: string; rate: string | null; bitsPerSecond: number | null }> = [
  { name: 'unshaped (veth)', rate: null, bitsPerSecond: null },
  { name: '1 Gbit/s', rate: '1gbit', bitsPerSecond: 1e9 },
  { name: '100 Mbit/s', rate: '100mbit', bitsPerSecond: 1e8 },
];
const TBF = (rate: string): string[] => ['root', 'tbf', 'rate', rate, 'burst', '256kbit', 'latency', '50ms'];
const IP_TIMEOUT_MS = 10_000;
const RUN_TIMEOUT_MS = 600_000;

const tag = `gw${process.pid}`;
const hub = `${tag}hub`;
const machineNs = Array.from({ length: MACHINES }, (_, i) => `${tag}m${i}`);
const hubEnd = (i: number): string => `${tag}h${i}`;
const machineEnd = (i: number): string => `${tag}v${i}`;
const subnet = `10.77.${process.pid % 200}`;
const machineIp = (i: number): string => `${subnet}.${i + 1}`;

// The CLI, compiled or (under tsx) from source, as test/apps/cli/cli-runner.ts runs it.
const compiled = fileURLToPath(new URL('../apps/cli/main.js', import.meta.url));
const source = fileURLToPath(new URL('../apps/cli/main.ts', import.meta.url));
const gasworksArgv = (args: string[]): string[] => (import.meta.url.endsWith('.ts') || !existsSync(compiled) ? ['--import', 'tsx', source, ...args] : [compiled, ...args]);

/** Run a command (bounded); throws with its stderr unless `tolerate`. */
function sh(cmd: string, args: string[], tolerate = false): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  if (r.status !== 0 && !tolerate) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? `exit ${r.status}`} ${r.stderr ?? ''}`.trim());
  return r.stdout ?? '';
}

function whyNot(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (network namespaces need it)';
  for (const tool of ['ip', 'tc']) if (spawnSync(tool, ['-V'], { timeout: IP_TIMEOUT_MS }).status !== 0) return `\`${tool}\` not found (iproute2)`;
  const probe = spawnSync('ip', ['netns', 'add', `${tag}probe`], { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  spawnSync('ip', ['netns', 'del', `${tag}probe`], { timeout: IP_TIMEOUT_MS });
  return probe.status === 0 ? null : `\`ip netns add\` failed: ${probe.stderr.trim()}`;
}

function teardown(): void {
  for (let i = 0; i < MACHINES; i++) {
    sh('ip', ['link', 'del', hubEnd(i)], true);
    sh('ip', ['link', 'del', machineEnd(i)], true);
  }
  for (const ns of [...machineNs, hub]) sh('ip', ['netns', 'del', ns], true);
}

function setUpNetwork(): void {
  teardown();
  sh('ip', ['netns', 'add', hub]);
  sh('ip', ['-n', hub, 'link', 'set', 'lo', 'up']);
  sh('ip', ['-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
  sh('ip', ['-n', hub, 'addr', 'add', `${subnet}.254/24`, 'dev', 'br0']);
  sh('ip', ['-n', hub, 'link', 'set', 'br0', 'up']);
  machineNs.forEach((ns, i) => {
    sh('ip', ['netns', 'add', ns]);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['link', 'add', hubEnd(i), 'type', 'veth', 'peer', 'name', machineEnd(i)]);
    sh('ip', ['link', 'set', hubEnd(i), 'netns', hub]);
    sh('ip', ['link', 'set', machineEnd(i), 'netns', ns]);
    sh('ip', ['-n', hub, 'link', 'set', hubEnd(i), 'master', 'br0']);
    sh('ip', ['-n', hub, 'link', 'set', hubEnd(i), 'up']);
    sh('ip', ['-n', ns, 'addr', 'add', `${machineIp(i)}/24`, 'dev', machineEnd(i)]);
    sh('ip', ['-n', ns, 'link', 'set', machineEnd(i), 'up']);
  });
}

/** Every veth end, with its namespace: the machine's end and the bridge's end of each link. */
const vethEnds = (): Array<[string, string]> => machineNs.flatMap((ns, i): Array<[string, string]> => [[ns, machineEnd(i)], [hub, hubEnd(i)]]);

/** Shape every veth end to `rate` (null: take the shaping off). */
function shape(rate: string | null): void {
  for (const [ns, dev] of vethEnds()) {
    sh('tc', ['-n', ns, 'qdisc', 'del', 'dev', dev, 'root'], true);
    if (rate !== null) sh('tc', ['-n', ns, 'qdisc', 'add', 'dev', dev, ...TBF(rate)]);
  }
}

/** `gasworks ARGS` in namespace `ns` (null: this one), bounded. */
function gasworksIn(ns: string | null, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [cmd, argv] = ns === null ? [process.execPath, gasworksArgv(args)] : ['ip', ['netns', 'exec', ns, process.execPath, ...gasworksArgv(args)]];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Bytes of the bulk TCP transfer that measures what a shaped link carries. */
const BULK_BYTES = 16 * 1024 * 1024;

/**
 * One bulk TCP stream from machine 0 to machine 1 (through both shapers on the way, as the
 * workers' data is): BULK_BYTES sent, timed until the receiver says it has them all. Bits per second.
 */
async function bulkRate(env: NodeJS.ProcessEnv): Promise<number> {
  const port = 7999;
  const sink = `const n=${BULK_BYTES};require('net').createServer((s)=>{let got=0;s.on('data',(d)=>{got+=d.length;if(got>=n)s.end('ok')})}).listen(${port},'${machineIp(1)}',()=>console.log('ready'))`;
  const send =
    `const n=${BULK_BYTES};const t=process.hrtime.bigint();const s=require('net').connect(${port},'${machineIp(1)}',()=>{const b=Buffer.alloc(1<<20);let left=n;` +
    `const w=()=>{while(left>0){const k=Math.min(left,b.length);left-=k;if(!s.write(b.subarray(0,k))){s.once('drain',w);return}}};w()});` +
    `s.on('data',()=>{console.log(Number(process.hrtime.bigint()-t)/1e9);s.destroy()})`;
  const receiver = spawn('ip', ['netns', 'exec', machineNs[1], process.execPath, '-e', sink], { stdio: ['ignore', 'pipe', 'inherit'], env });
  try {
    await new Promise<void>((resolve, reject) => {
      receiver.stdout.on('data', () => resolve());
      receiver.once('exit', (code) => reject(new Error(`bulk receiver exited ${code}`)));
      setTimeout(() => reject(new Error('bulk receiver did not listen in 10 s')), 10_000).unref();
    });
    const r = spawnSync('ip', ['netns', 'exec', machineNs[0], process.execPath, '-e', send], { encoding: 'utf8', timeout: 60_000, env });
    const seconds = Number(r.stdout.trim());
    if (r.status !== 0 || !(seconds > 0)) throw new Error(`bulk sender: exit ${r.status}: ${r.stderr}`);
    return (BULK_BYTES * 8) / seconds;
  } finally {
    receiver.kill('SIGKILL');
  }
}

interface Summary {
  iterations: number;
  computeSeconds: number;
  cluster: { bytesRouted: number; setupSeconds: number; replicationFactor: number };
}

interface Row {
  link: string;
  rate: string | null;
  secondsPerSuperstep: number;
  secondsPerSuperstepRuns: number[];
  bytesPerSuperstep: number;
  /** bytesPerSuperstep * 8 / secondsPerSuperstep: what all machines sent, per second. */
  impliedBitsPerSecond: number;
  /** The same per machine (each sends on its own link). */
  impliedBitsPerSecondPerMachine: number;
  /** impliedBitsPerSecondPerMachine / the link's rate (null: unshaped). */
  shareOfLink: number | null;
  /** What one bulk TCP stream between two machines got over the same links. */
  bulkBitsPerSecond: number;
  setupSeconds: number;
  replicationFactor: number;
  maxDifference: number;
}

function readOut(path: string): Float64Array {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return Float64Array.from(lines, (line) => Number(line.split('\t')[1]));
}

async function main(): Promise<void> {
  const why = whyNot();
  if (why !== null) {
    console.log(`bench/cluster-network: skip: ${why}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gasworks-netbench-'));
  const env = { ...process.env, CI: '1', XDG_CACHE_HOME: join(dir, 'cache'), GASWORKS_TOKEN_FILE: undefined };
  const tokenFile = join(dir, 'cluster.token');
  const workers: ChildProcess[] = [];
  const rows: Row[] = [];
  const graph = `rmat:${scale}`;
  try {
    const made = await gasworksIn(null, ['token', '--out', tokenFile], env);
    if (made.status !== 0) throw new Error(`gasworks token: ${made.stderr}`);
    setUpNetwork();
    const addresses = await Promise.all(
      machineNs.map((ns, i) => {
        const args = ['worker', '--listen', `${machineIp(i)}:${PORT}`, '--threads', '1', '--token-file', tokenFile];
        const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...gasworksArgv(args)], { stdio: ['ignore', 'pipe', 'inherit'], env });
        workers.push(child);
        return Promise.race([workerAddress(child), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`worker in ${ns} did not listen in 30 s`)), 30_000).unref())]);
      }),
    );
    console.log(`workers: ${addresses.join(', ')} (one namespace each, 1 thread each); coordinator in ${hub}`);

    const reference = join(dir, 'one.tsv');
    const one = await gasworksIn(null, ['run', 'pagerank', '--graph', graph, '--iterations', String(iterations), '--workers', '1', '--out', reference, '-q'], env);
    if (one.status !== 0) throw new Error(`one-machine run: ${one.stderr}`);
    const expected = readOut(reference);

    // Rounds: each shapes the links to every speed in turn and runs once at each, so that the
    // workers' warming up and whatever else this machine runs fall on all speeds alike. Round 0 warms up.
    const samples = LINKS.map(() => ({ steps: [] as number[], bytes: [] as number[], setups: [] as number[], replicationFactor: 0 }));
    const out = join(dir, 'cluster.tsv');
    const worst = LINKS.map(() => 0);
    const bulk: number[] = [];
    for (const link of LINKS) {
      shape(link.rate);
      bulk.push(await bulkRate(env));
    }
    for (let r = 0; r <= runs; r++) {
      for (const [l, link] of LINKS.entries()) {
        shape(link.rate);
        const args = ['run', 'pagerank', '--graph', graph, '--iterations', String(iterations), '--cluster', addresses.join(','), '--token-file', tokenFile, '--out', out, '--json', '-q'];
        const result = await gasworksIn(hub, args, env);
        if (result.status !== 0) throw new Error(`${link.name}: gasworks run exited ${result.status}: ${result.stderr}`);
        const got = readOut(out);
        if (got.length !== expected.length) worst[l] = Infinity;
        for (let v = 0; v < got.length && v < expected.length; v++) worst[l] = Math.max(worst[l], Math.abs(got[v] - expected[v]));
        if (r === 0) continue;
        const s = JSON.parse(result.stdout) as Summary;
        samples[l].steps.push(s.computeSeconds / s.iterations);
        samples[l].bytes.push(s.cluster.bytesRouted / s.iterations);
        samples[l].setups.push(s.cluster.setupSeconds);
        samples[l].replicationFactor = s.cluster.replicationFactor;
      }
    }
    shape(null);
    for (const [l, link] of LINKS.entries()) {
      const { steps, bytes, setups, replicationFactor } = samples[l];
      const secondsPerSuperstep = median(steps);
      const bytesPerSuperstep = median(bytes);
      const impliedBitsPerSecond = (bytesPerSuperstep * 8) / secondsPerSuperstep;
      const row: Row = {
        link: link.name,
        rate: link.rate,
        secondsPerSuperstep,
        secondsPerSuperstepRuns: steps,
        bytesPerSuperstep,
        impliedBitsPerSecond,
        impliedBitsPerSecondPerMachine: impliedBitsPerSecond / MACHINES,
        shareOfLink: link.bitsPerSecond === null ? null : impliedBitsPerSecond / MACHINES / link.bitsPerSecond,
        bulkBitsPerSecond: bulk[l],
        setupSeconds: median(setups),
        replicationFactor,
        maxDifference: worst[l],
      };
      rows.push(row);
      console.log(
        `  ${row.link}: ${(row.secondsPerSuperstep * 1000).toFixed(1)} ms/superstep (runs: ${steps.map((x) => (x * 1000).toFixed(1)).join(', ')}), ` +
          `${(row.bytesPerSuperstep / 1e6).toFixed(2)} MB/superstep, ${(row.impliedBitsPerSecond / 1e6).toFixed(0)} Mbit/s in all, bulk TCP ${(row.bulkBitsPerSecond / 1e6).toFixed(0)} Mbit/s, setup ${row.setupSeconds.toFixed(2)} s, max |diff| ${row.maxDifference.toExponential(1)}`,
      );
    }
  } finally {
    for (const child of workers) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    teardown();
    rmSync(dir, { recursive: true, force: true });
  }

  const table =
    '| link (each veth end, tbf) | ms / superstep | MB / superstep | implied Mbit/s, all machines | per machine | share of the link | bulk TCP Mbit/s | setup s | max abs. difference |\n' +
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
    rows
      .map(
        (r) =>
          `| ${r.link} | ${(r.secondsPerSuperstep * 1000).toFixed(1)} | ${(r.bytesPerSuperstep / 1e6).toFixed(2)} | ${(r.impliedBitsPerSecond / 1e6).toFixed(0)} | ${(r.impliedBitsPerSecondPerMachine / 1e6).toFixed(0)} | ${r.shareOfLink === null ? '' : `${(r.shareOfLink * 100).toFixed(1)}%`} | ${(r.bulkBitsPerSecond / 1e6).toFixed(0)} | ${r.setupSeconds.toFixed(2)} | ${r.maxDifference.toExponential(1)} |`,
      )
      .join('\n') +
    '\n';
  const result = { graph: `R-MAT ${scale}`, machines: MACHINES, threadsPerWorker: 1, iterations, runs, tbf: 'burst 256kbit latency 50ms', node: process.version, cores: availableParallelism(), loadAverageAfter: loadavg(), rows };
  await writeFileAtomic(resultsPath('cluster-network.json'), JSON.stringify(result, null, 2) + '\n');
  await writeFileAtomic(
    resultsPath('cluster-network.md'),
    `# PageRank across ${MACHINES} workers over shaped links (network namespaces)\n\n` +
      `R-MAT ${scale}, ${iterations} supersteps, HDRF, 1 thread per worker, medians of ${runs} runs after one warm-up (the speeds take turns, a round at a time), ${process.version}, ${availableParallelism()} cores. ` +
      'Each worker in a network namespace of its own, linked by a veth pair to a bridge; both ends of every veth shaped with ' +
      '`tc qdisc add dev VETH root tbf rate R burst 256kbit latency 50ms`. MB / superstep: cluster.bytesRouted / iterations (payload, ' +
      'without framing or TCP). Implied rate: that over the seconds per superstep; per machine: divided by the machines, each of which sends on its own link. ' +
      `Bulk TCP: one stream of ${BULK_BYTES / 1024 / 1024} MiB from one machine to another over the same links, what the shaped links carry at best. ` +
      'All processes share this machine\'s cores.\n\n' +
      table,
  );
  console.log(`\n${table}`);
  console.log(`wrote ${resultsPath('cluster-network.md')}`);
}

await main();
