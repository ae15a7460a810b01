import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { Graph } from '../../../core/graph/graph.js';
import { degreeOrder, relabelGraph } from '../../../core/graph/reorder.js';
import { UsageError } from '../../../core/errors.js';
import { Random } from '../../../core/util/random.js';

/** A seeded random graph with sparse file ids (mapped to dense ones), weighted. */
function randomGraph(seed: number, undirected: boolean): Graph {
  const random = new Random(seed);
  const list = new EdgeList({ weighted: true });
  const ids = Array.from({ length: 40 }, (_, i) => 1000 + 7 * i + random.nextInt(5));
  for (let i = 0; i < 150; i++) {
    // A skewed pick, so that degrees differ.
    const s = ids[Math.min(random.nextInt(40), random.nextInt(40))];
    const t = ids[random.nextInt(40)];
    list.add(s, t, 1 + random.nextInt(9));
  }
  return buildGraph(list, { undirected });
}

/** Every stored arc as 'fileSrc>fileDst:weight', sorted. */
function arcsByFileId(g: Graph): string[] {
  const arcs: string[] = [];
  for (let v = 0; v < g.numVertices; v++) {
    for (let e = g.outOffsets[v]; e < g.outOffsets[v + 1]; e++) arcs.push(`${g.fileId(v)}>${g.fileId(g.outTargets[e])}:${g.weights ? g.weights[e] : 1}`);
  }
  return arcs.sort();
}

test('degreeOrder: by descending degree, ties by id (brute-force sort)', () => {
  for (const undirected of [false, true]) {
    const g = randomGraph(3, undirected);
    const degree = (v: number): number => g.outDegree(v) + (undirected ? 0 : g.inDegree(v));
    const expected = Array.from({ length: g.numVertices }, (_, v) => v).sort((a, b) => degree(b) - degree(a) || a - b);
    assert.equal([...degreeOrder(g)], expected);
  }
});

test('relabelGraph: the same arcs and weights per file id, lists ascending, denseId through the index', () => {
  for (const seed of [1, 2, 3]) {
    for (const undirected of [false, true]) {
      const g = randomGraph(seed, undirected);
      g.vertexColumns.tag = Float64Array.from({ length: g.numVertices }, (_, v) => g.fileId(v) * 10);
      const r = relabelGraph(g, degreeOrder(g));
      assert.is(r.numVertices, g.numVertices);
      assert.is(r.undirected, undirected);
      assert.equal(arcsByFileId(r), arcsByFileId(g));
      for (let v = 0; v < r.numVertices; v++) {
        const out = [...r.outNeighbors(v)];
        const inn = [...r.inNeighbors(v)];
        assert.equal(out, [...out].sort((a, b) => a - b));
        assert.equal(inn, [...inn].sort((a, b) => a - b));
        // CSC agrees with CSR: each in-edge id names an out-edge from that source to v.
        for (let i = r.inOffsets[v]; i < r.inOffsets[v + 1]; i++) {
          const e = r.inEdgeIds[i];
          assert.is(r.outTargets[e], v);
          assert.ok(e >= r.outOffsets[r.inSources[i]] && e < r.outOffsets[r.inSources[i] + 1]);
        }
        assert.is(r.denseId(r.fileId(v)), v);
        assert.is(r.vertexColumns.tag[v], r.fileId(v) * 10);
      }
      assert.is(r.denseId(999), -1);
    }
  }
});

test('relabelGraph: an order that is not a permutation is a UsageError', () => {
  const g = randomGraph(4, false);
  const order = degreeOrder(g);
  order[1] = order[0];
  assert.throws(() => relabelGraph(g, order, 'convert'), (e: Error) => e instanceof UsageError && /convert: the order must be a permutation/.test(e.message));
  assert.throws(() => relabelGraph(g, order.subarray(1)), (e: Error) => e instanceof UsageError && /must list all/.test(e.message));
});

test.run();
