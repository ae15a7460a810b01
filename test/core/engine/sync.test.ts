/**
 * The synchronous engine against serial references: inline (1 thread) and 2
 * and 3 worker threads must give the same answers, bit for bit where the
 * arithmetic is the same (each vertex's gather runs in one thread in edge
 * order), on seeded random graphs and small R-MAT graphs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { Graph } from '../../../core/graph/graph.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import { Random } from '../../../core/util/random.js';
import { UsageError } from '../../../core/errors.js';
import { closeWorkers, runProgram } from '../../../core/engine/index.js';
import { edgeBalancedChunks } from '../../../core/engine/sync-loop.js';
import { failing, inDegree, minLabel, neighbourMoments, neighbourPowers, pagerankDelta, pagerankFixed } from './sync-programs.js';

const THREADS = [1, 2, 3];

async function rejectsWith(run: () => Promise<unknown>, check: (e: unknown) => boolean, what: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    assert.ok(check(error), `${what}: unexpected error ${String(error)}`);
    return;
  }
  assert.unreachable(`${what}: should have thrown`);
}

function randomGraph(n: number, m: number, seed: number, undirected = false): Graph {
  const random = new Random(seed);
  const list = new EdgeList({ mapIds: false });
  list.setNumVertices(n);
  for (let i = 0; i < m; i++) list.add(random.nextInt(n), random.nextInt(n));
  return buildGraph(list, { undirected });
}

function rmat(scale: number, seed: number): Graph {
  return buildGraph(rmatEdges({ scale, edgeFactor: 8, seed }));
}

/** Serial Jacobi PageRank with the same arithmetic as pagerankFixed. */
function serialPagerank(g: Graph, iterations: number, d = 0.85): Float64Array {
  const n = g.numVertices;
  let rank = new Float64Array(n).fill(1 / n);
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      let acc = 0;
      for (let q = g.inOffsets[v]; q < g.inOffsets[v + 1]; q++) {
        const u = g.inSources[q];
        acc += rank[u] / (g.outOffsets[u + 1] - g.outOffsets[u]);
      }
      next[v] = (1 - d) / n + d * acc;
    }
    rank = next;
  }
  return rank;
}

/** Serial BSP simulation of minLabel: labels, supersteps and the number of vertex runs. */
function serialMinLabel(g: Graph): { label: Float64Array; supersteps: number; runs: number } {
  const n = g.numVertices;
  const label = new Float64Array(n);
  for (let v = 0; v < n; v++) label[v] = v;
  let active = new Uint8Array(n).fill(1);
  let supersteps = 0;
  let runs = 0;
  for (;;) {
    const acc = new Float64Array(n).fill(Infinity);
    for (let v = 0; v < n; v++) {
      if (!active[v]) continue;
      for (const u of g.inNeighbors(v)) acc[v] = Math.min(acc[v], label[u]);
      for (const u of g.outNeighbors(v)) acc[v] = Math.min(acc[v], label[u]);
    }
    const changed = new Uint8Array(n);
    for (let v = 0; v < n; v++) {
      if (!active[v]) continue;
      runs++;
      if (acc[v] < label[v]) {
        label[v] = acc[v];
        changed[v] = 1;
      }
    }
    const next = new Uint8Array(n);
    let signalled = 0;
    for (let v = 0; v < n; v++) {
      if (!changed[v]) continue;
      for (const u of [...g.outNeighbors(v), ...g.inNeighbors(v)]) {
        if (label[u] > label[v] && !next[u]) {
          next[u] = 1;
          signalled++;
        }
      }
    }
    supersteps++;
    active = next;
    if (signalled === 0) break;
  }
  return { label, supersteps, runs };
}

test('edge-balanced chunks cover every vertex once and split by edge count', () => {
  const g = rmat(10, 3);
  const chunks = edgeBalancedChunks(g, 2, 'in', 'none');
  assert.is(chunks[0], 0);
  assert.is(chunks[chunks.length - 1], g.numVertices);
  for (let c = 0; c + 1 < chunks.length; c++) assert.ok(chunks[c] < chunks[c + 1]);
  assert.ok(chunks.length - 1 > 2, 'many more chunks than threads');
  // No chunk holds much more than its share unless it is a single vertex (a hub).
  const target = (g.numEdges + g.numVertices) / (chunks.length - 1);
  for (let c = 0; c + 1 < chunks.length; c++) {
    let w = 0;
    for (let v = chunks[c]; v < chunks[c + 1]; v++) w += 1 + g.inDegree(v);
    if (chunks[c + 1] - chunks[c] > 1) assert.ok(w < 2 * target + g.numVertices, `chunk ${c} holds ${w} vs target ${target}`);
  }
});

