import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAsync, type AsyncRunOptions } from '../../../core/engine/async.js';
import { closeWorkers } from '../../../core/engine/index.js';
import { runProgram } from '../../../core/engine/index.js';
import { buildGraph, graphFromPairs } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import type { Graph } from '../../../core/graph/graph.js';
import { UsageError } from '../../../core/errors.js';
import { Random } from '../../../core/util/random.js';
import { bfs, connectedComponents, pagerankDelta as libraryPagerankDelta, sssp } from '../../../vertex-programs/index.js';
import {
  distances,
  edgeCounter,
  minLabel,
  pagerankAll,
  pagerankDelta,
  vertexGuard,
  referenceComponents,
  referenceDistances,
  referencePagerank,
} from './async-programs.js';

/** Every scheduler x consistency, edge consistency both ways (chromatic sweeps only). */
const CONFIGS: AsyncRunOptions[] = [];
for (const scheduler of ['fifo', 'priority', 'sweep'] as const) {
  for (const consistency of ['none', 'vertex', 'edge'] as const) CONFIGS.push({ scheduler, consistency });
}
CONFIGS.push({ scheduler: 'sweep', consistency: 'edge', edgeConsistency: 'chromatic' });

const describe = (o: AsyncRunOptions): string =>
  `${o.scheduler}/${o.consistency}${o.edgeConsistency ? '/' + o.edgeConsistency : ''}/${o.threads ?? 1} thread(s)`;

/**
 * A disjoint union of seeded random pieces of different shapes (sparse and
 * dense random graphs, paths, a small R-MAT), so one run exercises many graphs.
 */
function unionGraph(seed: number, options: { undirected: boolean; weighted: boolean }): Graph {
  const random = new Random(seed);
  const list = new EdgeList({ mapIds: false, weighted: options.weighted });
  let base = 0;
  const add = (a: number, b: number): void => list.add(base + a, base + b, 1 + random.nextInt(9));
  for (let piece = 0; piece < 30; piece++) {
    const n = 2 + random.nextInt(120);
    const shape = piece % 3;
    if (shape === 0) for (let i = 0; i < n * 2; i++) add(random.nextInt(n), random.nextInt(n));
    else if (shape === 1) for (let i = 0; i < n / 2; i++) add(random.nextInt(n), random.nextInt(n));
    else for (let i = 0; i + 1 < n; i++) add(i, i + 1);
    base += n;
  }
  const rmat = rmatEdges({ scale: 8, edgeFactor: 4, seed });
  for (let e = 0; e < rmat.length; e++) add(rmat.src[e], rmat.dst[e]);
  base += 256;
  list.setNumVertices(base);
  return buildGraph(list, { undirected: options.undirected });
}

function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length < expected.length) return `length ${actual.length} < ${expected.length}`;
  for (let v = 0; v < expected.length; v++) if (actual[v] !== expected[v]) return `vertex ${v}: ${actual[v]} != ${expected[v]}`;
  return null;
}

test('connected components by min-label: exact for every scheduler x consistency x {1, 2} threads', async () => {
  const graph = unionGraph(11, { undirected: true, weighted: false });
  const expected = referenceComponents(graph);
  for (const config of CONFIGS) {
    for (const threads of [1, 2]) {
      const result = await runAsync(minLabel, graph, { ...config, threads });
      const bad = firstMismatch(result.vertex.label, expected);
      if (bad) assert.unreachable(`${describe({ ...config, threads })}: ${bad}`);
      assert.ok(result.vertexUpdates >= graph.numVertices, 'every vertex ran at least once');
      assert.ok(result.converged, `${describe({ ...config, threads })}: ran out of work, so converged`);
    }
  }
  // Cut short: a long path needs many sweeps, so one sweep is not convergence.
  const path = graphFromPairs(Array.from({ length: 200 }, (_, i) => [i + 1, i] as [number, number]), { undirected: true });
  const short = await runAsync(minLabel, path, { scheduler: 'sweep', threads: 1, maxIterations: 1 });
  assert.not.ok(short.converged, 'one sweep of a 201-vertex path is not convergence');
});

