/**
 * Benchmark: PageRank across three workers joined by links of a given speed.
 * As in test/core/cluster/netns.test.ts (both set the network up with
 * test/netns-hosts.ts), each worker ("machine") runs in a Linux network
 * namespace of its own with one IP, linked by a veth pair to a bridge in a
 * fourth namespace, where the coordinator runs. Every veth end
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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerAddress } from '../core/cluster/worker-process.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { gasworksCommand, runBounded, VirtualHosts, type Host } from '../test/netns-hosts.js';
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
const RUN_TIMEOUT_MS = 600_000;

const hosts = new VirtualHosts(MACHINES);

/** `gasworks ARGS` on a host (null: in this namespace), bounded. */
function gasworksOn(host: Host | null, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runBounded(host === null ? gasworksCommand(args) : hosts.exec(host, gasworksCommand(args)), env, RUN_TIMEOUT_MS);
}

/** Bytes of the bulk TCP transfer that measures what a shaped link carries. */
const BULK_BYTES = 16 * 1024 * 1024;

/**
 * One bulk TCP stream from machine 0 to machine 1 (through both shapers on the way, as the
 * workers' data is): BULK_BYTES sent, timed until the receiver says it has them all. Bits per second.
 */
async function bulkRate(env: NodeJS.ProcessEnv): Promise<number> {
  const port = 7999;
  const sink = `const n=${BULK_BYTES};require('net').createServer((s)=>{let got=0;s.on('data',(d)=>{got+=d.length;if(got>=n)s.end('ok')})}).listen(${port},'${hosts.ip(1)}',()=>console.log('ready'))`;
  const send =
    `const n=${BULK_BYTES};const t=process.hrtime.bigint();const s=require('net').connect(${port},'${hosts.ip(1)}',()=>{const b=Buffer.alloc(1<<20);let left=n;` +
    `const w=()=>{while(left>0){const k=Math.min(left,b.length);left-=k;if(!s.write(b.subarray(0,k))){s.once('drain',w);return}}};w()});` +
    `s.on('data',()=>{console.log(Number(process.hrtime.bigint()-t)/1e9);s.destroy()})`;
  const [receiverCommand, ...receiverArgs] = hosts.exec(1, [process.execPath, '-e', sink]);
  const receiver = spawn(receiverCommand, receiverArgs, { stdio: ['ignore', 'pipe', 'inherit'], env });
  try {
    await new Promise<void>((resolve, reject) => {
      receiver.stdout.on('data', () => resolve());
      receiver.once('exit', (code) => reject(new Error(`bulk receiver exited ${code}`)));
      setTimeout(() => reject(new Error('bulk receiver did not listen in 10 s')), 10_000).unref();
    });
    const [senderCommand, ...senderArgs] = hosts.exec(0, [process.execPath, '-e', send]);
    const r = spawnSync(senderCommand, senderArgs, { encoding: 'utf8', timeout: 60_000, env });
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
  const why = VirtualHosts.whyNot(['ip', 'tc']);
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
    const made = await gasworksOn(null, ['token', '--out', tokenFile], env);
    if (made.status !== 0) throw new Error(`gasworks token: ${made.stderr}`);
    hosts.up();
    const addresses = await Promise.all(
      hosts.namespaces.map((ns, i) => {
        const args = ['worker', '--listen', `${hosts.ip(i)}:${PORT}`, '--threads', '1', '--token-file', tokenFile];
        const [command, ...argv] = hosts.exec(i, gasworksCommand(args));
        const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'], env });
        workers.push(child);
        return Promise.race([workerAddress(child), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`worker in ${ns} did not listen in 30 s`)), 30_000).unref())]);
      }),
    );
    console.log(`workers: ${addresses.join(', ')} (one namespace each, 1 thread each); coordinator in ${hosts.hub}`);

    const reference = join(dir, 'one.tsv');
    const one = await gasworksOn(null, ['run', 'pagerank', '--graph', graph, '--iterations', String(iterations), '--workers', '1', '--out', reference, '-q'], env);
    if (one.status !== 0) throw new Error(`one-machine run: ${one.stderr}`);
    const expected = readOut(reference);

    // Rounds: each shapes the links to every speed in turn and runs once at each, so that the
    // workers' warming up and whatever else this machine runs fall on all speeds alike. Round 0 warms up.
    const samples = LINKS.map(() => ({ steps: [] as number[], bytes: [] as number[], setups: [] as number[], replicationFactor: 0 }));
    const out = join(dir, 'cluster.tsv');
    const worst = LINKS.map(() => 0);
    const bulk: number[] = [];
    for (const link of LINKS) {
      hosts.shape(link.rate);
      bulk.push(await bulkRate(env));
    }
    for (let r = 0; r <= runs; r++) {
      for (const [l, link] of LINKS.entries()) {
        hosts.shape(link.rate);
        const args = ['run', 'pagerank', '--graph', graph, '--iterations', String(iterations), '--cluster', addresses.join(','), '--token-file', tokenFile, '--out', out, '--json', '-q'];
        const result = await gasworksOn('hub', args, env);
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
    hosts.shape(null);
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
    hosts.down();
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
  const result = { graph: `R-MAT ${scale}`, machines: MACHINES, threadsPerWorker: 1, iterations, runs, tbf: VirtualHosts.tbfParameters.join(' '), node: process.version, cores: availableParallelism(), loadAverageAfter: loadavg(), rows };
  await writeFileAtomic(resultsPath('cluster-network.json'), JSON.stringify(result, null, 2) + '\n');
  await writeFileAtomic(
    resultsPath('cluster-network.md'),
    `# PageRank across ${MACHINES} workers over shaped links (network namespaces)\n\n` +
      `R-MAT ${scale}, ${iterations} supersteps, HDRF, 1 thread per worker, medians of ${runs} runs after one warm-up (the speeds take turns, a round at a time), ${process.version}, ${availableParallelism()} cores. ` +
      'Each worker in a network namespace of its own, linked by a veth pair to a bridge; both ends of every veth shaped with ' +
      `\`tc qdisc add dev VETH root tbf rate R ${VirtualHosts.tbfParameters.join(' ')}\`. ` +
      'MB / superstep: cluster.bytesRouted / iterations (payload, ' +
      'without framing or TCP). Implied rate: that over the seconds per superstep; per machine: divided by the machines, each of which sends on its own link. ' +
      `Bulk TCP: one stream of ${BULK_BYTES / 1024 / 1024} MiB from one machine to another over the same links, what the shaped links carry at best. ` +
      'All processes share this machine\'s cores.\n\n' +
      table,
  );
  console.log(`\n${table}`);
  console.log(`wrote ${resultsPath('cluster-network.md')}`);
}

await main();
