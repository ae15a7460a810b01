/**
 * Benchmark: PageRank to an L1 change below 1e-6 on an R-MAT graph, the
 * asynchronous engine (in-place sweeps, fifo queue, dynamic fifo with delta
 * caching) against the synchronous engine (Jacobi supersteps),
 * on 1 and 2 workers. Every configuration also reports its L1 distance to a
 * reference solved to 1e-13 by serial Gauss-Seidel, since "converged to 1e-6"
 * means different accuracy for Jacobi, Gauss-Seidel and dynamic schedules.
 * Times are compute seconds (workers started, init done), medians of `runs`.
 * Writes bench/results/async.{json,md}.
 * Usage: node --expose-gc --import tsx bench/async.ts [scale] [runs] [threads,...] [engines,...]
 * where engines are among sync, sweep, fifo, dynamic (default: sync,sweep,fifo;
 * dynamic takes minutes at scale 20).
 */
import { closeWorkers, runProgram, type RunOptions } from '../core/engine/index.js';
import { buildGraph } from '../core/graph/build.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import type { Graph } from '../core/graph/graph.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import type { VertexProgram } from '../core/program.js';
import { pagerankAll, pagerankDynamic } from './async-pagerank.js';
import { median } from './stats.js';
import { resultsPath } from './paths.js';

const scale = Number(process.argv[2] ?? 20);
const runs = Number(process.argv[3] ?? 3);
const threadCounts = (process.argv[4] ?? '1,2').split(',').map(Number);
const engines = new Set((process.argv[5] ?? 'sync,sweep,fifo').split(','));

interface Outcome {
  seconds: number;
  iterations: number;
  vertexUpdates: number;
  edgesPerSecond: number;
  converged: boolean;
  rank: Float64Array;
}
type Runner = (threads: number) => Promise<Outcome>;

/** Serial Gauss-Seidel PageRank to a tight tolerance: the accuracy yardstick. */
function reference(graph: Graph, damping: number): Float64Array {
  const n = graph.numVertices;
  const rank = new Float64Array(n).fill(1 / n);
  const inv = new Float64Array(n);
  for (let v = 0; v < n; v++) inv[v] = graph.outDegree(v) === 0 ? 0 : 1 / graph.outDegree(v);
  const { inOffsets, inSources } = graph;
  for (let sweep = 0; sweep < 1000; sweep++) {
    let l1 = 0;
    for (let v = 0; v < n; v++) {
      let acc = 0;
      for (let i = inOffsets[v]; i < inOffsets[v + 1]; i++) acc += rank[inSources[i]] * inv[inSources[i]];
      const next = (1 - damping) / n + damping * acc;
      l1 += Math.abs(next - rank[v]);
      rank[v] = next;
    }
    if (l1 < 1e-13) break;
  }
  return rank;
}

const runner =
  (program: VertexProgram, options: RunOptions): Runner =>
  async (workers) => {
    const r = await runProgram(program, graph, { ...options, workers, aggregateEveryMs: 1 });
    return { seconds: r.computeSeconds, iterations: r.iterations, vertexUpdates: r.vertexUpdates, edgesPerSecond: r.edgesPerSecond, converged: r.converged, rank: r.vertex.rank as Float64Array };
  };

const t0 = performance.now();
const graph = buildGraph(rmatEdges({ scale, seed: 1 }));
console.log(`R-MAT scale ${scale}: ${graph.numVertices} vertices, ${graph.numEdges} edges, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const exact = reference(graph, 0.85);

const runners: Array<{ name: string; run: Runner }> = [];
const all = pagerankAll as unknown as VertexProgram;
if (engines.has('sync')) runners.push({ name: 'sync (Jacobi supersteps)', run: runner(all, { engine: 'sync', maxIterations: 1000 }) });
if (engines.has('sweep')) {
  runners.push({ name: 'async sweep (in-place Gauss-Seidel)', run: runner(all, { engine: 'async', scheduler: 'sweep', maxIterations: 1000 }) });
}
if (engines.has('fifo')) {
  runners.push({ name: 'async fifo (every vertex requeued)', run: runner(all, { engine: 'async', scheduler: 'fifo', maxIterations: 1000 }) });
}
if (engines.has('dynamic')) {
  runners.push({
    name: 'async fifo dynamic (signal if |change| > 1e-12)',
    run: runner(pagerankDynamic as unknown as VertexProgram, { engine: 'async', scheduler: 'fifo', maxIterations: 1000 }),
  });
}

interface Row {
  engine: string;
  threads: number;
  medianSeconds: number;
  /** CPU seconds of the whole process (all threads) over the run, set-up included: the machine is shared. */
  medianCpuSeconds: number;
  iterations: number;
  vertexUpdates: number;
  edgesPerSecond: number;
  converged: boolean;
  l1ToReference: number;
}
const rows: Row[] = [];
for (const threads of threadCounts) {
  for (const { name, run } of runners) {
    const times: number[] = [];
    let last: Outcome | null = null;
    const cpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      (globalThis as { gc?: () => void }).gc?.();
      const before = process.cpuUsage();
      last = await run(threads);
      const used = process.cpuUsage(before);
      times.push(last.seconds);
      cpu.push((used.user + used.system) / 1e6);
    }
    let l1 = 0;
    for (let v = 0; v < graph.numVertices; v++) l1 += Math.abs(last!.rank[v] - exact[v]);
    const row: Row = {
      engine: name,
      threads,
      medianSeconds: median(times),
      medianCpuSeconds: median(cpu),
      iterations: last!.iterations,
      vertexUpdates: last!.vertexUpdates,
      edgesPerSecond: last!.edgesPerSecond,
      converged: last!.converged,
      l1ToReference: l1,
    };
    rows.push(row);
    console.log(`${threads} thread(s)  ${name.padEnd(48)} ${row.medianSeconds.toFixed(3)} s  [${times.map((t) => t.toFixed(2)).join(' ')}]  cpu ${row.medianCpuSeconds.toFixed(2)} s  ${row.iterations} it  ${(row.vertexUpdates / 1e6).toFixed(1)}M updates  ${(row.edgesPerSecond / 1e6).toFixed(0)}M edges/s  L1 to reference ${row.l1ToReference.toExponential(2)}`);
  }
}
await closeWorkers();

const result = { graph: `R-MAT scale ${scale} (${graph.numVertices} vertices, ${graph.numEdges} edges)`, runs, node: process.version, rows };
await writeFileAtomic(resultsPath('async.json'), JSON.stringify(result, null, 2) + '\n');
const baseline = (threads: number): number => (rows.find((r) => r.threads === threads && r.engine.startsWith('sync')) ?? rows.find((r) => r.threads === threads)!).medianSeconds;
await writeFileAtomic(
  resultsPath('async.md'),
  `# PageRank to L1 change < 1e-6: asynchronous vs synchronous\n\n${result.graph}, median compute seconds of ${runs} runs, ${result.node}. ` +
    `Ratio: time / time of the first engine on the same thread count (sync when present).\n\n` +
    `| engine | threads | median s | ratio | CPU s (whole run) | iterations | updates | edges/s | L1 to reference |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n` +
    rows
      .map((r) => `| ${r.engine} | ${r.threads} | ${r.medianSeconds.toFixed(3)} | ${(r.medianSeconds / baseline(r.threads)).toFixed(2)} | ${r.medianCpuSeconds.toFixed(2)} | ${r.iterations} | ${r.vertexUpdates} | ${(r.edgesPerSecond / 1e6).toFixed(0)}M | ${r.l1ToReference.toExponential(2)} |`)
      .join('\n') +
    '\n',
);
