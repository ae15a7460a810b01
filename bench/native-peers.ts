/**
 * Benchmark: gasworks against native C++ peers written after the papers GAPBS
 * follows (bench/native/*.cpp: pull PageRank, Beamer's direction-optimizing
 * BFS, Afforest components, delta-stepping SSSP, ordered triangle counting),
 * compiled here with the system g++ (-O3 -fopenmp; skipped with a message when
 * there is none). Both sides get the same graph: an R-MAT / Kronecker graph
 * with the Graph500 parameters (GAPBS's `-g SCALE`: symmetric, duplicates and
 * self-loops dropped; scale 20 gives GAPBS's 31.4M arcs), written once as a
 * CSR file the native programs read, with symmetric integer weights in
 * [1, 255] for SSSP (as GAPBS's `-w`). Per kernel and thread count (1, 2) the
 * two sides alternate, `runs` times each after one warm-up run each; the table
 * gives medians and gasworks / native. Every answer is checked against the
 * native one (reached counts and depth, component count, largest size and a
 * sum of labels, distance sums, triangle count, top-5 PageRank vertices); a
 * mismatch fails the bench. `load` times reading the graph back: gasworks'
 * `.gwg` (readGraphFile, checksums and checks included) against a plain read
 * of the offsets and neighbour arrays (GAPBS's .sg reader). Only kernel time counts on either side (gasworks'
 * computeSeconds; the native programs time their kernel alone).
 *
 * Usage: node --expose-gc dist/bench/native-peers.js [scale=20] [runs=3]
 *        [kernels=pr,pr-f32,bfs,cc,cc-async,cc-afforest,sssp,sssp-async,tc,tc-ordered,load] [threads=1,2]
 *        [tcScale=min(scale, 16)] [delta=2] [bucketWidth=delta]
 * (default kernels: pr,pr-f32,bfs,cc,cc-afforest,sssp-buckets,tc-ordered,load; sssp-buckets is the
 * sssp program on the async engine's 'buckets' scheduler, sssp on the sync engine; pr-degree is
 * pagerank on the graph renumbered by descending degree, as `gasworks convert --order degree`
 * writes it, against the native on the graph as generated; cc is min-label
 * propagation, cc-afforest the afforest program, tc-ordered triangles-ordered, tc triangle-count)
 * Writes bench/results/native-peers.{json,md}.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGraphFile, writeGraphFile } from '../core/graph/binary.js';
import { buildGraph } from '../core/graph/build.js';
import { degreeOrder, relabelGraph } from '../core/graph/reorder.js';
import type { Graph } from '../core/graph/graph.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import { sharedFloat64 } from '../core/graph/shared.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { closeWorkers, runProgram, type RunOptions, type RunResult } from '../core/engine/index.js';
import { programs } from '../vertex-programs/index.js';
import { totalTriangles } from '../vertex-programs/triangle-count.js';
import { repoRoot, resultsPath } from './paths.js';
import { median } from './stats.js';

const arg = (name: string, fallback: string): string => process.argv.slice(2).find((a) => a.startsWith(name + '='))?.slice(name.length + 1) ?? fallback;
const scale = Number(arg('scale', '20'));
const runs = Number(arg('runs', '3'));
const kernels = arg('kernels', 'pr,pr-f32,bfs,cc,cc-afforest,sssp-buckets,tc-ordered,load').split(',');
const threadCounts = arg('threads', '1,2').split(',').map(Number);
// Triangles take minutes at scale 20 on 2 cores (GAPBS's tc: 7-15 s a run there): their own, smaller graph by default.
const tcScale = Number(arg('tcScale', String(Math.min(scale, 16))));
const delta = Number(arg('delta', '2'));
// The async 'buckets' scheduler's width for sssp-buckets (its own: a bucket there is not a native bin).
const bucketWidth = Number(arg('bucketWidth', String(delta)));
const log = (m: string): void => void process.stderr.write(m + '\n');

/** The Kronecker graph of GAPBS's `-g scale`: Graph500 R-MAT, symmetric, no duplicates or self-loops. */
function kronecker(s: number): Graph {
  return buildGraph(rmatEdges({ scale: s, edgeFactor: 16, seed: 1 }), { undirected: true, duplicates: 'drop', selfLoops: 'drop' });
}

