import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { greedyColoring, findColoringConflict } from '../../../core/engine/coloring.js';
import { graphFromPairs } from '../../../core/graph/build.js';
import { buildGraph } from '../../../core/graph/build.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import { Random } from '../../../core/util/random.js';

function randomPairs(seed: number, n: number, m: number): Array<[number, number]> {
  const random = new Random(seed);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < m; i++) pairs.push([random.nextInt(n), random.nextInt(n)]);
  return pairs;
}

/** Independent check: every edge of the pair list (either direction) joins two colours. */
function assertProper(pairs: Array<[number, number]>, colors: Uint32Array, label: string): void {
  for (const [a, b] of pairs) {
    if (a !== b && colors[a] === colors[b]) assert.unreachable(`${label}: ${a} and ${b} both have colour ${colors[a]}`);
  }
}

test('greedy colouring is proper on seeded random directed graphs, both orders', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const n = 5 + (seed * 7) % 60;
    const pairs = randomPairs(seed, n, n * (1 + (seed % 5)));
    const graph = graphFromPairs(pairs, { numVertices: n });
    for (const order of ['degree', 'id'] as const) {
      const c = greedyColoring(graph, { order });
      assertProper(pairs, c.colors, `seed ${seed} ${order}`);
      assert.is(findColoringConflict(graph, c.colors), null);
      let maxDegree = 0;
      for (let v = 0; v < n; v++) maxDegree = Math.max(maxDegree, graph.inDegree(v) + graph.outDegree(v));
      assert.ok(c.numColors <= maxDegree + 1, `at most maxDegree + 1 colours`);
      // The classes list every vertex exactly once, under its own colour.
      const seen = new Uint8Array(n);
      for (let k = 0; k < c.numColors; k++) {
        assert.ok(c.classOffsets[k + 1] > c.classOffsets[k], `colour ${k} is used`);
        for (let i = c.classOffsets[k]; i < c.classOffsets[k + 1]; i++) {
          const v = c.classVertices[i];
          assert.is(c.colors[v], k);
          seen[v]++;
        }
      }
      assert.ok(seen.every((x) => x === 1));
    }
  }
});

test('a complete graph needs n colours, a bipartite path two, an edgeless graph one', () => {
  const k5: Array<[number, number]> = [];
  for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) k5.push([a, b]);
  assert.is(greedyColoring(graphFromPairs(k5)).numColors, 5);
  const path = graphFromPairs([[0, 1], [1, 2], [2, 3], [3, 4]]);
  assert.is(greedyColoring(path, { order: 'id' }).numColors, 2);
  assert.is(greedyColoring(graphFromPairs([], { numVertices: 4 })).numColors, 1);
});

test('self-loops are ignored; the conflict finder reports a shared colour', () => {
  const graph = graphFromPairs([[0, 0], [0, 1]]);
  const c = greedyColoring(graph);
  assert.is(c.numColors, 2);
  assert.equal(findColoringConflict(graph, [3, 3]), [0, 1]);
});

test('R-MAT scale 12: proper colouring', () => {
  const list = rmatEdges({ scale: 12, seed: 5 });
  const graph = buildGraph(list);
  const c = greedyColoring(graph);
  const pairs: Array<[number, number]> = [];
  for (let e = 0; e < list.length; e++) pairs.push([list.src[e], list.dst[e]]);
  assertProper(pairs, c.colors, 'rmat');
});

test.run();
