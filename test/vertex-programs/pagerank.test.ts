import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import pagerankModule from 'graphology-metrics/centrality/pagerank.js';
import { graphFromPairs } from '../../core/graph/build.js';
import type { VertexProgram } from '../../core/program.js';
import pagerank, { normalizeRanks } from '../../vertex-programs/pagerank.js';
import { maxAbsDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, sharedEdgeList, smallGraph, toGraphology } from './graphs.js';
import { pagerankReference } from './reference.js';
import { needsData } from '../helpers.js';

const program = pagerank as unknown as VertexProgram;
// A CommonJS module whose function is the module itself.
const graphologyPagerank = pagerankModule as unknown as (graph: unknown, options: object) => Record<string, number>;

/** graphology's PageRank (uniform dangling redistribution) to a tight tolerance, by dense id. */
function graphologyRanks(graph: Parameters<typeof toGraphology>[0]): Float64Array {
  const ranks = graphologyPagerank(toGraphology(graph), { getEdgeWeight: null, alpha: 0.85, maxIterations: 2000, tolerance: 1e-15 });
  return Float64Array.from({ length: graph.numVertices }, (_, v) => ranks[String(v)]);
}

test('directed cycle: 1/n everywhere after any number of iterations, every engine (closed form)', async () => {
  const n = 7;
  const graph = graphFromPairs(Array.from({ length: n }, (_, v) => [v, (v + 1) % n] as [number, number]));
  for (const run of await runEverywhere(program, graph, { maxIterations: 5 })) {
    for (let v = 0; v < n; v++) assert.ok(Math.abs(run.vertex.rank[v] - 1 / n) < 1e-15, `${run.label}: vertex ${v} has ${run.vertex.rank[v]}`);
  }
});

test('R-MAT with dangling vertices: fixed iterations match power iteration; every engine reaches the fixed point, = graphology once normalised', async () => {
  // Duplicates and self-loops dropped: graphology's simple graph has neither.
  const graph = rmat(7, 4, 42, { duplicates: 'drop', selfLoops: 'drop' });
  let dangling = 0;
  for (let v = 0; v < graph.numVertices; v++) if (graph.outDegree(v) === 0) dangling++;
  assert.ok(dangling > 0, 'the test graph should have dangling vertices');
  const expected = graphologyRanks(graph);
  const runs = await runEverywhere(program, graph, { maxIterations: 300 });
  for (const run of runs) {
    const normalised = normalizeRanks(run.vertex.rank);
    const error = maxAbsDifference(normalised, expected);
    assert.ok(error < 1e-12, `${run.label}: normalised ranks differ from graphology by ${error}`);
    assert.ok(run.aggregates.total < 1, `${run.label}: dangling mass is dropped, total ${run.aggregates.total}`);
  }
  // Synchronous runs are the Jacobi iteration itself: iterate for iterate.
  const iterations = 12;
  const reference = pagerankReference(graph, 0.85, iterations);
  for (const run of await runEverywhere(program, graph, { maxIterations: iterations, skipAsync: true })) {
    assert.is(run.iterations, iterations, run.label);
    assert.ok(maxAbsDifference(run.vertex.rank, reference) < 1e-15, `${run.label}: after ${iterations} iterations`);
  }
});

test("precision 'f32': single-precision contributions, ranks within 1e-6 relative of power iteration; a bad precision is refused", async () => {
  const graph = rmat(9, 8, 3, { duplicates: 'drop', selfLoops: 'drop' });
  const iterations = 20;
  const reference = pagerankReference(graph, 0.85, iterations);
  for (const run of await runEverywhere(program, graph, { maxIterations: iterations, skipAsync: true, params: { precision: 'f32' } })) {
    assert.instance(run.vertex.contribution, Float32Array, run.label);
    let worst = 0;
    for (let v = 0; v < graph.numVertices; v++) worst = Math.max(worst, Math.abs(run.vertex.rank[v] - reference[v]) / reference[v]);
    assert.ok(worst < 1e-6, `${run.label}: relative error ${worst}`);
    assert.ok(worst > 0, `${run.label}: single precision should round somewhere`);
  }
  try {
    await runEverywhere(program, graph, { params: { precision: 'f16' }, inlineOnly: true, skipAsync: true });
    assert.unreachable('should throw');
  } catch (error) {
    assert.match((error as Error).message, /pagerank: precision must be 'f64' or 'f32'; got "f16"/);
  }
});

test('tolerance stops the run once the L1 change is small', async () => {
  const graph = rmat(6, 4, 7);
  for (const run of await runEverywhere(program, graph, { maxIterations: 1000, params: { tolerance: 1e-9 }, inlineOnly: true })) {
    assert.ok(run.converged, run.label);
    assert.ok(run.aggregates.l1 < 1e-9, run.label);
    // The synchronous engine checks after every superstep; the asynchronous one on a clock.
    if (run.label.startsWith('sync')) assert.ok(run.iterations < 200, `${run.label}: ${run.iterations} iterations`);
  }
});

test('random small graphs (property): converged ranks = graphology after normalising', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, async (sample) => {
      const graph = graphOf(sample, { duplicates: 'drop', selfLoops: 'drop' });
      const [run] = await runEverywhere(program, graph, { maxIterations: 400, inlineOnly: true, skipAsync: true }).then((r) =>
        r.length > 0 ? r : runEverywhere(program, graph, { maxIterations: 400, inlineOnly: true }),
      );
      const error = maxAbsDifference(normalizeRanks(run.vertex.rank), graphologyRanks(graph));
      assert.ok(error < 1e-10, `${run.label}: ${error}`);
    }),
    { seed: 42, numRuns: 40 },
  );
});

needsData(test, 'karate/out.ucidata-zachary')('karate club: converged ranks = graphology', async () => {
  const graph = sharedEdgeList('karate/out.ucidata-zachary', 'pagerank karate');
  if (graph === null) return;
  const [run] = await runEverywhere(program, graph, { maxIterations: 300, inlineOnly: true });
  // An undirected graph without isolated vertices has no dangling vertex: the ranks sum to 1 as they are.
  assert.ok(maxAbsDifference(run.vertex.rank, graphologyRanks(graph)) < 1e-12);
});

test('normalizeRanks: sums to 1, keeps proportions; all zeros stay zeros (no NaN)', () => {
  assert.equal(Array.from(normalizeRanks([1, 3, 0, 4])), [0.125, 0.375, 0, 0.5]);
  assert.equal(Array.from(normalizeRanks([0, 0, 0])), [0, 0, 0]);
  assert.equal(Array.from(normalizeRanks([])), []);
});

test.run();
