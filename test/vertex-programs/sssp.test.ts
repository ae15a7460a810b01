import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { singleSource as dijkstra } from 'graphology-shortest-path/dijkstra.js';
import { graphFromPairs } from '../../core/graph/build.js';
import { UsageError } from '../../core/errors.js';
import type { VertexProgram } from '../../core/program.js';
import sssp from '../../vertex-programs/sssp.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, smallGraph, toGraphology } from './graphs.js';
import { ssspReference } from './reference.js';

const program = sssp as unknown as VertexProgram;

/** graphology's Dijkstra paths, summed into distances (Infinity when unreachable). */
function graphologyDistances(graph: Parameters<typeof toGraphology>[0], source: number): Float64Array {
  const g = toGraphology(graph);
  const paths = dijkstra(g, String(source), 'weight');
  return Float64Array.from({ length: graph.numVertices }, (_, v) => {
    const path = paths[String(v)];
    if (path === undefined) return Infinity;
    let d = 0;
    for (let i = 0; i + 1 < path.length; i++) d += g.getEdgeAttribute(g.edge(path[i], path[i + 1]), 'weight') as number;
    return d;
  });
}

test('weighted directed R-MAT: = Dijkstra on every engine, bit for bit', async () => {
  const graph = rmat(9, 3, 42, { maxWeight: 20 });
  let source = 0;
  while (graph.outDegree(source) === 0) source++;
  const expected = ssspReference(graph, source);
  for (const run of await runEverywhere(program, graph, { params: { source } })) {
    assert.is(firstDifference(run.vertex.distance, expected), null, run.label);
  }
});

test('random weighted graphs (property): = graphology dijkstra', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), async (sample, undirected) => {
      // Duplicates dropped: graphology keeps one edge per pair, and so does the graph (its first weight).
      const graph = graphOf(sample, { undirected, weighted: true, duplicates: 'drop' });
      const [run] = await runEverywhere(program, graph, { inlineOnly: true });
      assert.is(firstDifference(run.vertex.distance, graphologyDistances(graph, 0)), null);
    }),
    { seed: 42, numRuns: 60 },
  );
});

test("async 'buckets' scheduler (delta-stepping): = serial Dijkstra, 1 and 2 threads, several widths", async () => {
  const { runProgram } = await import('../../core/engine/index.js');
  for (const seed of [1, 7, 42]) {
    const graph = rmat(10, 6, seed, { maxWeight: 50, undirected: seed !== 7 });
    let source = seed;
    while (graph.outDegree(source) === 0) source++;
    const expected = ssspReference(graph, source);
    for (const bucketWidth of [0.5, 1, 3, 1000]) {
      for (const workers of [1, 2]) {
        const run = await runProgram(program, graph, { engine: 'async', scheduler: 'buckets', bucketWidth, workers, params: { source } });
        assert.is(firstDifference(run.vertex.distance, expected), null, `seed ${seed}, width ${bucketWidth}, ${workers} thread(s)`);
        assert.ok(run.converged);
      }
    }
  }
});

test("async 'buckets' on random weighted graphs (property): = graphology dijkstra", async () => {
  const { runProgram } = await import('../../core/engine/index.js');
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), fc.constantFrom(1, 2, 5), async (sample, undirected, bucketWidth) => {
      const graph = graphOf(sample, { undirected, weighted: true, duplicates: 'drop' });
      const run = await runProgram(program, graph, { engine: 'async', scheduler: 'buckets', bucketWidth, workers: 1 });
      assert.is(firstDifference(run.vertex.distance, graphologyDistances(graph, 0)), null);
    }),
    { seed: 7, numRuns: 60 },
  );
});

test("bucketWidth: refused when not positive, or without the 'buckets' scheduler", async () => {
  const { runProgram } = await import('../../core/engine/index.js');
  const graph = graphFromPairs([[0, 1, 2]]);
  for (const [options, message] of [
    [{ engine: 'async', scheduler: 'buckets', bucketWidth: 0 }, 'runAsync: bucketWidth must be a positive number; got 0'],
    [{ engine: 'async', scheduler: 'fifo', bucketWidth: 2 }, "bucketWidth is for the 'buckets' scheduler"],
    [{ engine: 'sync', bucketWidth: 2 }, 'option "bucketWidth" is for the async engine'],
  ] as const) {
    try {
      await runProgram(program, graph, { workers: 1, ...(options as object) });
      assert.unreachable('should throw');
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
    }
  }
});

test('unweighted graph: every edge weighs 1', async () => {
  const graph = graphFromPairs([[0, 1], [1, 2], [0, 2], [2, 3]], { numVertices: 5 });
  const [run] = await runEverywhere(program, graph, { inlineOnly: true });
  assert.equal([...run.vertex.distance], [0, 1, 1, 2, Infinity]);
});

test('a negative weight is a UsageError naming the edge', async () => {
  const graph = graphFromPairs([[0, 1, 2], [1, 2, -3]]);
  try {
    await runEverywhere(program, graph, { inlineOnly: true });
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, 'edge 1 -> 2 has weight -3');
  }
});

/**
 * The synchronous engine's work for SSSP, simulated step by step on plain arrays: which vertices
 * run in each superstep (the source first; then those a changed neighbour signalled because it
 * offers a shorter path), so a program that runs or signals more than it must is caught even
 * when its distances come out right.
 */
function ssspWork(graph: Parameters<typeof toGraphology>[0], source: number): { supersteps: number; updates: number; distance: Float64Array } {
  const n = graph.numVertices;
  const w = (e: number): number => (graph.weights === null ? 1 : graph.weights[e]);
  const distance = new Float64Array(n).fill(Infinity);
  let active = [source];
  let supersteps = 0;
  let updates = 0;
  while (active.length > 0) {
    supersteps++;
    updates += active.length;
    const acc = active.map((v) => {
      let best = Infinity;
      for (let q = graph.inOffsets[v]; q < graph.inOffsets[v + 1]; q++) best = Math.min(best, distance[graph.inSources[q]] + w(graph.inEdgeIds[q]));
      return best;
    });
    const changed: number[] = [];
    active.forEach((v, i) => {
      const best = v === source ? 0 : acc[i];
      if (best < distance[v]) {
        distance[v] = best;
        changed.push(v);
      }
    });
    const next = new Set<number>();
    for (const v of changed) {
      for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) if (distance[v] + w(e) < distance[graph.outTargets[e]]) next.add(graph.outTargets[e]);
    }
    active = [...next].sort((a, b) => a - b);
  }
  return { supersteps, updates, distance };
}

test('sync engine: supersteps and vertex updates are those of the signalled BSP simulation (weighted and not)', async () => {
  const { runProgram } = await import('../../core/engine/index.js');
  for (const graph of [rmat(8, 4, 9, { maxWeight: 9 }), rmat(8, 4, 10)]) {
    const expected = ssspWork(graph, 3);
    for (const workers of [1, 2]) {
      for (const frontier of ['dense', 'sparse'] as const) {
        const r = await runProgram(program, graph, { workers, frontier, params: { source: 3 } });
        const label = `${graph.weights ? 'weighted' : 'unweighted'} -w ${workers} ${frontier}`;
        assert.is(firstDifference(r.vertex.distance, expected.distance), null, label);
        assert.is(r.iterations, expected.supersteps, `${label}: supersteps`);
        assert.is(r.vertexUpdates, expected.updates, `${label}: vertex updates`);
      }
    }
  }
});

test.run();
