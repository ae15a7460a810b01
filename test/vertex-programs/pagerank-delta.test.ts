import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { VertexProgram } from '../../core/program.js';
import pagerankDelta from '../../vertex-programs/pagerank-delta.js';
import { maxAbsDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, smallGraph } from './graphs.js';
import { pagerankReference } from './reference.js';

const program = pagerankDelta as unknown as VertexProgram;

test('R-MAT: every engine reaches the power-iteration fixed point to within the tolerance', async () => {
  const graph = rmat(8, 4, 42);
  const expected = pagerankReference(graph, 0.85, 400);
  for (const run of await runEverywhere(program, graph, { params: { tolerance: 1e-12 } })) {
    const error = maxAbsDifference(run.vertex.rank, expected);
    assert.ok(error < 1e-9, `${run.label}: max error ${error}`);
  }
});

test('a looser tolerance does less work and stays within its bound', async () => {
  const graph = rmat(8, 4, 3);
  const expected = pagerankReference(graph, 0.85, 400);
  const [tight] = await runEverywhere(program, graph, { params: { tolerance: 1e-12 }, inlineOnly: true });
  const [loose] = await runEverywhere(program, graph, { params: { tolerance: 1e-6 }, inlineOnly: true });
  assert.ok(loose.iterations <= tight.iterations);
  let l1 = 0;
  for (let v = 0; v < graph.numVertices; v++) l1 += Math.abs(loose.vertex.rank[v] - expected[v]);
  // Each vertex stops within the tolerance of its update; L1 error ~ tolerance * n / (1 - d).
  assert.ok(l1 < (1e-6 * graph.numVertices) / 0.15, `L1 error ${l1}`);
});

test('random small graphs (property): fixed point of the power iteration', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, async (sample) => {
      const graph = graphOf(sample);
      const [run] = await runEverywhere(program, graph, { params: { tolerance: 1e-14 }, inlineOnly: true });
      const error = maxAbsDifference(run.vertex.rank, pagerankReference(graph, 0.85, 400));
      assert.ok(error < 1e-11, `${run.label}: ${error}`);
    }),
    { seed: 42, numRuns: 40 },
  );
});

test.run();
