import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { graphFromPairs } from '../../core/graph/build.js';
import type { VertexProgram } from '../../core/program.js';
import kcore from '../../vertex-programs/kcore.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, sharedEdgeList, smallGraph } from './graphs.js';
import { kcoreReference } from './reference.js';
import { needsData } from '../helpers.js';

const program = kcore as unknown as VertexProgram;

test('K_5 with a pendant path: 4 in the clique, 1 on the path, every engine', async () => {
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) pairs.push([a, b]);
  pairs.push([4, 5], [5, 6]);
  const graph = graphFromPairs(pairs, { undirected: true, numVertices: 8 });
  for (const run of await runEverywhere(program, graph)) {
    assert.equal([...run.vertex.core], [4, 4, 4, 4, 4, 1, 1, 0], run.label);
    assert.is(run.aggregates.degeneracy, 4, run.label);
  }
});

test('directed R-MAT: = peeling on every engine', async () => {
  const graph = rmat(8, 6, 42);
  const expected = kcoreReference(graph);
  for (const run of await runEverywhere(program, graph)) {
    assert.is(firstDifference(run.vertex.core, expected), null, run.label);
  }
});

test('random small graphs (property): = peeling', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), async (sample, undirected) => {
      const graph = graphOf(sample, { undirected });
      const [run] = await runEverywhere(program, graph, { inlineOnly: true });
      assert.is(firstDifference(run.vertex.core, kcoreReference(graph)), null);
    }),
    { seed: 42, numRuns: 60 },
  );
});

needsData(test, 'karate/out.ucidata-zachary')('karate club: = peeling (degeneracy 4)', async () => {
  const graph = sharedEdgeList('karate/out.ucidata-zachary', 'kcore karate');
  if (graph === null) return;
  const [run] = await runEverywhere(program, graph, { inlineOnly: true });
  assert.is(firstDifference(run.vertex.core, kcoreReference(graph)), null);
  assert.is(run.aggregates.degeneracy, 4);
});

/**
 * k-core's work on the synchronous engine with one worker, simulated on plain arrays: every
 * vertex starts from its degree (duplicates and self-loops dropped, directions ignored); each
 * superstep the active vertices, in id order, take the h-index of their neighbours' current
 * values; a vertex that dropped signals the neighbours (over stored edges both ways) it is now
 * below. A program that reports changes it did not make, or signals more, does more work.
 */
function kcoreWork(graph: Parameters<typeof kcoreReference>[0]): { supersteps: number; updates: number; core: Uint32Array } {
  const n = graph.numVertices;
  const neighbours = Array.from({ length: n }, () => new Set<number>());
  for (let v = 0; v < n; v++) {
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      const u = graph.outTargets[e];
      if (u !== v) {
        neighbours[v].add(u);
        neighbours[u].add(v);
      }
    }
  }
  const core = Uint32Array.from(neighbours, (s) => s.size);
  let active = Array.from({ length: n }, (_, v) => v);
  let supersteps = 0;
  let updates = 0;
  while (active.length > 0) {
    supersteps++;
    updates += active.length;
    const changed: number[] = [];
    for (const v of active) {
      const values = [...neighbours[v]].map((u) => core[u]).sort((a, b) => b - a);
      let h = 0;
      while (h < values.length && values[h] >= h + 1) h++;
      h = Math.min(h, core[v]);
      if (h < core[v]) {
        core[v] = h;
        changed.push(v);
      }
    }
    const next = new Set<number>();
    for (const v of changed) {
      const stored = [...graph.outNeighbors(v), ...graph.inNeighbors(v)];
      for (const u of stored) if (core[v] < core[u]) next.add(u);
    }
    active = [...next].sort((a, b) => a - b);
  }
  return { supersteps, updates, core };
}

// Dense frontier: a sparse one runs the same vertices from a list whose order differs, and since
// apply reads neighbours' current values, its work differs too (378 against 366 updates on rmat 8).
test('sync engine, one worker, dense frontier: supersteps and vertex updates are those of the simulation', async () => {
  const { runProgram } = await import('../../core/engine/index.js');
  for (const graph of [rmat(8, 6, 21), graphFromPairs([[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 4], [1, 0]], { undirected: true })]) {
    const expected = kcoreWork(graph);
    assert.is(firstDifference(expected.core, kcoreReference(graph)), null, 'the simulation computes core numbers');
    for (const frontier of ['dense'] as const) {
      const r = await runProgram(program, graph, { workers: 1, frontier });
      assert.is(firstDifference(r.vertex.core, expected.core), null, frontier);
      assert.is(r.iterations, expected.supersteps, `${frontier}: supersteps`);
      assert.is(r.vertexUpdates, expected.updates, `${frontier}: vertex updates`);
    }
  }
});

test.run();
