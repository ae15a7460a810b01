/**
 * What a program's `create` sees of the whole graph (ProgramContext's
 * WholeGraphView), against a recount from the edge list itself: vertex and
 * edge counts, every vertex's out- and in-degree, the weight sum, and no
 * id table while columns use the whole graph's ids; on directed and
 * undirected, weighted and unweighted random graphs, in the main thread and
 * in worker threads (each thread builds its own view). Also the bundled
 * programs' helper that finds a source among held ids.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { VertexProgram } from '../../../core/program.js';
import { createInThread } from '../../../core/engine/run-setup.js';
import { resolveProgram } from '../../../core/program.js';
import { runProgram } from '../../../core/engine/index.js';
import { heldIdOf } from '../../../vertex-programs/setup.js';
import { recordView } from './view-program.js';

test('the view counts what the edge list says', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.array(fc.tuple(fc.nat(29), fc.nat(29), fc.integer({ min: 1, max: 9 })), { maxLength: 80 }),
      fc.boolean(),
      fc.boolean(),
      (n, raw, undirected, weighted) => {
        const pairs = raw.filter(([a, b]) => a < n && b < n);
        const list = new EdgeList({ weighted });
        for (let v = 0; v < n; v++) list.addVertex(v);
        for (const [a, b, w] of pairs) list.add(a, b, w);
        const graph = buildGraph(list, { undirected });
        const program = resolveProgram(recordView as unknown as VertexProgram, {});
        const { ctx } = createInThread(program, graph, {} as never, {} as never, {}, 0, 1);
        // Stored edges: each pair once, or both ways when undirected (a self-loop once: it is its own reverse).
        const stored = pairs.flatMap(([a, b, w]) => (undirected && a !== b ? [[a, b, w], [b, a, w]] : [[a, b, w]]));
        assert.is(ctx.numVertices, graph.numVertices);
        assert.is(ctx.numEdges, stored.length);
        assert.is(ctx.globalIds, null);
        const ids = Array.from({ length: graph.numVertices }, (_, v) => graph.fileId(v));
        const out = ids.map((id) => stored.filter(([a]) => a === id).length);
        const inn = ids.map((id) => stored.filter(([, b]) => b === id).length);
        assert.equal(Array.from(ctx.outDegrees), out);
        assert.equal(Array.from(ctx.inDegrees), inn);
        const expectedSum = weighted ? stored.reduce((s, [, , w]) => s + w, 0) : 0;
        assert.ok(Math.abs(ctx.weightSum - expectedSum) < 1e-9, `weight sum ${ctx.weightSum} vs ${expectedSum}`);
      },
    ),
    { numRuns: 150, seed: 21 },
  );
});

test('worker threads build the same view (a program records it in its columns)', async () => {
  const list = new EdgeList({ weighted: true });
  for (let v = 0; v < 40; v++) list.add(v, (v * 7 + 3) % 40, v + 1);
  for (let v = 0; v < 40; v += 3) list.add(v, (v + 1) % 40, 2);
  const graph = buildGraph(list);
  const one = await runProgram(recordView, graph, { workers: 1, maxIterations: 1 });
  const two = await runProgram(recordView, graph, { workers: 2, maxIterations: 1 });
  for (const result of [one, two]) {
    for (let v = 0; v < graph.numVertices; v++) {
      assert.is(result.vertex.outDegree[v], graph.outOffsets[v + 1] - graph.outOffsets[v]);
      assert.is(result.vertex.inDegree[v], graph.inOffsets[v + 1] - graph.inOffsets[v]);
      assert.is(result.vertex.weightSum[v], 40 * 41 / 2 + 2 * 14);
    }
  }
});

test('heldIdOf: a whole-graph id among the held ones (ascending), -1 when not held', () => {
  assert.is(heldIdOf(5, null), 5);
  const held = Uint32Array.of(2, 5, 9, 40);
  assert.is(heldIdOf(2, held), 0);
  assert.is(heldIdOf(9, held), 2);
  assert.is(heldIdOf(40, held), 3);
  assert.is(heldIdOf(3, held), -1);
  assert.is(heldIdOf(41, held), -1);
});

test.run();