test('BFS levels and SSSP from many sources: exact for every scheduler x consistency x {1, 2} threads', async () => {
  const graph = unionGraph(12, { undirected: false, weighted: true });
  for (const weighted of [false, true]) {
    const expected = referenceDistances(graph, 37, weighted);
    for (const config of CONFIGS) {
      for (const threads of [1, 2]) {
        const result = await runAsync(distances, graph, { ...config, threads, params: { sourceEvery: 37, weighted } });
        const bad = firstMismatch(result.vertex.dist, expected);
        if (bad) assert.unreachable(`${weighted ? 'SSSP' : 'BFS'} ${describe({ ...config, threads })}: ${bad}`);
      }
    }
  }
});

test('no lost signal: BFS on 2 threads over many seeded random graphs, every scheduler', async () => {
  for (let seed = 1; seed <= 8; seed++) {
    const graph = unionGraph(100 + seed, { undirected: false, weighted: false });
    const sourceEvery = 5 + seed * 7;
    const expected = referenceDistances(graph, sourceEvery, false);
    for (const scheduler of ['fifo', 'priority', 'sweep'] as const) {
      const result = await runAsync(distances, graph, { scheduler, threads: 2, params: { sourceEvery, weighted: false } });
      const bad = firstMismatch(result.vertex.dist, expected);
      if (bad) assert.unreachable(`seed ${seed} ${scheduler}: ${bad}`);
    }
  }
});

test('PageRank with delta caching matches power iteration, every scheduler x consistency x {1, 2} threads', async () => {
  const graph = buildGraph(rmatEdges({ scale: 11, edgeFactor: 8, seed: 4 }));
  const expected = referencePagerank(graph, 0.85, 1e-14);
  for (const config of CONFIGS) {
    for (const threads of [1, 2]) {
      const result = await runAsync(pagerankDelta, graph, { ...config, threads, params: { tolerance: 1e-13 } });
      let l1 = 0;
      for (let v = 0; v < graph.numVertices; v++) l1 += Math.abs(result.vertex.rank[v] - expected[v]);
      assert.ok(l1 < 1e-8, `${describe({ ...config, threads })}: L1 distance ${l1} to the reference`);
    }
  }
});

test('an aggregator stops an always-active run; the answer is at the fixed point', async () => {
  const graph = buildGraph(rmatEdges({ scale: 10, edgeFactor: 8, seed: 9 }));
  const expected = referencePagerank(graph, 0.85, 1e-14);
  const bound = 1_000_000;
  for (const config of [{ scheduler: 'sweep' }, { scheduler: 'fifo' }] as const) {
    for (const threads of [1, 2]) {
      const seen: number[] = [];
      const result = await runAsync(pagerankAll, graph, {
        ...config,
        threads,
        maxIterations: bound,
        aggregateEveryMs: 1,
        onAggregate: (a) => seen.push(a.l1),
      });
      const label = describe({ ...config, threads });
      assert.ok(result.converged, `${label}: converged`);
      assert.ok(result.iterations < bound, `${label}: stopped by the aggregator after ${result.iterations} iterations`);
      assert.ok(seen.length >= 1 && result.aggregates.l1 < 1e-9, `${label}: final l1 ${result.aggregates.l1}`);
      let l1 = 0;
      for (let v = 0; v < graph.numVertices; v++) l1 += Math.abs(result.vertex.rank[v] - expected[v]);
      assert.ok(l1 < 1e-7, `${label}: L1 distance ${l1}`);
    }
  }
});

