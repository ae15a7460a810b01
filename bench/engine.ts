/**
 * Benchmark: the synchronous engine's generic PageRank (vertex-programs/pagerank,
 * 20 fixed supersteps) against hand-written pull PageRank loops on the same
 * typed arrays (1 thread inline, 2 worker threads on the shared CSC), and on
 * soc-Epinions1 against graphology-metrics' pagerank (per iteration as a user
 * sees it, one call of 21 iterations divided by 21, and its inner loop alone
 * from the difference of two iteration counts; and the memory of the loaded
 * graph). Graphs: R-MAT
 * scale 20 (generated) and soc-Epinions1 (skipped with a message when the
 * dataset is absent). Medians of `runs` after one warm-up run. A separate
 * child process measures peak RSS for PageRank on R-MAT scale 22 (generate,
 * build, run). Writes bench/results/engine.{json,md}.
 *
 * Usage: node --expose-gc --import tsx bench/engine.ts [scale=20] [runs=3] [peakScale=22|0]
 * (child mode, used internally: bench/engine.ts --peak SCALE)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Worker } from 'node:worker_threads';
import { DirectedGraph } from 'graphology';
import graphologyPagerankModule from 'graphology-metrics/centrality/pagerank.js';
import { closeWorkers, runProgram } from '../core/engine/index.js';
import { SweepBarrier } from '../core/engine/async-barrier.js';
import { buildGraph } from '../core/graph/build.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import type { Graph } from '../core/graph/graph.js';
import { loadGraph } from '../core/graph/load.js';
import { sharedFloat64, sharedInt32 } from '../core/graph/shared.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { siblingModule, spawnModuleWorker } from '../core/workers/spawn.js';
import { datasetsDir, resultsPath } from './paths.js';
import pagerank from '../vertex-programs/pagerank.js';
import { handPagerank, type HandWorkerData } from './engine-hand-worker.js';
import { median, timeRuns } from './stats.js';

const graphologyPagerank = graphologyPagerankModule as unknown as (graph: DirectedGraph, options: object) => Record<string, number>;
const ITERATIONS = 20;
const DAMPING = 0.85;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const EPINIONS = `${datasetsDir.replace(/\/?$/, '/')}snap/soc-Epinions1.txt.gz`;

interface Timing {
  name: string;
  threads: number;
  secondsPerIteration: number;
  edgesPerSecond: number;
  /** Max |rank - handwritten rank| (same arithmetic: 0 expected for 'plain'). */
  maxDifference?: number;
}


function inverseOutDegree(graph: Graph): Float64Array {
  const inv = sharedFloat64(graph.numVertices);
  for (let v = 0; v < graph.numVertices; v++) {
    const d = graph.outDegree(v);
    inv[v] = d === 0 ? 0 : 1 / d;
  }
  return inv;
}

/** Vertex ranges of about equal in-edge counts, one per thread. */
function splitByEdges(graph: Graph, threads: number): number[] {
  const bounds = [0];
  const m = graph.numEdges;
  let v = 0;
  for (let t = 1; t < threads; t++) {
    while (v < graph.numVertices && graph.inOffsets[v] < (m * t) / threads) v++;
    bounds.push(v);
  }
  bounds.push(graph.numVertices);
  return bounds;
}

/**
 * The hand-written loop on worker threads (started once, reused across runs), one thread
 * included: a dedicated thread gives the baseline clean JIT feedback (inline in this busy
 * main thread the same loop measured 2-4x slower).
 */
class HandPagerank {
  private workers: Worker[] = [];
  private readonly data: HandWorkerData[] = [];
  readonly result: Float64Array;

  constructor(
    private readonly graph: Graph,
    readonly variant: 'plain' | 'contrib',
    readonly threads: number,
  ) {
    const n = graph.numVertices;
    const inv = inverseOutDegree(graph);
    const rankA = sharedFloat64(n);
    const rankB = sharedFloat64(n);
    const contrib = sharedFloat64(n);
    const control = sharedInt32(2);
    const bounds = splitByEdges(graph, threads);
    for (let t = 0; t < threads; t++) {
      this.data.push({
        variant, inOffsets: graph.inOffsets, inSources: graph.inSources, inv, rankA, rankB, contrib, control,
        from: bounds[t], to: bounds[t + 1], threads, iterations: ITERATIONS, damping: DAMPING,
      });
    }
    this.result = ITERATIONS % 2 === 0 ? rankA : rankB;
  }

