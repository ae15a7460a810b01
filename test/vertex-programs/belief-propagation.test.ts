import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { buildGraph, graphFromPairs } from '../../core/graph/build.js';
import { EdgeList } from '../../core/graph/edge-list.js';
import type { Graph } from '../../core/graph/graph.js';
import { sharedFloat64 } from '../../core/graph/shared.js';
import { UsageError } from '../../core/errors.js';
import type { VertexProgram } from '../../core/program.js';
import beliefPropagation from '../../vertex-programs/belief-propagation.js';
import { maxAbsDifference, runEverywhere } from './engines.js';
import { rmat, sharedEdgeList } from './graphs.js';
import { exactMarginals, loopyBpReference, mrfEdges } from './reference.js';
import { needsData } from '../helpers.js';

const program = beliefPropagation as unknown as VertexProgram;

function withPriors(graph: Graph, priors: ArrayLike<number>): Graph {
  const column = sharedFloat64(graph.numVertices);
  column.set(Array.from(priors));
  graph.vertexColumns.prior = column;
  return graph;
}

/** A random tree: vertex i > 0 hangs from parent[i] < i; priors in (0.05, 0.95). */
const tree = fc.integer({ min: 1, max: 10 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    parents: fc.tuple(...Array.from({ length: n }, (_, i) => fc.nat(Math.max(0, i - 1)))),
    priors: fc.array(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { minLength: n, maxLength: n }),
    epsilon: fc.double({ min: 0.02, max: 0.98, noNaN: true }),
    undirected: fc.boolean(),
  }),
);

test('a fixed tree: every engine gives the exact marginals', async () => {
  const pairs: Array<[number, number]> = [[0, 1], [0, 2], [1, 3], [1, 4], [2, 5], [5, 6], [5, 7]];
  const priors = [0.9, 0.5, 0.4, 0.2, 0.7, 0.5, 0.1, 0.6];
  const graph = withPriors(graphFromPairs(pairs, { undirected: true }), priors);
  const expected = exactMarginals(8, pairs, priors, 0.2);
  for (const run of await runEverywhere(program, graph, { params: { epsilon: 0.2, tolerance: 1e-13 } })) {
    const error = maxAbsDifference(run.vertex.belief, expected);
    assert.ok(error < 1e-10, `${run.label}: ${error}`);
  }
});

test('random trees (property), stored directed or undirected: exact marginals', async () => {
  await fc.assert(
    fc.asyncProperty(tree, async ({ n, parents, priors, epsilon, undirected }) => {
      const pairs = Array.from({ length: n - 1 }, (_, k) => [parents[k + 1], k + 1] as [number, number]);
      const graph = withPriors(graphFromPairs(pairs, { undirected, numVertices: n }), priors);
      const [run] = await runEverywhere(program, graph, { params: { epsilon, tolerance: 1e-13 }, inlineOnly: true });
      const error = maxAbsDifference(run.vertex.belief, exactMarginals(n, mrfEdges(graph), priors, epsilon));
      assert.ok(error < 1e-9, `${run.label}: ${error}`);
    }),
    { seed: 42, numRuns: 60 },
  );
});

test('signed trees (property): negative edges are heterophilous, exact marginals', async () => {
  await fc.assert(
    fc.asyncProperty(tree, fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), async ({ n, parents, priors, epsilon }, negative) => {
      const list = new EdgeList({ mapIds: false, weighted: true });
      list.setNumVertices(n);
      for (let k = 1; k < n; k++) list.add(parents[k], k, negative[k - 1] ? -3 : 2);
      const graph = withPriors(buildGraph(list), priors);
      // mrfEdges lists edges in CSR order; each knows its weight's sign there.
      const edges = mrfEdges(graph);
      const heterophilous = edges.map(([a, b]) => graph.weights![graph.outOffsets[a] + Array.from(graph.outNeighbors(a)).indexOf(b)] < 0);
      const [run] = await runEverywhere(program, graph, { params: { epsilon, tolerance: 1e-13, signed: true }, inlineOnly: true });
      const error = maxAbsDifference(run.vertex.belief, exactMarginals(n, edges, priors, epsilon, heterophilous));
      assert.ok(error < 1e-9, `${run.label}: ${error}`);
    }),
    { seed: 7, numRuns: 60 },
  );
});

test('loopy R-MAT graph: every engine reaches the serial flooding BP fixed point', async () => {
  const graph = rmat(6, 3, 42, { undirected: true, duplicates: 'drop', selfLoops: 'drop' });
  const n = graph.numVertices;
  const priors = Array.from({ length: n }, (_, v) => (v % 7 === 0 ? 0.9 : v % 5 === 0 ? 0.2 : 0.5));
  withPriors(graph, priors);
  const epsilon = 0.35;
  const reference = loopyBpReference(n, mrfEdges(graph), priors, epsilon, 0, 2000);
  assert.ok(reference.rounds < 2000, 'the reference should converge');
  for (const run of await runEverywhere(program, graph, { params: { epsilon, tolerance: 1e-12 }, maxIterations: 2000 })) {
    const error = maxAbsDifference(run.vertex.belief, reference.beliefs);
    assert.ok(error < 1e-8, `${run.label}: ${error}`);
  }
});

test('damping changes the path, not the fixed point', async () => {
  const graph = rmat(5, 3, 7, { undirected: true, duplicates: 'drop', selfLoops: 'drop' });
  const priors = Array.from({ length: graph.numVertices }, (_, v) => 0.1 + (0.8 * v) / graph.numVertices);
  withPriors(graph, priors);
  const reference = loopyBpReference(graph.numVertices, mrfEdges(graph), priors, 0.3, 0, 2000);
  const [run] = await runEverywhere(program, graph, { params: { epsilon: 0.3, damping: 0.5, tolerance: 1e-12 }, maxIterations: 2000, inlineOnly: true });
  assert.ok(maxAbsDifference(run.vertex.belief, reference.beliefs) < 1e-8);
});

needsData(test, 'karate/out.ucidata-zachary')('karate club, Mr. Hi labelled 1 and the officer 0: = serial loopy BP', async () => {
  const graph = sharedEdgeList('karate/out.ucidata-zachary', 'belief-propagation karate');
  if (graph === null) return;
  const priors = Array.from({ length: graph.numVertices }, () => 0.5);
  priors[graph.denseId(1)] = 0.99;
  priors[graph.denseId(34)] = 0.01;
  withPriors(graph, priors);
  const reference = loopyBpReference(graph.numVertices, mrfEdges(graph), priors, 0.3, 0, 5000);
  const [run] = await runEverywhere(program, graph, { params: { epsilon: 0.3, tolerance: 1e-12 }, maxIterations: 5000, inlineOnly: true });
  assert.ok(maxAbsDifference(run.vertex.belief, reference.beliefs) < 1e-8);
});

test('bad priors and parameters are UsageErrors', async () => {
  const graph = withPriors(graphFromPairs([[0, 1]], { undirected: true }), [0.5, 1.5]);
  for (const [params, message] of [
    [{}, /prior of vertex 1 is 1\.5/],
    [{ epsilon: 0 }, /parameter "epsilon" of program belief-propagation must be a number in \(0, 1\)/],
  ] as const) {
    try {
      await runEverywhere(program, graph, { params, inlineOnly: true, skipAsync: false });
      assert.unreachable('should throw');
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
    }
  }
});

test.run();
