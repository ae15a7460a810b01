import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { graphFromPairs } from '../../core/graph/build.js';
import type { VertexProgram } from '../../core/program.js';
import { totalTriangles } from '../../vertex-programs/triangle-count.js';
import trianglesOrdered from '../../vertex-programs/triangles-ordered.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, smallGraph } from './graphs.js';
import { trianglesReference } from './reference.js';

const program = trianglesOrdered as unknown as VertexProgram;

test('complete graph K_n: C(n-1, 2) per vertex, C(n, 3) in all, every engine', async () => {
  const n = 10;
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) pairs.push([a, b]);
  const graph = graphFromPairs(pairs, { undirected: true });
  for (const run of await runEverywhere(program, graph)) {
    assert.equal([...run.vertex.triangles], new Array(n).fill(((n - 1) * (n - 2)) / 2), run.label);
    assert.is(totalTriangles(run.aggregates.corners), (n * (n - 1) * (n - 2)) / 6, run.label);
  }
});

for (const [name, graph] of [
  ['directed R-MAT with duplicates and self-loops (the undirected view)', rmat(8, 6, 42)],
  ['undirected R-MAT 11, skewed degrees', rmat(11, 16, 5, { undirected: true, duplicates: 'drop', selfLoops: 'drop' })],
] as const) {
  test(`${name}: = brute force per vertex on every engine`, async () => {
    const expected = trianglesReference(graph);
    for (const run of await runEverywhere(program, graph)) {
      assert.is(firstDifference(run.vertex.triangles, expected), null, run.label);
    }
  });
}

test('random small graphs (property), directed or undirected: = brute force', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), async (sample, undirected) => {
      const graph = graphOf(sample, { undirected });
      const [run] = await runEverywhere(program, graph, { inlineOnly: true });
      assert.is(firstDifference(run.vertex.triangles, trianglesReference(graph)), null);
    }),
    { seed: 42, numRuns: 60 },
  );
});

test.run();