/** A symmetric integer weight in [1, 255] per edge (the same both ways), from a hash of its ends. */
function symmetricWeights(graph: Graph): Float64Array {
  const w = sharedFloat64(graph.numEdges);
  const { outOffsets, outTargets } = graph;
  for (let v = 0; v < graph.numVertices; v++) {
    for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) {
      const u = outTargets[e];
      const lo = v < u ? v : u;
      const hi = v < u ? u : v;
      let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi + 0x632be5ab, 0xc2b2ae35);
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
      w[e] = 1 + ((h >>> 0) % 255);
    }
  }
  return w;
}

/** The CSR file of bench/native/graph.h. */
function writeCsr(path: string, graph: Graph, weights: Float64Array | null): void {
  const fd = openSync(path, 'w');
  try {
    const head = Buffer.alloc(32);
    head.write('GWCSR001', 0, 'latin1');
    head.writeBigUInt64LE(BigInt(graph.numVertices), 8);
    head.writeBigUInt64LE(BigInt(graph.numEdges), 16);
    head.writeBigUInt64LE(weights ? 1n : 0n, 24);
    writeSync(fd, head);
    const put = (a: Uint32Array): void => {
      for (let at = 0; at < a.length; at += 1 << 24) {
        const part = a.subarray(at, Math.min(a.length, at + (1 << 24)));
        writeSync(fd, new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
      }
    };
    put(graph.outOffsets);
    put(graph.outTargets);
    if (weights) put(Uint32Array.from(weights));
  } finally {
    closeSync(fd);
  }
}

/** Seeded sources of positive degree, as GAPBS picks them. */
function pickSources(graph: Graph, count: number): number[] {
  const out: number[] = [];
  let x = 12345;
  while (out.length < count) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const v = x % graph.numVertices;
    if (graph.outDegree(v) > 0) out.push(v);
  }
  return out;
}

type Answer = Record<string, number | number[]>;
interface Kernel {
  name: string;
  /** The native program and its extra arguments for run r. */
  native: (r: number) => { exe: string; args: string[] };
  /** One gasworks run for run r and its answer in the native's terms. */
  gasworks: (r: number, workers: number) => Promise<{ seconds: number; answer: Answer }>;
  /** The answer keys that must agree. */
  check: string[];
}

