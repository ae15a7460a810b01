/**
 * Benchmark: PageRank (20 fixed supersteps) across machines, on worker
 * processes started here (`gasworks worker --listen 127.0.0.1:0`, one per
 * "machine", all on this machine), against the shared-memory engine on 1 and
 * 2 threads in the same run. For each vertex-cut placement (random, DBH,
 * HDRF) it reports the replication factor, the bytes routed per superstep
 * (partials to masters, rows to mirrors: what the vertex-cut exists to cut),
 * the median superstep time and setup time (shipping graph and placement).
 * Loopback and shared cores make this the runtime's overhead, not a network
 * figure. Graphs: soc-Epinions1 (skipped when absent) and R-MAT. Writes
 * bench/results/cluster.{json,md}.
 *
 * Usage: node --expose-gc dist/bench/cluster.js [rmatScale=18] [machines=2] [runs=3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCluster } from '../core/cluster/coordinator.js';
import { clusterPlacement } from '../partitioner/cluster.js';
import { workerAddress } from '../core/cluster/worker-process.js';
import { closeWorkers, runProgram } from '../core/engine/index.js';
import { buildGraph } from '../core/graph/build.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import type { Graph } from '../core/graph/graph.js';
import { loadGraph } from '../core/graph/load.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import type { VertexProgram } from '../core/program.js';
import pagerank from '../vertex-programs/pagerank.js';
import { datasetsDir, resultsPath } from './paths.js';
import { median } from './stats.js';

const scale = Number(process.argv[2] ?? 18);
const machines = Number(process.argv[3] ?? 2);
const runs = Number(process.argv[4] ?? 3);
const ITERATIONS = 20;
const EPINIONS = `${datasetsDir.replace(/\/?$/, '/')}snap/soc-Epinions1.txt.gz`;
const program = pagerank as unknown as VertexProgram;

/** Start `gasworks worker` in a child process; resolves to the address it printed. */
function startWorkerProcess(children: ChildProcess[]): Promise<string> {
  const compiled = fileURLToPath(new URL('../apps/cli/main.js', import.meta.url));
  const argv = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', fileURLToPath(new URL('../apps/cli/main.ts', import.meta.url))] : [compiled];
  const child = spawn(process.execPath, [...argv, 'worker', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return workerAddress(child);
}

interface Row {
  graph: string;
  how: string;
  replicationFactor?: number;
  msPerSuperstep: number;
  mbPerSuperstep?: number;
  setupSeconds?: number;
  maxDifference: number;
}

const graphs: Array<{ name: string; graph: Graph }> = [];
if (existsSync(EPINIONS)) graphs.push({ name: 'soc-Epinions1', graph: await loadGraph(EPINIONS) });
else console.log(`bench/cluster: skip soc-Epinions1: ${EPINIONS} not found`);
graphs.push({ name: `R-MAT ${scale}`, graph: buildGraph(rmatEdges({ scale, edgeFactor: 16, seed: 1 })) });

const children: ChildProcess[] = [];
const addresses = await Promise.all(Array.from({ length: machines }, () => startWorkerProcess(children)));
const rows: Row[] = [];
try {
  for (const { name, graph } of graphs) {
    console.log(`${name}: ${graph.numVertices} vertices, ${graph.numEdges} edges`);
    let reference: Float64Array | null = null;
    for (const threads of [1, 2]) {
      await runProgram(program, graph, { workers: threads, maxIterations: ITERATIONS });
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const result = await runProgram(program, graph, { workers: threads, maxIterations: ITERATIONS });
        times.push((result.computeSeconds * 1000) / result.iterations);
        reference ??= Float64Array.from(result.vertex.rank as Float64Array);
      }
      rows.push({ graph: name, how: `shared memory, ${threads} thread${threads > 1 ? 's' : ''}`, msPerSuperstep: median(times), maxDifference: 0 });
      console.log(`  ${rows.at(-1)!.how}: ${median(times).toFixed(2)} ms/superstep`);
    }
    for (const partitioner of ['random', 'dbh', 'hdrf']) {
      const steps: number[] = [];
      const setups: number[] = [];
      let last = null as Awaited<ReturnType<typeof runCluster>> | null;
      for (let r = 0; r <= runs; r++) {
        const result = await runCluster(program, graph, { workers: addresses, maxIterations: ITERATIONS, placement: clusterPlacement(partitioner) });
        if (r === 0) continue; // the workers' first run warms them up
        steps.push((result.computeSeconds * 1000) / result.iterations);
        setups.push(result.setupSeconds);
        last = result;
      }
      const rank = last!.vertex.rank as Float64Array;
      let worst = 0;
      for (let v = 0; v < rank.length; v++) worst = Math.max(worst, Math.abs(rank[v] - reference![v]));
      rows.push({
        graph: name,
        how: `cluster of ${machines}, ${partitioner}`,
        replicationFactor: last!.replicationFactor,
        msPerSuperstep: median(steps),
        mbPerSuperstep: last!.bytesRouted / last!.iterations / 1e6,
        setupSeconds: median(setups),
        maxDifference: worst,
      });
      const row = rows.at(-1)!;
      console.log(`  ${row.how}: replication ${row.replicationFactor!.toFixed(2)}, ${row.msPerSuperstep.toFixed(2)} ms/superstep, ${row.mbPerSuperstep!.toFixed(2)} MB/superstep, setup ${row.setupSeconds!.toFixed(2)} s, max |rank - shared-memory rank| ${worst.toExponential(1)}`);
    }
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await closeWorkers();
}

const result = { machines, runs, iterations: ITERATIONS, node: process.version, rows };
await writeFileAtomic(resultsPath('cluster.json'), JSON.stringify(result, null, 2) + '\n');
const base = (graph: string): number => rows.find((r) => r.graph === graph)!.msPerSuperstep;
await writeFileAtomic(
  resultsPath('cluster.md'),
  `# PageRank across machines (${machines} worker processes on loopback) vs shared memory\n\n` +
    `${ITERATIONS} supersteps, medians of ${runs} runs (after one warm-up run per configuration), ${process.version}. ` +
    `The workers share this machine's cores, so this is the runtime's own cost, not a network's. Ratio: time / shared memory on 1 thread.\n\n` +
    '| graph | run | replication factor | ms / superstep | ratio | MB routed / superstep | setup s | max abs. difference |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
    rows
      .map((r) => `| ${r.graph} | ${r.how} | ${r.replicationFactor?.toFixed(2) ?? ''} | ${r.msPerSuperstep.toFixed(2)} | ${(r.msPerSuperstep / base(r.graph)).toFixed(2)} | ${r.mbPerSuperstep?.toFixed(2) ?? ''} | ${r.setupSeconds?.toFixed(2) ?? ''} | ${r.maxDifference.toExponential(1)} |`)
      .join('\n') +
    '\n',
);
console.log(`wrote ${resultsPath('cluster.md')}`);