  async start(): Promise<void> {
    const url = siblingModule(import.meta.url, 'engine-hand-worker');
    this.workers = this.data.map((d) => spawnModuleWorker(url, { workerData: { ...d, role: 'hand-pagerank' } }));
    await Promise.all(this.workers.map((w) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    })));
  }

  /** One run of ITERATIONS iterations; returns seconds. */
  async run(): Promise<number> {
    this.data[0].rankA.fill(1 / this.graph.numVertices);
    const t0 = performance.now();
    await Promise.all(this.workers.map((w) => new Promise((resolve) => {
      w.once('message', resolve);
      w.postMessage('go');
    })));
    return (performance.now() - t0) / 1000;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

async function benchGraph(name: string, graph: Graph, runs: number): Promise<Timing[]> {
  const m = graph.numEdges;
  const rows: Timing[] = [];
  const perIteration = (seconds: number): Pick<Timing, 'secondsPerIteration' | 'edgesPerSecond'> => ({
    secondsPerIteration: seconds / ITERATIONS,
    edgesPerSecond: (m * ITERATIONS) / seconds,
  });
  let plainRanks: Float64Array | null = null;
  for (const variant of ['plain', 'contrib'] as const) {
    for (const threads of [1, 2]) {
      const hand = new HandPagerank(graph, variant, threads);
      await hand.start();
      const seconds = await timeRuns(runs, () => hand.run());
      await hand.stop();
      if (variant === 'plain' && threads === 1) plainRanks = Float64Array.from(hand.result);
      rows.push({ name: `hand-written pull loop (${variant})`, threads, ...perIteration(seconds) });
      console.log(`  ${name}: hand ${variant} x${threads}: ${(seconds / ITERATIONS * 1000).toFixed(1)} ms/iteration`);
    }
  }
  for (const workers of [1, 2]) {
    let maxDifference = 0;
    const seconds = await timeRuns(runs, async () => {
      const r = await runProgram(pagerank, graph, { workers, maxIterations: ITERATIONS });
      if (r.iterations !== ITERATIONS) throw new Error(`bench/engine: expected ${ITERATIONS} supersteps, ran ${r.iterations}`);
      maxDifference = 0;
      for (let v = 0; v < graph.numVertices; v++) maxDifference = Math.max(maxDifference, Math.abs(r.vertex.rank[v] - plainRanks![v]));
      return r.computeSeconds;
    });
    rows.push({ name: 'engine: vertex-programs/pagerank (sync)', threads: workers, ...perIteration(seconds), maxDifference });
    console.log(`  ${name}: engine x${workers}: ${(seconds / ITERATIONS * 1000).toFixed(1)} ms/iteration (max |diff| vs hand ${maxDifference})`);
  }
  return rows;
}

function memoryNow(): number {
  gc();
  gc();
  const u = process.memoryUsage();
  return u.heapUsed + u.external + u.arrayBuffers;
}

interface GraphologyFigures {
  loadSeconds: number;
  bytes: number;
  secondsPerIteration: number;
  /** One whole pagerank call of ITERATIONS iterations (its index build included), as a user times it. */
  callSeconds: number;
  /** runProgram of ITERATIONS supersteps end to end (columns, init, workers' start included), by worker count. */
  oursCallSeconds: Record<number, number>;
  oursLoadSeconds: number;
  oursBytes: number;
  oursMeasuredBytes: number;
}

/** soc-Epinions1 into graphology (parse + mergeEdge), its pagerank per iteration, and both graphs' memory. */
async function benchGraphology(path: string): Promise<GraphologyFigures> {
  const before = memoryNow();
  let t0 = performance.now();
  let g: DirectedGraph | null = new DirectedGraph();
  {
    const text = gunzipSync(readFileSync(path)).toString('latin1');
    for (const line of text.split('\n')) {
      if (line === '' || line[0] === '#') continue;
      const [a, b] = line.split(/\s+/);
      g.mergeEdge(a, b);
    }
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  const bytes = memoryNow() - before;
  // Per iteration from two fixed iteration counts (tolerance 0 never converges, so it throws at the end).
  const timed = (iterations: number): number => {
    const t = performance.now();
    try {
      graphologyPagerank(g!, { alpha: DAMPING, maxIterations: iterations, tolerance: 0, getEdgeWeight: null });
    } catch (error) {
      if (!/failed to converge/.test(String(error))) throw error;
    }
    return (performance.now() - t) / 1000;
  };
  timed(5);
  const short: number[] = [];
  const long: number[] = [];
  for (let r = 0; r < 3; r++) {
    short.push(timed(1));
    long.push(timed(1 + ITERATIONS));
  }
  const secondsPerIteration = (median(long) - median(short)) / ITERATIONS;
  const callSeconds = median(long);
  g = null;
  const before2 = memoryNow();
  t0 = performance.now();
  let ours: Graph | null = await loadGraph(path);
  const oursLoadSeconds = (performance.now() - t0) / 1000;
  const oursMeasuredBytes = memoryNow() - before2;
  const oursBytes = ours.bytes();
  const oursCallSeconds: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const times: number[] = [];
    for (let r = 0; r < 4; r++) {
      const t = performance.now();
      await runProgram(pagerank, ours, { workers, maxIterations: 1 + ITERATIONS });
      times.push((performance.now() - t) / 1000);
    }
    oursCallSeconds[workers] = median(times.slice(1));
  }
  ours = null;
  return { loadSeconds, bytes, secondsPerIteration, callSeconds, oursCallSeconds, oursLoadSeconds, oursBytes, oursMeasuredBytes };
}

/** Child mode: generate and build R-MAT `scale`, run 20 PageRank supersteps on 2 workers, print peak RSS. */
async function peakChild(scale: number): Promise<void> {
  const t0 = performance.now();
  let list: ReturnType<typeof rmatEdges> | null = rmatEdges({ scale, seed: 1 });
  const graph = buildGraph(list);
  list = null;
  gc();
  const rssAfterBuild = process.memoryUsage().rss;
  const r = await runProgram(pagerank, graph, { workers: 2, maxIterations: ITERATIONS });
  await closeWorkers();
  const out = {
    scale,
    vertices: graph.numVertices,
    edges: graph.numEdges,
    graphBytes: graph.bytes(),
    rssAfterBuildBytes: rssAfterBuild,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    computeSecondsPerIteration: r.computeSeconds / ITERATIONS,
    totalSeconds: (performance.now() - t0) / 1000,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--peak') return peakChild(Number(process.argv[3]));
  const scale = Number(process.argv[2] ?? 20);
  const runs = Number(process.argv[3] ?? 3);
  const peakScale = Number(process.argv[4] ?? 22);
  const results: Record<string, unknown> = { iterations: ITERATIONS, runs, node: process.version, date: new Date().toISOString() };

  console.log(`bench/engine: R-MAT scale ${scale}`);
  const rmat = buildGraph(rmatEdges({ scale, seed: 1 }));
  const graphs: Array<{ name: string; vertices: number; edges: number; rows: Timing[] }> = [];
  graphs.push({ name: `rmat-${scale}`, vertices: rmat.numVertices, edges: rmat.numEdges, rows: await benchGraph(`rmat-${scale}`, rmat, runs) });

  let graphology: (GraphologyFigures & { ratios: Record<string, number>; engineSeconds: Record<number, number> }) | null = null;
  if (existsSync(EPINIONS)) {
    console.log('bench/engine: soc-Epinions1');
    const epinions = await loadGraph(EPINIONS);
    const rows = await benchGraph('soc-Epinions1', epinions, runs);
    graphs.push({ name: 'soc-Epinions1', vertices: epinions.numVertices, edges: epinions.numEdges, rows });
    const figures = await benchGraphology(EPINIONS);
    const engine = (t: number) => rows.find((r) => r.name.startsWith('engine') && r.threads === t)!.secondsPerIteration;
    const callPerIteration = figures.callSeconds / (ITERATIONS + 1);
    graphology = {
      ...figures,
      engineSeconds: { 1: engine(1), 2: engine(2) },
      ratios: {
        // As the issue times graphology: one pagerank call divided by its iterations, against our engine time per superstep.
        speedup1Worker: callPerIteration / engine(1),
        speedup2Workers: callPerIteration / engine(2),
        // graphology's inner loop alone (the difference of two iteration counts): what remains once its index is built.
        marginalSpeedup1Worker: figures.secondsPerIteration / engine(1),
        marginalSpeedup2Workers: figures.secondsPerIteration / engine(2),
        memoryRatio: figures.bytes / figures.oursBytes,
      },
    };
    console.log(`  graphology: ${(figures.secondsPerIteration * 1000).toFixed(1)} ms/iteration, load ${figures.loadSeconds.toFixed(2)} s, ${(figures.bytes / 2 ** 20).toFixed(0)} MiB; ours ${(figures.oursBytes / 2 ** 20).toFixed(1)} MiB`);
  } else {
    console.log(`bench/engine: skip soc-Epinions1 and graphology: ${EPINIONS} not found`);
  }
  results.graphs = graphs;
  results.graphology = graphology;

  // Ratios per graph: engine vs hand-written (same thread count), and 1 -> 2 worker scaling.
  const ratios: Record<string, Record<string, number>> = {};
  for (const g of graphs) {
    const find = (prefix: string, threads: number) => g.rows.find((r) => r.name.startsWith(prefix) && r.threads === threads)!.edgesPerSecond;
    ratios[g.name] = {
      engineVsPlain1: find('engine', 1) / find('hand-written pull loop (plain)', 1),
      engineVsPlain2: find('engine', 2) / find('hand-written pull loop (plain)', 2),
      engineVsContrib1: find('engine', 1) / find('hand-written pull loop (contrib)', 1),
      engineVsContrib2: find('engine', 2) / find('hand-written pull loop (contrib)', 2),
      engineScaling1to2: find('engine', 2) / find('engine', 1),
      handPlainScaling1to2: find('hand-written pull loop (plain)', 2) / find('hand-written pull loop (plain)', 1),
    };
  }
  results.ratios = ratios;
  await closeWorkers();

  let peak: Record<string, number> | null = null;
  if (peakScale > 0) {
    console.log(`bench/engine: peak RSS for PageRank on R-MAT scale ${peakScale} (child process)`);
    const self = fileURLToPath(import.meta.url);
    const args = self.endsWith('.ts') ? ['--expose-gc', '--import', 'tsx', self] : ['--expose-gc', self];
    const child = spawnSync(process.execPath, [...args, '--peak', String(peakScale)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (child.status === 0) peak = JSON.parse(child.stdout.trim().split('\n').pop()!);
    else console.log(`  peak child failed (status ${child.status}): ${child.stderr.slice(-2000)}`);
  }
  results.peak = peak;

  await writeFileAtomic(resultsPath('engine.json'), JSON.stringify(results, null, 2) + '\n');
  await writeFileAtomic(resultsPath('engine.md'), markdown(graphs, ratios, graphology, peak, runs));
  console.log(markdown(graphs, ratios, graphology, peak, runs));
}

function markdown(
  graphs: Array<{ name: string; vertices: number; edges: number; rows: Timing[] }>,
  ratios: Record<string, Record<string, number>>,
  graphology: (GraphologyFigures & { ratios: Record<string, number>; engineSeconds: Record<number, number> }) | null,
  peak: Record<string, number> | null,
  runs: number,
): string {
  const lines = [`# PageRank, ${ITERATIONS} iterations: engine vs hand-written loops vs graphology`, '', `Medians of ${runs} runs after a warm-up; compute time only (graph loaded, workers started).`, ''];
  for (const g of graphs) {
    lines.push(`## ${g.name} (${g.vertices.toLocaleString('en-US')} vertices, ${g.edges.toLocaleString('en-US')} edges)`, '');
    lines.push('| implementation | threads | ms / iteration | M edges/s |', '| --- | ---: | ---: | ---: |');
    for (const r of g.rows) lines.push(`| ${r.name} | ${r.threads} | ${(r.secondsPerIteration * 1000).toFixed(1)} | ${(r.edgesPerSecond / 1e6).toFixed(0)} |`);
    const q = ratios[g.name];
    lines.push(
      '',
      `engine / hand-written (plain, same arithmetic): ${q.engineVsPlain1.toFixed(2)} (1 thread), ${q.engineVsPlain2.toFixed(2)} (2 threads); ` +
        `engine / hand-written (contrib): ${q.engineVsContrib1.toFixed(2)}, ${q.engineVsContrib2.toFixed(2)}; ` +
        `engine 1 -> 2 workers: ${q.engineScaling1to2.toFixed(2)}x (hand-written plain: ${q.handPlainScaling1to2.toFixed(2)}x)`,
      '',
    );
  }
  if (graphology) {
    lines.push(
      '## graphology (soc-Epinions1)', '',
      '| | graphology | gasworks | ratio |', '| --- | ---: | ---: | ---: |',
      `| load (parse + build) | ${graphology.loadSeconds.toFixed(2)} s | ${graphology.oursLoadSeconds.toFixed(2)} s | ${(graphology.loadSeconds / graphology.oursLoadSeconds).toFixed(1)}x |`,
      `| memory of the loaded graph | ${(graphology.bytes / 2 ** 20).toFixed(0)} MiB | ${(graphology.oursBytes / 2 ** 20).toFixed(1)} MiB (measured ${(graphology.oursMeasuredBytes / 2 ** 20).toFixed(1)} MiB) | ${graphology.ratios.memoryRatio.toFixed(0)}x |`,
      `| pagerank, ms / iteration (its call / ${ITERATIONS + 1}; ours: engine time / superstep) | ${((graphology.callSeconds / (ITERATIONS + 1)) * 1000).toFixed(1)} | ${(graphology.engineSeconds[1] * 1000).toFixed(2)} (1 worker), ${(graphology.engineSeconds[2] * 1000).toFixed(2)} (2 workers) | ${graphology.ratios.speedup1Worker.toFixed(1)}x, ${graphology.ratios.speedup2Workers.toFixed(1)}x |`,
      `| pagerank, ms / iteration, its inner loop alone (marginal: index build excluded) | ${(graphology.secondsPerIteration * 1000).toFixed(1)} | as above | ${graphology.ratios.marginalSpeedup1Worker.toFixed(2)}x, ${graphology.ratios.marginalSpeedup2Workers.toFixed(2)}x |`,
      `| pagerank call of ${ITERATIONS + 1} iterations, end to end | ${(graphology.callSeconds * 1000).toFixed(1)} ms | ${(graphology.oursCallSeconds[1] * 1000).toFixed(1)} ms (1 worker), ${(graphology.oursCallSeconds[2] * 1000).toFixed(1)} ms (2 workers) | ${(graphology.callSeconds / graphology.oursCallSeconds[1]).toFixed(1)}x, ${(graphology.callSeconds / graphology.oursCallSeconds[2]).toFixed(1)}x |`,
      '',
    );
  }
  if (peak) {
    lines.push(
      `## Peak memory, R-MAT scale ${peak.scale} (${peak.edges.toLocaleString('en-US')} edges), separate process`, '',
      `generate + build + ${ITERATIONS} PageRank supersteps on 2 workers: peak RSS ${(peak.peakRssBytes / 2 ** 30).toFixed(2)} GiB ` +
        `(graph ${(peak.graphBytes / 2 ** 30).toFixed(2)} GiB; RSS after build ${(peak.rssAfterBuildBytes / 2 ** 30).toFixed(2)} GiB); ` +
        `${(peak.computeSecondsPerIteration * 1000).toFixed(0)} ms / iteration`,
      '',
    );
  }
  return lines.join('\n');
}

await main();
