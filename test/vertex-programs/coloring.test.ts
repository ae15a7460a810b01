import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { Graph } from '../../core/graph/graph.js';
import { buildGraph } from '../../core/graph/build.js';
import { grid2d } from '../../core/graph/generators/grid.js';
import { closeWorkers, runProgram } from '../../core/engine/index.js';
import type { VertexProgram } from '../../core/program.js';
import coloring from '../../vertex-programs/coloring.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, smallGraph } from './graphs.js';
import { greedyColoringReference, neighbourSets } from './reference.js';

const program = coloring as unknown as VertexProgram;

/** An edge whose two ends share a colour, or null for a proper colouring. */
function conflict(graph: Graph, color: ArrayLike<number>): string | null {
  const sets = neighbourSets(graph);
  for (let v = 0; v < graph.numVertices; v++) for (const u of sets[v]) if (color[u] === color[v]) return `${v} - ${u} both ${color[v]}`;
  return null;
}

test('directed R-MAT: proper, = sequential greedy in id order on every engine, <= max degree + 1 colours', async () => {
  const graph = rmat(8, 6, 42);
  const expected = greedyColoringReference(graph);
  const maxDegree = Math.max(...neighbourSets(graph).map((s) => s.size));
  for (const run of await runEverywhere(program, graph)) {
    assert.is(conflict(graph, run.vertex.color), null, run.label);
    assert.is(firstDifference(run.vertex.color, expected), null, run.label);
    assert.ok(run.aggregates.colors <= maxDegree + 1, run.label);
  }
});

test('2 threads, 60 runs on a grid: every run ends at the sequential greedy colouring', async () => {
  // Regression: a per-vertex stamp let a vertex's second apply see marks left by its first, and
  // about one 2-thread run in fifteen ended with a colour its lower neighbours no longer used.
  const graph = buildGraph(grid2d({ rows: 24, cols: 31 }), { undirected: true });
  const expected = greedyColoringReference(graph);
  for (let run = 0; run < 60; run++) {
    for (const frontier of ['dense', 'sparse'] as const) {
      const result = await runProgram(program, graph, { workers: 2, frontier });
      assert.is(firstDifference(result.vertex.color, expected), null, `run ${run}, ${frontier}`);
    }
  }
  await closeWorkers();
});

test('random small graphs (property): proper and = sequential greedy', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), async (sample, undirected) => {
      const graph = graphOf(sample, { undirected });
      const [run] = await runEverywhere(program, graph, { inlineOnly: true });
      assert.is(conflict(graph, run.vertex.color), null);
      assert.is(firstDifference(run.vertex.color, greedyColoringReference(graph)), null);
    }),
    { seed: 42, numRuns: 60 },
  );
});

test.run();