const work = mkdtempSync(join(tmpdir(), 'gasworks-native-'));
// An interrupted run leaves no graph files behind either.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}
const rows: Array<{ kernel: string; threads: number; native: number; gasworks: number; ratio: number; nativeRuns: number[]; gasworksRuns: number[]; answer: Answer }> = [];
try {
  try {
    execFileSync('g++', ['--version'], { stdio: 'ignore' });
  } catch {
    log('native-peers: no g++ on this machine; skipped (install g++ to compare with the native peers)');
    process.exit(0);
  }
  const nativeOf = (k: string): string => k.split('-')[0];
  const exes: Record<string, string> = {};
  for (const k of new Set(kernels.map(nativeOf))) exes[k] = compile(k);
  log(`native-peers: building the Kronecker graph, scale ${scale}`);
  const graph = kronecker(scale);
  const weights = symmetricWeights(graph);
  const file = join(work, 'graph.csr');
  writeCsr(file, graph, weights);
  const sources = pickSources(graph, Math.max(runs + 1, 4));
  log(`native-peers: ${graph.numVertices} vertices, ${graph.numEdges} arcs; sources ${sources.join(', ')}`);
  // Loading compares like with like: no weights on either side.
  const unweightedFile = join(work, 'unweighted.csr');
  const gwgFile = join(work, 'graph.gwg');
  if (kernels.includes('load')) {
    writeCsr(unweightedFile, graph, null);
    await writeGraphFile(gwgFile, graph);
  }
  let tcGraph = graph;
  let tcFile = file;
  if (kernels.some((k) => k.startsWith('tc')) && tcScale !== scale) {
    tcGraph = kronecker(tcScale);
    tcFile = join(work, 'tc.csr');
    writeCsr(tcFile, tcGraph, null);
  }

  let degreeOrderOf: Uint32Array | null = null;
  let degreeGraph: Graph | null = null;
  const degreeSorted = (): Graph => {
    if (degreeGraph === null) {
      degreeOrderOf = degreeOrder(graph);
      degreeGraph = relabelGraph(graph, degreeOrderOf);
    }
    return degreeGraph;
  };
  const run = (name: string, g: Graph, workers: number, options: RunOptions = {}): Promise<RunResult> => runProgram(programs[name], g, { workers, ...options });
  const all: Kernel[] = [
    {
      name: 'pr',
      native: () => ({ exe: exes.pr, args: [file, '20'] }),
      gasworks: async (_r, workers) => {
        const res = await run('pagerank', graph, workers, { maxIterations: 20 });
        return { seconds: res.computeSeconds, answer: { top: topVertices(res.vertex.rank as Float64Array, 5) } };
      },
      check: ['top'],
    },
    {
      name: 'pr-f32',
      native: () => ({ exe: exes.pr, args: [file, '20'] }),
      gasworks: async (_r, workers) => {
        const res = await run('pagerank', graph, workers, { maxIterations: 20, params: { precision: 'f32' } });
        return { seconds: res.computeSeconds, answer: { top: topVertices(res.vertex.rank as Float64Array, 5) } };
      },
      check: ['top'],
    },
    {
      // PageRank on the graph renumbered by descending degree (gasworks convert --order degree); the
      // native program reads the graph in its first order. Top vertices are compared by first-order id.
      name: 'pr-degree',
      native: () => ({ exe: exes.pr, args: [file, '20'] }),
      gasworks: async (_r, workers) => {
        const res = await run('pagerank', degreeSorted(), workers, { maxIterations: 20 });
        return { seconds: res.computeSeconds, answer: { top: topVertices(res.vertex.rank as Float64Array, 5).map((v) => degreeOrderOf![v]) } };
      },
      check: ['top'],
    },
    {
      name: 'bfs',
      native: (r) => ({ exe: exes.bfs, args: [file, String(sources[r])] }),
      gasworks: async (r, workers) => {
        const res = await run('bfs', graph, workers, { params: { source: sources[r] } });
        return { seconds: res.computeSeconds, answer: { reached: res.aggregates.reached, depth: res.aggregates.depth } };
      },
      check: ['reached', 'depth'],
    },
    {
      name: 'cc',
      native: () => ({ exe: exes.cc, args: [file] }),
      gasworks: async (_r, workers) => {
        const res = await run('connected-components', graph, workers);
        return { seconds: res.computeSeconds, answer: componentSummary(res.vertex.component as Float64Array) };
      },
      check: ['components', 'largest', 'labelSum'],
    },
    {
      name: 'cc-async',
      native: () => ({ exe: exes.cc, args: [file] }),
      gasworks: async (_r, workers) => {
        const res = await run('connected-components', graph, workers, { engine: 'async' });
        return { seconds: res.computeSeconds, answer: componentSummary(res.vertex.component as Float64Array) };
      },
      check: ['components', 'largest', 'labelSum'],
    },
    {
      name: 'cc-afforest',
      native: () => ({ exe: exes.cc, args: [file] }),
      gasworks: async (_r, workers) => {
        const res = await run('afforest', graph, workers);
        return { seconds: res.computeSeconds, answer: componentSummary(res.vertex.component as Uint32Array) };
      },
      check: ['components', 'largest', 'labelSum'],
    },
    {
      name: 'sssp',
      native: (r) => ({ exe: exes.sssp, args: [file, String(delta), String(sources[r])] }),
      gasworks: async (r, workers) => {
        graph.weights = weights;
        try {
          const res = await run('sssp', graph, workers, { params: { source: sources[r] } });
          return { seconds: res.computeSeconds, answer: distanceSummary(res.vertex.distance as Float64Array) };
        } finally {
          graph.weights = null;
        }
      },
      check: ['reached', 'farthest', 'distanceSum'],
    },
    {
      name: 'tc-ordered',
      native: () => ({ exe: exes.tc, args: [tcFile] }),
      gasworks: async (_r, workers) => {
        const res = await run('triangles-ordered', tcGraph, workers);
        return { seconds: res.computeSeconds, answer: { triangles: totalTriangles(res.aggregates.corners) } };
      },
      check: ['triangles'],
    },
    {
      name: 'load',
      native: () => ({ exe: exes.load, args: [unweightedFile] }),
      gasworks: async () => {
        const started = performance.now();
        const loaded = await readGraphFile(gwgFile);
        return { seconds: (performance.now() - started) / 1000, answer: { arcs: loaded.numEdges } };
      },
      check: ['arcs'],
    },
    {
      name: 'sssp-async',
      native: (r) => ({ exe: exes.sssp, args: [file, String(delta), String(sources[r])] }),
      gasworks: async (r, workers) => {
        graph.weights = weights;
        try {
          const res = await run('sssp', graph, workers, { engine: 'async', params: { source: sources[r] } });
          return { seconds: res.computeSeconds, answer: distanceSummary(res.vertex.distance as Float64Array) };
        } finally {
          graph.weights = null;
        }
      },
      check: ['reached', 'farthest', 'distanceSum'],
    },
    {
      name: 'sssp-buckets',
      native: (r) => ({ exe: exes.sssp, args: [file, String(delta), String(sources[r])] }),
      gasworks: async (r, workers) => {
        graph.weights = weights;
        try {
          const res = await run('sssp', graph, workers, { engine: 'async', scheduler: 'buckets', bucketWidth: bucketWidth, params: { source: sources[r] } });
          return { seconds: res.computeSeconds, answer: distanceSummary(res.vertex.distance as Float64Array) };
        } finally {
          graph.weights = null;
        }
      },
      check: ['reached', 'farthest', 'distanceSum'],
    },
    {
      name: 'tc',
      native: () => ({ exe: exes.tc, args: [tcFile] }),
      gasworks: async (_r, workers) => {
        const res = await run('triangle-count', tcGraph, workers);
        return { seconds: res.computeSeconds, answer: { triangles: totalTriangles(res.aggregates.corners) } };
      },
      check: ['triangles'],
    },
  ];
  for (const kernel of all.filter((k) => kernels.includes(k.name))) {
    for (const threads of threadCounts) {
      // Loading is one thread on either side.
      if (kernel.name === 'load' && threads !== threadCounts[0]) continue;
      const nativeRuns: number[] = [];
      const gasworksRuns: number[] = [];
      let answer: Answer = {};
      const heavy = kernel.name.startsWith('tc');
      for (let r = heavy ? 0 : -1; r < runs; r++) {
        // r = -1 is the warm-up of both sides (JIT, page cache); not counted.
        const source = Math.max(r, 0);
        const { exe, args } = kernel.native(source);
        const out = spawnSync(exe, [args[0], String(threads), '1', ...args.slice(1)], { encoding: 'utf8' });
        if (out.status !== 0) throw new Error(`native-peers: ${exe} failed: ${out.stderr}`);
        const nativeAnswer = JSON.parse(out.stdout.trim().split('\n')[0]) as Answer & { seconds: number };
        const mine = await kernel.gasworks(source, threads);
        for (const key of kernel.check) {
          if (JSON.stringify(nativeAnswer[key]) !== JSON.stringify(mine.answer[key])) {
            throw new Error(`native-peers: ${kernel.name} answers differ on ${key}: native ${JSON.stringify(nativeAnswer[key])}, gasworks ${JSON.stringify(mine.answer[key])}`);
          }
        }
        answer = mine.answer;
        if (r < 0) continue;
        nativeRuns.push(nativeAnswer.seconds);
        gasworksRuns.push(mine.seconds);
        (globalThis as { gc?: () => void }).gc?.();
      }
      const row = { kernel: kernel.name, threads, native: median(nativeRuns), gasworks: median(gasworksRuns), ratio: 0, nativeRuns, gasworksRuns, answer };
      row.ratio = row.gasworks / row.native;
      rows.push(row);
      log(`${kernel.name} ${threads}t: native ${fmt(row.native)} s [${nativeRuns.map(fmt).join(' ')}], gasworks ${fmt(row.gasworks)} s [${gasworksRuns.map(fmt).join(' ')}], ${row.ratio.toFixed(2)}x  ${JSON.stringify(answer)}`);
    }
  }
  await closeWorkers();
  const command = `node --expose-gc dist/bench/native-peers.js ${process.argv.slice(2).join(' ')}`.trim();
  const table =
    '| kernel | threads | native (s) | gasworks (s) | gasworks / native |\n| --- | ---: | ---: | ---: | ---: |\n' +
    rows.map((r) => `| ${r.kernel} | ${r.threads} | ${fmt(r.native)} | ${fmt(r.gasworks)} | ${r.ratio.toFixed(2)} |`).join('\n') +
    '\n';
  process.stdout.write(table);
  await writeFileAtomic(resultsPath('native-peers.json'), JSON.stringify({ command, scale, tcScale, runs, delta, vertices: graph.numVertices, arcs: graph.numEdges, rows }, null, 2) + '\n');
  await writeFileAtomic(resultsPath('native-peers.md'), `# gasworks against native peers\n\n\`${command}\`\n\nKronecker scale ${scale} (${graph.numEdges} arcs); medians of ${runs}, alternating.\n\n${table}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function compile(k: string): string {
  const exe = join(work, k);
  execFileSync('g++', ['-O3', '-fopenmp', '-o', exe, join(repoRoot, 'bench', 'native', `${k}.cpp`)], { stdio: 'inherit' });
  return exe;
}

function fmt(x: number): string {
  return x < 0.1 ? x.toFixed(4) : x.toFixed(3);
}

/** The k largest entries' indices, largest first, ties to the smaller index (as pr.cpp). */
function topVertices(values: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let v = 0; v < values.length; v++) {
    if (top.length === k && values[v] <= values[top[k - 1]]) continue;
    let at = top.length < k ? top.length : k - 1;
    top[at] = v;
    while (at > 0 && values[top[at - 1]] < values[v]) {
      top[at] = top[at - 1];
      top[--at] = v;
    }
  }
  return top;
}

/** Component count, largest size and the sum of every vertex's label (its component's smallest id). */
function componentSummary(component: Float64Array | Uint32Array): Answer {
  const sizes = new Uint32Array(component.length);
  let components = 0;
  let largest = 0;
  let labelSum = 0;
  for (let v = 0; v < component.length; v++) {
    const c = component[v];
    if (c === v) components++;
    if (++sizes[c] > largest) largest = sizes[c];
    labelSum += c;
  }
  return { components, largest, labelSum };
}

/** Reached vertices, the largest finite distance and the sum of finite distances. */
function distanceSummary(distance: Float64Array): Answer {
  let reached = 0;
  let farthest = 0;
  let distanceSum = 0;
  for (let v = 0; v < distance.length; v++) {
    const d = distance[v];
    if (d === Infinity) continue;
    reached++;
    distanceSum += d;
    if (d > farthest) farthest = d;
  }
  return { reached, farthest, distanceSum };
}
