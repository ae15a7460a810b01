import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { singleSourceLength } from 'graphology-shortest-path/unweighted.js';
import { graphFromPairs } from '../../core/graph/build.js';
import { UsageError } from '../../core/errors.js';
import type { VertexProgram } from '../../core/program.js';
import bfs from '../../vertex-programs/bfs.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, smallGraph, toGraphology } from './graphs.js';
import { bfsReference } from './reference.js';

const program = bfs as unknown as VertexProgram;

/** graphology's unweighted single-source lengths, -1 when unreachable. */
function graphologyLevels(graph: Parameters<typeof toGraphology>[0], source: number): Int32Array {
  const lengths = singleSourceLength(toGraphology(graph), String(source));
  return Int32Array.from({ length: graph.numVertices }, (_, v) => lengths[String(v)] ?? -1);
}

test('path and grid: levels in closed form, every engine', async () => {
  const n = 9;
  const path = graphFromPairs(Array.from({ length: n - 1 }, (_, v) => [v, v + 1] as [number, number]), { undirected: true });
  for (const run of await runEverywhere(program, path, { params: { source: 3 } })) {
    assert.equal([...run.vertex.level], Array.from({ length: n }, (_, v) => Math.abs(v - 3)), run.label);
  }
  // A 6 x 5 grid: level = Manhattan distance from the corner (0, 0).
  const w = 6;
  const h = 5;
  const edges: Array<[number, number]> = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x + 1 < w) edges.push([y * w + x, y * w + x + 1]);
      if (y + 1 < h) edges.push([y * w + x, (y + 1) * w + x]);
    }
  }
  const grid = graphFromPairs(edges, { undirected: true });
  const [run] = await runEverywhere(program, grid, { inlineOnly: true });
  assert.equal([...run.vertex.level], Array.from({ length: w * h }, (_, v) => (v % w) + Math.floor(v / w)));
  assert.is(run.aggregates.depth, w - 1 + h - 1);
});

test('directed R-MAT: = queue BFS on every engine, unreachable -1', async () => {
  const graph = rmat(9, 2, 42);
  let source = 0;
  while (graph.outDegree(source) === 0) source++;
  const expected = bfsReference(graph, source);
  assert.ok(expected.includes(-1), 'some vertices should be unreachable');
  for (const run of await runEverywhere(program, graph, { params: { source } })) {
    assert.is(firstDifference(run.vertex.level, expected), null, run.label);
  }
});

test('random small graphs (property): = graphology singleSourceLength', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), async (sample, undirected) => {
      const graph = graphOf(sample, { undirected });
      const [run] = await runEverywhere(program, graph, { inlineOnly: true });
      assert.is(firstDifference(run.vertex.level, graphologyLevels(graph, 0)), null);
    }),
    { seed: 42, numRuns: 60 },
  );
});

test('a source outside the graph is a UsageError', async () => {
  try {
    await runEverywhere(program, graphFromPairs([[0, 1]]), { params: { source: -1 }, inlineOnly: true });
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, UsageError);
  }
});

test.run();