test('vertex consistency: no vertex runs on two threads at once, whatever the scheduler', async () => {
  const graph = buildGraph(rmatEdges({ scale: 7, edgeFactor: 8, seed: 2 }), { undirected: true });
  for (const scheduler of ['fifo', 'priority', 'sweep'] as const) {
    for (const consistency of ['none', 'vertex'] as const) {
      const result = await runAsync(vertexGuard, graph, { scheduler, consistency, threads: 2, maxIterations: 60 });
      let overlaps = 0;
      for (let v = 0; v < graph.numVertices; v++) overlaps += result.vertex.overlaps[v];
      assert.is(overlaps, 0, `${scheduler}/${consistency}`);
    }
  }
});

test('the bundled vertex programs (vertex-programs/) give the reference answers asynchronously', async () => {
  const directed = unionGraph(31, { undirected: false, weighted: true });
  const n = directed.numVertices;
  const configs: AsyncRunOptions[] = [
    { scheduler: 'fifo', threads: 2 },
    { scheduler: 'sweep', threads: 2, consistency: 'edge', edgeConsistency: 'chromatic' },
    { scheduler: 'priority', threads: 1 },
  ];
  const components = referenceComponents(directedAsUndirected(directed));
  const levels = referenceDistances(directed, n, false);
  const distancesFrom0 = referenceDistances(directed, n, true);
  for (const config of configs) {
    const label = describe(config);
    const cc = await runAsync(connectedComponents, directed, config);
    assert.is(firstMismatch(cc.vertex.component, components), null, `connected-components ${label}`);
    const b = await runAsync(bfs, directed, { ...config, params: { source: 0 } });
    const expectedLevels = Array.from(levels, (x) => (x === Infinity ? -1 : x));
    assert.is(firstMismatch(b.vertex.level, expectedLevels), null, `bfs ${label}`);
    const s = await runAsync(sssp, directed, { ...config, params: { source: 0 } });
    assert.is(firstMismatch(s.vertex.distance, distancesFrom0), null, `sssp ${label}`);
  }
  const graph = buildGraph(rmatEdges({ scale: 10, edgeFactor: 8, seed: 4 }));
  const expected = referencePagerank(graph, 0.85, 1e-14);
  for (const config of configs) {
    const r = await runAsync(libraryPagerankDelta, graph, { ...config, params: { tolerance: 1e-13 } });
    let l1 = 0;
    for (let v = 0; v < graph.numVertices; v++) l1 += Math.abs(r.vertex.rank[v] - expected[v]);
    assert.ok(l1 < 1e-8, `pagerank-delta ${describe(config)}: L1 ${l1}`);
  }
});

/** The same vertices with every edge in both directions (weak components). */
function directedAsUndirected(graph: Graph): Graph {
  const list = new EdgeList({ mapIds: false });
  list.setNumVertices(graph.numVertices);
  for (let v = 0; v < graph.numVertices; v++) {
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) list.add(v, graph.outTargets[e]);
  }
  return buildGraph(list, { undirected: true });
}

/** An undirected R-MAT with hubs and no self-loops: neighbourhoods overlap a lot. */
function contendedGraph(): Graph {
  const list = rmatEdges({ scale: 9, edgeFactor: 8, seed: 21 });
  return buildGraph(list, { undirected: true, selfLoops: 'drop' });
}

function edgeCountErrors(graph: Graph, runs: Float64Array, count: Float64Array): number {
  let errors = 0;
  for (let a = 0; a < graph.numVertices; a++) {
    for (let e = graph.outOffsets[a]; e < graph.outOffsets[a + 1]; e++) {
      if (count[e] !== runs[a] + runs[graph.outTargets[e]]) errors++;
    }
  }
  return errors;
}

