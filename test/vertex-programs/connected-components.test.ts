import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { connectedComponents as graphologyComponents } from 'graphology-components';
import type { VertexProgram } from '../../core/program.js';
import connectedComponents from '../../vertex-programs/connected-components.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, sharedEdgeList, smallGraph, toGraphology } from './graphs.js';
import { componentsReference } from './reference.js';
import { needsData } from '../helpers.js';

const program = connectedComponents as unknown as VertexProgram;

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

test('sparse directed R-MAT (many components): weak components, the same on every engine', async () => {
  const graph = rmat(9, 1, 42);
  const expected = componentsReference(graph);
  const runs = await runEverywhere(program, graph);
  for (const run of runs) {
    assert.is(firstDifference(run.vertex.component, expected), null, run.label);
    let roots = 0;
    for (let v = 0; v < graph.numVertices; v++) if (expected[v] === v) roots++;
    assert.is(run.aggregates.components, roots, run.label);
  }
  assert.ok(runs[0].aggregates.components > 10, 'the test graph should have many components');
});

test('random small graphs (property): = graphology connectedComponents on the undirected graph', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, async (sample) => {
      const graph = graphOf(sample, { undirected: true });
      const [run] = await runEverywhere(program, graph, { inlineOnly: true });
      assert.is(firstDifference(run.vertex.component, graphologyLabels(graph)), null);
    }),
    { seed: 42, numRuns: 60 },
  );
});

needsData(test, 'snap/ego-Facebook.facebook_combined.txt.gz')('ego-Facebook: one component of 4,039 vertices, as graphology finds', async () => {
  const graph = sharedEdgeList('snap/ego-Facebook.facebook_combined.txt.gz', 'connected-components ego-Facebook');
  if (graph === null) return;
  assert.is(graph.numVertices, 4039);
  const [run] = await runEverywhere(program, graph, { inlineOnly: true, skipAsync: true }).then((r) =>
    r.length > 0 ? r : runEverywhere(program, graph, { inlineOnly: true }),
  );
  assert.is(run.aggregates.components, 1);
  assert.is(firstDifference(run.vertex.component, graphologyLabels(graph)), null);
});

test.run();
