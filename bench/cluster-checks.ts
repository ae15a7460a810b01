/**
 * Benchmark: the cluster issue's checks, on the real command line, every
 * process measured from outside (GNU time's peak RSS for the commands,
 * /proc/PID/status VmHWM for the workers):
 *
 * 1. PageRank, 10 supersteps, R-MAT SCALE (default 22) on 3 token-protected
 *    worker processes on loopback against one process (`run -w 2`): the
 *    ranks (largest difference), the peak RSS of every worker and of the
 *    coordinator against the single process's, and the bytes routed per
 *    superstep against two predictions from the placement: the exact one
 *    (every mirror with an in-edge sends a partial of 12 bytes; every mirror
 *    gets its master's row: id, changed flag and the f64 columns mirrors
 *    get, 13 bytes; plus the state frames) and the replication factor's
 *    (n' (RF - 1) (12 + 13) bytes over the n' vertices with an edge: every
 *    mirror both ways).
 * 2. Seconds per superstep, R-MAT SPEED_SCALE (default 20), 20 supersteps: 2
 *    workers x 1 thread (after one warm-up run) against 1 process x 2
 *    threads, alternating, medians of RUNS.
 * scale 0 skips the first part, speedScale 0 the second. PARTITIONER (default hdrf) places the edges;
 * with random the coordinator streams the generated graph to the workers
 * (core/cluster/ingress.ts) instead of building it.
 *
 * Usage: node dist/bench/cluster-checks.js [scale=22] [speedScale=20] [runs=3] [partitioner=hdrf]
 * Writes bench/results/cluster-checks.{json,md}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerAddress } from '../core/cluster/worker-process.js';
import { newSecret } from '../core/cluster/auth.js';
import { buildGraph } from '../core/graph/build.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { clusterPlacement } from '../partitioner/cluster.js';
import { hasReplica, hashMasters, wordsFor } from '../core/graph/replica-sets.js';
import { replicationFactorOf } from '../core/cluster/placement.js';
import { RmatGenerator } from '../core/graph/generators/rmat.js';
import { resultsPath } from './paths.js';
import pagerank from '../vertex-programs/pagerank.js';
import { median } from './stats.js';

const scale = Number(process.argv[2] ?? 22);
const speedScale = Number(process.argv[3] ?? 20);
const runs = Number(process.argv[4] ?? 3);
const partitioner = process.argv[5] ?? 'hdrf';
const ITERATIONS = 10;
/** Supersteps of the speed comparison: enough that the first (kernels compiling) does not dominate. */
const SPEED_ITERATIONS = 20;
/** A PageRank row to a mirror: vertex id, changed flag, and the f64 columns mirrors get (its mirrorColumns: contribution). */
const ROW_BYTES = 4 + 1 + 8 * (pagerank.mirrorColumns ?? Object.keys(pagerank.vertex)).length;
const dir = mkdtempSync(join(tmpdir(), 'gasworks-cluster-checks-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, `${newSecret()}\n`, { mode: 0o600 });
const cli = fileURLToPath(new URL('../apps/cli/main.js', import.meta.url));
const env = { ...process.env, GASWORKS_TOKEN_FILE: tokenFile, XDG_CACHE_HOME: join(dir, 'cache') };

interface Summary {
  iterations: number;
  computeSeconds: number;
  cluster?: { bytesRouted: number; replicationFactor: number };
}

/** `gasworks ARGS --json` under GNU time: its summary and peak RSS (bytes). */
function measured(args: string[]): { summary: Summary; peakRss: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb %M', process.execPath, cli, ...args, '--json', '-q'], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`gasworks ${args.join(' ')} failed: ${r.stderr}`);
  const kb = Number(/peak-rss-kb (\d+)/.exec(r.stderr)?.[1]);
  return { summary: JSON.parse(r.stdout) as Summary, peakRss: kb * 1024 };
}

/** Start `count` token-protected workers with `threads` threads each. */
async function startWorkers(count: number, threads: number): Promise<{ children: ChildProcess[]; cluster: string }> {
  const children = Array.from({ length: count }, () => spawn(process.execPath, [cli, 'worker', '--listen', '127.0.0.1:0', '--threads', String(threads)], { stdio: ['ignore', 'pipe', 'inherit'], env }));
  const addresses = await Promise.all(children.map(workerAddress));
  return { children, cluster: addresses.join(',') };
}

/** A process's peak resident set (VmHWM), bytes. */
const peakOf = (pid: number): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

function readRanks(file: string): Float64Array {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const ranks = new Float64Array(lines.length);
  lines.forEach((line, i) => (ranks[i] = Number(line.split('\t')[1])));
  return ranks;
}

const gb = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/**
 * Bytes a PageRank superstep routes on this placement (see the header), exact and by the replication
 * factor. The placement is the run's: a partitioner that places a stream places the generated edges
 * in their order, as the coordinator streams them (`run --cluster` then never builds the graph);
 * another places the built graph's edges.
 */
function predictedBytes(s: number, machines: number): { exact: number; byReplicationFactor: number; replicationFactor: number } {
  const placement = clusterPlacement(partitioner);
  const n = 2 ** s;
  const words = wordsFor(machines);
  // Per vertex and machine: a replica there (either end of an edge), and an in-edge there (a partial to send).
  const replicas = new Uint32Array(n * words);
  const inOn = new Uint32Array(n * words);
  let replicationFactor: number;
  let masters: Uint16Array;
  if (placement.stream !== undefined) {
    const generator = new RmatGenerator({ scale: s, edgeFactor: 16, seed: 1 });
    const placer = placement.stream(n, generator.numEdges, machines, 1);
    const chunk = 1 << 16;
    const src = new Uint32Array(chunk);
    const dst = new Uint32Array(chunk);
    const machineOf = new Uint16Array(chunk);
    for (let reads = 0; ; reads++) {
      const count = generator.next(src, dst, null, 0, reads < 8 ? 1 : chunk);
      if (count === 0) break;
      placer.assign(src, dst, count, machineOf);
      for (let i = 0; i < count; i++) {
        const p = machineOf[i];
        const bit = 1 << (p & 31);
        replicas[src[i] * words + (p >>> 5)] |= bit;
        replicas[dst[i] * words + (p >>> 5)] |= bit;
        inOn[dst[i] * words + (p >>> 5)] |= bit;
      }
    }
    masters = Uint16Array.from(hashMasters(replicas, n, words, machines, 1));
    replicationFactor = replicationFactorOf(replicas, words);
  } else {
    const graph = buildGraph(rmatEdges({ scale: s, edgeFactor: 16, seed: 1 }));
    const part = placement.place(graph, machines, 1);
    replicas.set(part.replicas);
    for (let v = 0; v < n; v++) {
      for (let q = graph.inOffsets[v]; q < graph.inOffsets[v + 1]; q++) {
        const p = part.machineOf[graph.inEdgeIds[q]];
        inOn[v * words + (p >>> 5)] |= 1 << (p & 31);
      }
    }
    masters = part.masters;
    replicationFactor = part.replicationFactor;
  }
  let exact = 0;
  let present = 0;
  for (let v = 0; v < n; v++) {
    let any = false;
    for (let p = 0; p < machines; p++) {
      if (!hasReplica(replicas, words, v, p)) continue;
      any = true;
      if (p === masters[v]) continue;
      if (hasReplica(inOn, words, v, p)) exact += 12;
      exact += ROW_BYTES;
    }
    if (any) present++;
  }
  // State frames: every machine to every other: signals (none under 'all'), PageRank's two aggregates and the changed count.
  const state = machines * (machines - 1) * (0 + 2 * 8 + 8);
  // The replication factor counts replicas over the vertices with an edge: each has RF - 1 mirrors on average.
  return { exact: exact + state, byReplicationFactor: present * (replicationFactor - 1) * (12 + ROW_BYTES) + state, replicationFactor };
}

const report: Record<string, unknown> = { scale, speedScale, runs, partitioner, iterations: ITERATIONS, node: process.version };
try {
  if (scale > 0) {
    // ---- 1. Memory, ranks and bytes on 3 workers --------------------------------------------------
    console.log(`R-MAT ${scale}: one process (-w 2) ...`);
    const singleOut = join(dir, 'single.tsv');
    const single = measured(['run', 'pagerank', '--graph', `rmat:${scale}`, '-w', '2', '-i', String(ITERATIONS), '--out', singleOut]);
    console.log(`  peak RSS ${gb(single.peakRss)}`);
    const { children, cluster } = await startWorkers(3, 1);
    let workersPeak: number[] = [];
    let coordinator: { summary: Summary; peakRss: number };
    const clusterOut = join(dir, 'cluster.tsv');
    try {
      console.log(`R-MAT ${scale}: 3 workers ...`);
      coordinator = measured(['run', 'pagerank', '--graph', `rmat:${scale}`, '--cluster', cluster, '--partitioner', partitioner, '-i', String(ITERATIONS), '--out', clusterOut]);
      workersPeak = children.map((c) => peakOf(c.pid!));
    } finally {
      for (const child of children) child.kill('SIGTERM');
    }
    const a = readRanks(singleOut);
    const b = readRanks(clusterOut);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    const routed = coordinator.summary.cluster!.bytesRouted / coordinator.summary.iterations;
    const predicted = predictedBytes(scale, 3);
    const memory = {
      singleProcessPeak: single.peakRss,
      coordinatorPeak: coordinator.peakRss,
      workerPeaks: workersPeak,
      coordinatorRatio: coordinator.peakRss / single.peakRss,
      worstWorkerRatio: Math.max(...workersPeak) / single.peakRss,
    };
    report.memory = memory;
    report.ranks = { maxDifference: worst, vertices: a.length };
    report.bytes = { routedPerSuperstep: routed, ...predicted, routedOverExact: routed / predicted.exact, routedOverReplicationFactor: routed / predicted.byReplicationFactor };
    console.log(`  ranks: max |difference| ${worst.toExponential(2)} over ${a.length} vertices`);
    console.log(`  peak RSS: coordinator ${gb(coordinator.peakRss)} (${memory.coordinatorRatio.toFixed(2)}x), workers ${workersPeak.map(gb).join(', ')} (worst ${memory.worstWorkerRatio.toFixed(2)}x)`);
    console.log(`  bytes/superstep ${(routed / 1e6).toFixed(2)} MB; exact prediction ${(predicted.exact / 1e6).toFixed(2)} MB (${(routed / predicted.exact).toFixed(3)}x); by RF ${predicted.replicationFactor.toFixed(3)}: ${(predicted.byReplicationFactor / 1e6).toFixed(2)} MB (${(routed / predicted.byReplicationFactor).toFixed(3)}x)`);
  }

  // ---- 2. Speed: 2 workers x 1 thread against 1 process x 2 threads ------------------------------
  if (speedScale > 0) {
    console.log(`R-MAT ${speedScale}: 2 workers x 1 thread vs 1 process x 2 threads, ${runs} runs each, alternating ...`);
    const pair = await startWorkers(2, 1);
    const oneProcess: number[] = [];
    const twoWorkers: number[] = [];
    try {
      // The workers' first run compiles their kernels: a warm-up, not timed (a one-process run compiles anew each time, as users run it).
      measured(['run', 'pagerank', '--graph', `rmat:${speedScale}`, '--cluster', pair.cluster, '--partitioner', partitioner, '-i', '2']);
      for (let r = 0; r < runs; r++) {
        const s = measured(['run', 'pagerank', '--graph', `rmat:${speedScale}`, '-w', '2', '-i', String(SPEED_ITERATIONS)]).summary;
        oneProcess.push(s.computeSeconds / s.iterations);
        const c = measured(['run', 'pagerank', '--graph', `rmat:${speedScale}`, '--cluster', pair.cluster, '--partitioner', partitioner, '-i', String(SPEED_ITERATIONS)]).summary;
        twoWorkers.push(c.computeSeconds / c.iterations);
      }
    } finally {
      for (const child of pair.children) child.kill('SIGTERM');
    }
    report.speed = { oneProcessTwoThreads: median(oneProcess), twoWorkersOneThread: median(twoWorkers), ratio: median(twoWorkers) / median(oneProcess), samples: { oneProcess, twoWorkers } };
    console.log(`  s/superstep: 1 process x 2 threads ${median(oneProcess).toFixed(4)}, 2 workers x 1 thread ${median(twoWorkers).toFixed(4)} (${(median(twoWorkers) / median(oneProcess)).toFixed(2)}x)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

await writeFileAtomic(resultsPath('cluster-checks.json'), JSON.stringify(report, null, 2) + '\n');
const m = report.memory as { singleProcessPeak: number; coordinatorPeak: number; workerPeaks: number[]; coordinatorRatio: number; worstWorkerRatio: number } | undefined;
const by = report.bytes as { routedPerSuperstep: number; exact: number; byReplicationFactor: number; replicationFactor: number } | undefined;
const sp = report.speed as { oneProcessTwoThreads: number; twoWorkersOneThread: number; ratio: number } | undefined;
const rows: string[] = [];
if (m !== undefined && by !== undefined) {
  rows.push(
    `| R-MAT ${scale}: max abs. rank difference, 3 workers vs one process | ${(report.ranks as { maxDifference: number }).maxDifference.toExponential(2)} |`,
    `| peak RSS: one process (-w 2) | ${gb(m.singleProcessPeak)} |`,
    `| peak RSS: coordinator | ${gb(m.coordinatorPeak)} (${m.coordinatorRatio.toFixed(2)}x) |`,
    `| peak RSS: workers | ${m.workerPeaks.map(gb).join(', ')} (worst ${m.worstWorkerRatio.toFixed(2)}x) |`,
    `| bytes routed / superstep | ${(by.routedPerSuperstep / 1e6).toFixed(2)} MB |`,
    `| predicted, exact from the placement | ${(by.exact / 1e6).toFixed(2)} MB (routed / predicted ${(by.routedPerSuperstep / by.exact).toFixed(3)}) |`,
    `| predicted from the replication factor ${by.replicationFactor.toFixed(3)} | ${(by.byReplicationFactor / 1e6).toFixed(2)} MB (routed / predicted ${(by.routedPerSuperstep / by.byReplicationFactor).toFixed(3)}) |`,
  );
}
if (sp !== undefined) {
  rows.push(
    `| R-MAT ${speedScale}: s / superstep, 1 process x 2 threads | ${sp.oneProcessTwoThreads.toFixed(4)} |`,
    `| R-MAT ${speedScale}: s / superstep, 2 workers x 1 thread | ${sp.twoWorkersOneThread.toFixed(4)} (${sp.ratio.toFixed(2)}x) |`,
  );
}
await writeFileAtomic(resultsPath('cluster-checks.md'), `# The cluster checks (PageRank, ${partitioner}, ${process.version})\n\n| check | figure |\n| --- | --- |\n${rows.join('\n')}\n`);