test('edge consistency (locks, chromatic) keeps racy edge counters exact on 2 threads', async () => {
  const graph = contendedGraph();
  const configs: AsyncRunOptions[] = [
    { scheduler: 'fifo', consistency: 'edge' },
    { scheduler: 'priority', consistency: 'edge' },
    { scheduler: 'sweep', consistency: 'edge' },
    { scheduler: 'sweep', consistency: 'edge', edgeConsistency: 'chromatic' },
  ];
  for (const config of configs) {
    const result = await runAsync(edgeCounter, graph, { ...config, threads: 2, maxIterations: 40 });
    const label = describe({ ...config, threads: 2 });
    assert.is(edgeCountErrors(graph, result.vertex.runs, result.edge.count as Float64Array), 0, `${label}: every edge count exact`);
    let runs = 0;
    for (let v = 0; v < graph.numVertices; v++) runs += result.vertex.runs[v];
    assert.is(result.vertexUpdates, runs, `${label}: vertexUpdates counts every apply`);
    if (config.edgeConsistency === 'chromatic') assert.ok(result.colors > 1);
  }
});

test('sweep bounds: maxIterations sweeps, exact update and edge counts', async () => {
  const graph = contendedGraph();
  const n = graph.numVertices;
  for (const threads of [1, 2]) {
    const result = await runAsync(edgeCounter, graph, { scheduler: 'sweep', threads, maxIterations: 7 });
    assert.is(result.iterations, 7);
    assert.is(result.vertexUpdates, 7 * n);
    // Each run gathers and scatters over all in- and out-edges: 4 m edge visits per sweep.
    assert.is(result.edgesTraversed, 7 * 4 * graph.numEdges);
    assert.ok(result.computeSeconds > 0 && result.edgesPerSecond > 0);
    if (threads === 1) assert.is(edgeCountErrors(graph, result.vertex.runs, result.edge.count as Float64Array), 0);
  }
});

test('queue bounds: maxIterations x n updates (plus at most a batch per thread)', async () => {
  const graph = contendedGraph();
  const n = graph.numVertices;
  for (const scheduler of ['fifo', 'priority'] as const) {
    for (const threads of [1, 2]) {
      const result = await runAsync(edgeCounter, graph, { scheduler, threads, maxIterations: 3 });
      assert.ok(result.vertexUpdates >= 3 * n && result.vertexUpdates <= 3 * n + 64 * threads, `${scheduler}: ${result.vertexUpdates}`);
      assert.is(result.iterations, Math.ceil(result.vertexUpdates / n));
    }
  }
});

test('a graph with no signalled vertex finishes at once; isolated vertices', async () => {
  const graph = graphFromPairs([], { numVertices: 5 });
  for (const config of CONFIGS) {
    for (const threads of [1, 2]) {
      const result = await runAsync(distances, graph, { ...config, threads, params: { sourceEvery: 2, weighted: false } });
      assert.equal(Array.from(result.vertex.dist), [0, Infinity, 0, Infinity, 0]);
    }
  }
});

test('runProgram dispatches engine async with its options', async () => {
  const graph = unionGraph(41, { undirected: true, weighted: false });
  const expected = referenceComponents(graph);
  for (const options of [
    { scheduler: 'priority', consistency: 'edge' },
    { scheduler: 'sweep', consistency: 'edge', edgeConsistency: 'chromatic' },
  ] as const) {
    const result = await runProgram(minLabel, graph, { engine: 'async', workers: 2, ...options });
    assert.is(result.engine, 'async');
    assert.is(result.workers, 2);
    assert.is(firstMismatch(result.vertex.label, expected), null, JSON.stringify(options));
  }
});

test('bad options are UsageErrors', async () => {
  const graph = graphFromPairs([[0, 1]]);
  const bad: AsyncRunOptions[] = [
    { threads: 0 },
    { threads: 1.5 },
    { scheduler: 'lifo' as never },
    { consistency: 'full' as never },
    { consistency: 'edge', edgeConsistency: 'chromatic', scheduler: 'fifo' },
    { maxIterations: 0 },
    { params: { nope: 1 } },
  ];
  for (const options of bad) {
    try {
      await runAsync(minLabel, graph, options);
      assert.unreachable(`accepted ${JSON.stringify(options)}`);
    } catch (error) {
      assert.instance(error, UsageError, JSON.stringify(options));
    }
  }
});

test.after(closeWorkers);

test.run();
