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

test.run();
