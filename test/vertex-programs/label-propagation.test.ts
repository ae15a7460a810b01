import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { Graph } from '../../core/graph/graph.js';
import type { VertexProgram } from '../../core/program.js';
import labelPropagation from '../../vertex-programs/label-propagation.js';
import { firstDifference, runEverywhere } from './engines.js';
import { graphOf, rmat, sharedEdgeList, smallGraph } from './graphs.js';
import { componentsReference, labelPropagationReference } from './reference.js';
import { needsData } from '../helpers.js';

const program = labelPropagation as unknown as VertexProgram;

/** A label that is not a vertex of the labelled vertex's component, or null. */
function foreignLabel(graph: Graph, label: ArrayLike<number>): string | null {
  const component = componentsReference(graph);
  for (let v = 0; v < graph.numVertices; v++) if (component[label[v]] !== component[v]) return `vertex ${v} has label ${label[v]}`;
  return null;
}

test('R-MAT: synchronous engines and asynchronous sweeps = the Jacobi reference; fifo gives a valid labelling', async () => {
  const graph = rmat(8, 3, 42);
  const maxIterations = 30;
  const expected = labelPropagationReference(graph, maxIterations);
  for (const run of await runEverywhere(program, graph, { maxIterations })) {
    assert.is(foreignLabel(graph, run.vertex.label), null, run.label);
    if (run.label.includes('fifo')) continue;
    assert.is(firstDifference(run.vertex.label, expected.labels), null, run.label);
  }
});

test('random small graphs (property): = the Jacobi reference (inline)', async () => {
  await fc.assert(
    fc.asyncProperty(smallGraph, fc.boolean(), async (sample, undirected) => {
      const graph = graphOf(sample, { undirected });
      const runs = await runEverywhere(program, graph, { maxIterations: 20, inlineOnly: true });
      const expected = labelPropagationReference(graph, 20).labels;
      for (const run of runs) {
        if (run.label.includes('fifo')) continue;
        assert.is(firstDifference(run.vertex.label, expected), null, run.label);
      }
    }),
    { seed: 42, numRuns: 40 },
  );
});

needsData(test, 'karate/out.ucidata-zachary')('karate club: = the Jacobi reference', async () => {
  const graph = sharedEdgeList('karate/out.ucidata-zachary', 'label-propagation karate');
  if (graph === null) return;
  const expected = labelPropagationReference(graph, 50);
  const runs = await runEverywhere(program, graph, { maxIterations: 50, inlineOnly: true });
  const run = runs.find((r) => !r.label.includes('fifo'))!;
  assert.is(firstDifference(run.vertex.label, expected.labels), null, run.label);
  console.log(`  karate: ${new Set(run.vertex.label).size} communities after ${run.iterations} rounds (${run.label}; the reference took ${expected.rounds})`);
});

test.run();
