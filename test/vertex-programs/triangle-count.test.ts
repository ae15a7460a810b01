import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { graphFromPairs } from '../../core/graph/build.js';
import type { VertexProgram } from '../../core/program.js';
import triangleCount, { totalTriangles } from '../../vertex-programs/triangle-count.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, sharedEdgeList, smallGraph } from './graphs.js';
import { trianglesReference } from './reference.js';
import { needsData } from '../helpers.js';

const program = triangleCount as unknown as VertexProgram;

test('complete graph K_n: C(n-1, 2) per vertex, C(n, 3) in all, every engine', async () => {
  const n = 9;
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) pairs.push([a, b]);
  const graph = graphFromPairs(pairs, { undirected: true });
  for (const run of await runEverywhere(program, graph)) {
    assert.ok(run.vertex.triangles.every((t) => t === ((n - 1) * (n - 2)) / 2), run.label);
    assert.is(totalTriangles(run.aggregates.corners), (n * (n - 1) * (n - 2)) / 6, run.label);
  }
});

test('directed R-MAT with duplicates and self-loops: the undirected view, = brute force on every engine', async () => {
  const graph = rmat(8, 6, 42);
  const expected = trianglesReference(graph);
  for (const run of await runEverywhere(program, graph)) {
    assert.is(firstDifference(run.vertex.triangles, expected), null, run.label);
  }
});

test('random small graphs (property), directed or undirected: = brute force', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), async (sample, undirected) => {
      const graph = graphOf(sample, { undirected });
      const [run] = await runEverywhere(program, graph, { inlineOnly: true });
      const expected = trianglesReference(graph);
      assert.is(firstDifference(run.vertex.triangles, expected), null);
      assert.is(totalTriangles(run.aggregates.corners) * 3, expected.reduce((a, b) => a + b, 0));
    }),
    { seed: 42, numRuns: 60 },
  );
});

needsData(test, 'karate/out.ucidata-zachary', 'snap/ego-Facebook.facebook_combined.txt.gz')('karate club: 45 triangles; ego-Facebook: 1,612,010 (SNAP)', async () => {
  const karate = sharedEdgeList('karate/out.ucidata-zachary', 'triangle-count karate');
  if (karate !== null) {
    const [run] = await runEverywhere(program, karate, { inlineOnly: true });
    assert.is(totalTriangles(run.aggregates.corners), 45);
    assert.is(firstDifference(run.vertex.triangles, trianglesReference(karate)), null);
  }
  const facebook = sharedEdgeList('snap/ego-Facebook.facebook_combined.txt.gz', 'triangle-count ego-Facebook');
  if (facebook !== null) {
    const [run] = await runEverywhere(program, facebook, { inlineOnly: true });
    assert.is(totalTriangles(run.aggregates.corners), 1612010);
  }
});

test.run();
