/**
 * Direction-optimizing supersteps (VertexFunctions.pull): the same answers as
 * a serial queue BFS, pushing only or choosing push and pull per superstep, on
 * 1 and 2 threads, in both edge directions; a pull that the program's shape
 * cannot support is refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph } from '../../../core/graph/build.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import type { Graph } from '../../../core/graph/graph.js';
import { UsageError } from '../../../core/errors.js';
import { closeWorkers } from '../../../core/engine/index.js';
import { runSync } from '../../../core/engine/sync.js';
import type { VertexProgram } from '../../../core/program.js';
import bfs from '../../../vertex-programs/bfs.js';
import { badPull, hopsTo } from './direction-programs.js';

/** Serial FIFO-queue BFS levels over out-edges (or in-edges), -1 when unreachable. */
function queueLevels(graph: Graph, source: number, reverse: boolean): Int32Array {
  const off = reverse ? graph.inOffsets : graph.outOffsets;
  const nbr = reverse ? graph.inSources : graph.outTargets;
  const level = new Int32Array(graph.numVertices).fill(-1);
  const queue = new Uint32Array(graph.numVertices);
  let tail = 0;
  level[source] = 0;
  queue[tail++] = source;
  for (let head = 0; head < tail; head++) {
    const v = queue[head];
    for (let e = off[v]; e < off[v + 1]; e++) {
      const u = nbr[e];
      if (level[u] < 0) {
        level[u] = level[v] + 1;
        queue[tail++] = u;
      }
    }
  }
  return level;
}

const graphs: Array<[string, Graph]> = [
  ['R-MAT 13 undirected', buildGraph(rmatEdges({ scale: 13, edgeFactor: 16, seed: 7 }), { undirected: true, duplicates: 'drop', selfLoops: 'drop' })],
  ['R-MAT 13 directed', buildGraph(rmatEdges({ scale: 13, edgeFactor: 16, seed: 8 }))],
];

for (const [name, graph] of graphs) {
  test(`${name}: bfs levels = queue BFS, push and auto, 1 and 2 threads; auto pulls`, async () => {
    let source = 0;
    while (graph.outDegree(source) < 4) source++;
    const expected = queueLevels(graph, source, false);
    const edges: Record<string, number> = {};
    for (const threads of [1, 2]) {
      for (const direction of ['push', 'auto'] as const) {
        const run = await runSync(bfs as unknown as VertexProgram, graph, { threads, direction, params: { source } });
        assert.equal([...(run.vertex.level as Int32Array)], [...expected], `${direction} ${threads} threads`);
        edges[direction] = run.edgesTraversed;
      }
    }
    // A pull visits the unreached vertices' in-edges up to their first reached one, far fewer than pushing.
    assert.ok(edges.auto < edges.push / 2, `auto visited ${edges.auto} edges, push ${edges.push}`);
  });

  test(`${name}: the mirror image (gather out, scatter in) = reverse queue BFS`, async () => {
    let target = 0;
    while (graph.inDegree(target) < 4) target++;
    const expected = queueLevels(graph, target, true);
    for (const threads of [1, 2]) {
      const run = await runSync(hopsTo as unknown as VertexProgram, graph, { threads, params: { target } });
      assert.equal([...(run.vertex.hops as Int32Array)], [...expected], `${threads} threads`);
    }
  });
}

test('pull on a program whose scatter is not the reverse of its gather is a UsageError', async () => {
  try {
    await runSync(badPull as unknown as VertexProgram, graphs[0][1], { threads: 1 });
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /reverse of gather/);
  }
});

test.after(async () => {
  await closeWorkers();
});

test.run();