test('gather over in-edges: in-degree with correct edge ids, same for every thread count', async () => {
  for (const g of [randomGraph(300, 2000, 1), rmat(9, 2)]) {
    for (const workers of THREADS) {
      const r = await runProgram(inDegree, g, { workers, maxIterations: 3 });
      for (let v = 0; v < g.numVertices; v++) {
        assert.is(r.vertex.degree[v], g.inDegree(v));
        assert.is(r.vertex.edgeSum[v], 3);
      }
      assert.is(r.iterations, 3);
      assert.is(r.vertexUpdates, 3 * g.numVertices);
      assert.is(r.edgesTraversed, 3 * g.numEdges);
      assert.is(r.converged, false);
      assert.is(r.workers, workers);
      assert.is(r.engine, 'sync');
    }
  }
});

test('vector accumulator over out-edges: moments of out-neighbour ids', async () => {
  const g = randomGraph(200, 1500, 5);
  for (const workers of THREADS) {
    const r = await runProgram(neighbourMoments, g, { workers, maxIterations: 1, params: { scale: 2 } });
    for (let v = 0; v < g.numVertices; v++) {
      let s1 = 0;
      let s2 = 0;
      for (const u of g.outNeighbors(v)) {
        s1 += u * 2;
        s2 += u * u;
      }
      assert.equal(Array.from(r.vertex.moments.subarray(v * 3, v * 3 + 3)), [g.outDegree(v), s1, s2]);
    }
  }
});

test('columns and accumulator sized by a parameter: every thread and both engines size them from the run', async () => {
  const g = randomGraph(120, 900, 11);
  for (const degree of [1, 4]) {
    for (const engine of ['sync', 'async'] as const) {
      for (const workers of [1, 2]) {
        const r = await runProgram(neighbourPowers, g, { engine, workers, maxIterations: 1, params: { degree } });
        assert.is(r.vertex.powers.length, g.numVertices * degree);
        for (let v = 0; v < g.numVertices; v++) {
          const expected = new Array<number>(degree).fill(0);
          for (const u of g.outNeighbors(v)) for (let i = 0; i < degree; i++) expected[i] += u ** i;
          assert.equal(Array.from(r.vertex.powers.subarray(v * degree, v * degree + degree)), expected, `${engine} x${workers}, degree ${degree}, vertex ${v}`);
        }
      }
    }
  }
  await rejectsWith(
    () => runProgram(neighbourPowers, g, { workers: 1, params: { degree: 0 } }),
    (e) => e instanceof UsageError && /positive integer size/.test(String(e)),
    'degree 0',
  );
});

test('parameters of the wrong type and aggregators with an unknown reduce are UsageErrors', async () => {
  const g = randomGraph(20, 60, 1);
  await rejectsWith(
    () => runProgram(neighbourPowers, g, { workers: 1, params: { degree: '3' as unknown as number } }),
    (e) => e instanceof UsageError && /parameter "degree" of program test-neighbour-powers must be a number/.test(String(e)),
    'string for a number',
  );
  const odd = { ...pagerankFixed, aggregators: () => ({ l1: { map: () => 1, reduce: 'Sum' as 'sum' } }) };
  await rejectsWith(
    () => runProgram(odd, g, { workers: 1, maxIterations: 1 }),
    (e) => e instanceof UsageError && /aggregator "l1" needs a map function and reduce 'sum', 'min' or 'max'/.test(String(e)),
    'reduce Sum',
  );
});

test('PageRank, 20 fixed supersteps: bit-identical to the serial Jacobi loop for 1, 2, 3 threads', async () => {
  for (const g of [randomGraph(500, 4000, 7), rmat(10, 4)]) {
    const expected = serialPagerank(g, 20);
    for (const workers of THREADS) {
      const r = await runProgram(pagerankFixed, g, { workers, maxIterations: 20 });
      assert.is(r.iterations, 20);
      assert.is(r.converged, false);
      for (let v = 0; v < g.numVertices; v++) {
        if (r.vertex.rank[v] !== expected[v]) assert.unreachable(`workers=${workers} vertex ${v}: ${r.vertex.rank[v]} vs ${expected[v]}`);
      }
      let total = 0;
      for (let v = 0; v < g.numVertices; v++) total += expected[v];
      assert.ok(Math.abs(r.aggregates.total - total) < 1e-12);
    }
  }
});

