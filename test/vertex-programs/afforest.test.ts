import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { connectedComponents as graphologyComponents } from 'graphology-components';
import type { VertexProgram } from '../../core/program.js';
import afforest from '../../vertex-programs/afforest.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, smallGraph, toGraphology } from './graphs.js';
import { componentsReference } from './reference.js';

const program = afforest as unknown as VertexProgram;

/** graphology's components, as "smallest member" labels by dense id. */
function graphologyLabels(graph: Parameters<typeof toGraphology>[0]): Float64Array {
  const labels = new Float64Array(graph.numVertices);
  for (const members of graphologyComponents(toGraphology(graph))) {
    const ids = members.map(Number);
    const smallest = Math.min(...ids);
    for (const v of ids) labels[v] = smallest;
  }
  return labels;
}

for (const [name, graph] of [
  ['sparse directed R-MAT (many components, weak)', rmat(10, 1, 42)],
  ['undirected R-MAT with a giant component', rmat(12, 8, 3, { undirected: true })],
] as const) {
  test(`${name}: = serial union-find on every engine`, async () => {
    const expected = componentsReference(graph);
    let roots = 0;
    for (let v = 0; v < graph.numVertices; v++) if (expected[v] === v) roots++;
    for (const run of await runEverywhere(program, graph)) {
      assert.is(firstDifference(run.vertex.component, expected), null, run.label);
      assert.is(run.aggregates.components, roots, run.label);
    }
  });
}

test('random small graphs (property): = graphology connectedComponents, directed and undirected', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), async (sample, undirected) => {
      const graph = graphOf(sample, { undirected });
      const expected = graphologyLabels(graphOf(sample, { undirected: true }));
      for (const run of await runEverywhere(program, graph, { inlineOnly: true })) {
        assert.is(firstDifference(run.vertex.component, expected), null, run.label);
      }
    }),
    { seed: 42, numRuns: 60 },
  );
});

test.run();
