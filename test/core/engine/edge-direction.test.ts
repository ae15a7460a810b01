/**
 * ctx.isOutEdge: in a gather over 'all' edges, telling a vertex's out-edges
 * from its in-edges. Counting each kind in a gather must give every vertex's
 * out- and in-degree as counted directly from the edge list (self-loops and
 * repeated edges included; a self-loop is met once as each, and is an out-edge).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers, runProgram } from '../../../core/engine/index.js';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import { directions } from './direction-program.js';

test('isOutEdge tells out- from in-edges in an all gather (sync and async, 1 and 2 workers)', async () => {
  const pairs: Array<[number, number]> = [];
  let seed = 7;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 40;
  for (let i = 0; i < 300; i++) pairs.push([next(), next()]);
  pairs.push([3, 3], [5, 6], [5, 6]);
  const list = new EdgeList({ mapIds: false });
  list.setNumVertices(40);
  for (const [a, b] of pairs) list.add(a, b);
  const graph = buildGraph(list);
  const outs = new Array<number>(40).fill(0);
  const ins = new Array<number>(40).fill(0);
  for (const [a, b] of pairs) {
    outs[a]++;
    // A self-loop is met twice in an 'all' gather (as v's out-edge and as its in-edge), and both times it is an out-edge.
    if (a === b) outs[a]++;
    else ins[b]++;
  }
  for (const engine of ['sync', 'async'] as const) {
    for (const workers of [1, 2]) {
      const r = await runProgram(directions, graph, { engine, workers, maxIterations: 1 });
      assert.equal(Array.from(r.vertex.outs as Float64Array), outs, `${engine} ${workers}: outs`);
      assert.equal(Array.from(r.vertex.ins as Float64Array), ins, `${engine} ${workers}: ins`);
    }
  }
  await closeWorkers();
});

test.run();