test('convergence by aggregator stops early; maxIterations bounds the run', async () => {
  const g = rmat(9, 6);
  const tolerance = 1e-6;
  // Serial: the first superstep whose L1 change falls under the tolerance.
  let expectedSteps = 0;
  for (let k = 1; k < 200; k++) {
    const a = serialPagerank(g, k - 1);
    const b = serialPagerank(g, k);
    let l1 = 0;
    for (let v = 0; v < g.numVertices; v++) l1 += Math.abs(b[v] - a[v]);
    if (l1 < tolerance) {
      expectedSteps = k;
      break;
    }
  }
  assert.ok(expectedSteps > 3 && expectedSteps < 200);
  for (const workers of THREADS) {
    const r = await runProgram(pagerankFixed, g, { workers, maxIterations: 1000, params: { tolerance } });
    assert.is(r.iterations, expectedSteps);
    assert.is(r.converged, true);
    assert.ok(r.aggregates.l1 < tolerance);
    const capped = await runProgram(pagerankFixed, g, { workers, maxIterations: 4, params: { tolerance } });
    assert.is(capped.iterations, 4);
    assert.is(capped.converged, false);
  }
});

test('signalled activation: min-label runs exactly the signalled vertices (serial BSP simulation)', async () => {
  for (const g of [randomGraph(400, 500, 11), randomGraph(300, 900, 12, true), rmat(9, 13)]) {
    const expected = serialMinLabel(g);
    for (const workers of THREADS) {
      const r = await runProgram(minLabel, g, { workers });
      assert.equal(Array.from(r.vertex.label), Array.from(expected.label));
      assert.is(r.iterations, expected.supersteps);
      assert.is(r.vertexUpdates, expected.runs);
      assert.is(r.converged, true);
      let sum = 0;
      for (const x of expected.label) sum += x;
      assert.is(r.aggregates.labelSum, sum);
    }
  }
});

test('delta caching: each vertex gathers once, cached sums plus deltas reach PageRank', async () => {
  for (const g of [randomGraph(300, 3000, 21), rmat(9, 22)]) {
    const expected = serialPagerank(g, 300);
    for (const workers of THREADS) {
      const r = await runProgram(pagerankDelta, g, { workers, params: { tolerance: 1e-13 } });
      assert.is(r.converged, true);
      let l1 = 0;
      for (let v = 0; v < g.numVertices; v++) {
        l1 += Math.abs(r.vertex.rank[v] - expected[v]);
        if (g.inDegree(v) > 0) assert.is(r.vertex.gathers[v], 1, `vertex ${v} gathered ${r.vertex.gathers[v]} times`);
      }
      assert.ok(l1 < 1e-9, `L1 distance ${l1}`);
      // Fewer vertex runs than all-active supersteps would need.
      assert.ok(r.vertexUpdates < r.iterations * g.numVertices);
    }
  }
});

test('a worker error rejects the run with the worker message; the next run works', async () => {
  const g = randomGraph(100, 300, 31);
  for (const workers of [1, 2]) {
    try {
      await runProgram(failing, g, { workers, params: { failAt: 77 } });
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.match(String((error as Error).message), 'deliberate failure at vertex 77');
    }
  }
  const r = await runProgram(inDegree, g, { workers: 2, maxIterations: 1 });
  assert.is(r.vertex.degree[5], g.inDegree(5));
});

test('options: unknown parameter and async-only options are usage errors', async () => {
  const g = randomGraph(10, 20, 41);
  await rejectsWith(() => runProgram(pagerankFixed, g, { params: { dampng: 0.5 } as never }), (e) => e instanceof UsageError && /dampng/.test(e.message), 'unknown param');
  await rejectsWith(() => runProgram(pagerankFixed, g, { scheduler: 'fifo' }), (e) => e instanceof UsageError, 'scheduler on sync');
  await rejectsWith(() => runProgram(pagerankFixed, g, { workers: 0 }), (e) => e instanceof UsageError, 'workers 0');
  const progress: number[] = [];
  await runProgram(pagerankFixed, g, { workers: 2, maxIterations: 5, onProgress: (p) => progress.push(p.superstep) });
  assert.equal(progress, [1, 2, 3, 4, 5]);
});

test.after(async () => {
  await closeWorkers();
});

test.run();
