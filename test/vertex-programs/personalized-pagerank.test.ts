import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { graphFromPairs } from '../../core/graph/build.js';
import { UsageError } from '../../core/errors.js';
import type { VertexProgram } from '../../core/program.js';
import personalizedPagerank from '../../vertex-programs/personalized-pagerank.js';
import { bfsReference, personalizedPagerankReference } from './reference.js';
import { maxAbsDifference, runEverywhere } from './engines.js';
import { rmat } from './graphs.js';

const program = personalizedPagerank as unknown as VertexProgram;

test('R-MAT: every engine = power iteration from the source; unreachable vertices exactly 0', async () => {
  const graph = rmat(8, 3, 42);
  let source = 0;
  while (graph.outDegree(source) === 0) source++;
  const expected = personalizedPagerankReference(graph, source, 0.85, 400);
  const reachable = bfsReference(graph, source);
  // Delta caching never posts changes at or below the tolerance, so a cached sum may drift
  // by up to tolerance per in-edge, amplified by 1 / (1 - d) through the iteration.
  let maxInDegree = 0;
  for (let v = 0; v < graph.numVertices; v++) maxInDegree = Math.max(maxInDegree, graph.inDegree(v));
  const bound = Math.max(1e-10, (1e-12 * maxInDegree) / (1 - 0.85));
  for (const run of await runEverywhere(program, graph, { params: { source } })) {
    const error = maxAbsDifference(run.vertex.rank, expected);
    assert.ok(error < bound, `${run.label}: ${error} (bound ${bound})`);
    for (let v = 0; v < graph.numVertices; v++) {
      if (reachable[v] < 0) assert.is(run.vertex.rank[v], 0, `${run.label}: unreachable vertex ${v}`);
    }
  }
});

test('path 0 -> 1 -> 2: closed form (1 - d) d^k, the rest of the walk lost at the dangling end', async () => {
  const graph = graphFromPairs([[0, 1], [1, 2]]);
  const d = 0.85;
  const [run] = await runEverywhere(program, graph, { params: { source: 0 }, inlineOnly: true });
  const expected = [1 - d, (1 - d) * d, (1 - d) * d * d];
  assert.ok(maxAbsDifference(run.vertex.rank, expected) < 1e-15);
});

test('a source outside the graph is a UsageError', async () => {
  const graph = graphFromPairs([[0, 1]]);
  try {
    await runEverywhere(program, graph, { params: { source: 5 }, inlineOnly: true });
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /source must be a dense vertex id in 0\.\.1; got 5/);
  }
});

test.run();
