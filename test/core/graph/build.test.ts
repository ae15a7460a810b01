import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { buildGraph, graphFromPairs } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import { isShared } from '../../../core/graph/shared.js';

/** Brute-force reference: adjacency as sorted arrays of [target, weight]. */
function reference(
  n: number,
  edges: Array<[number, number, number]>,
  opts: { undirected?: boolean; selfLoops?: 'keep' | 'drop'; duplicates?: 'keep' | 'drop' },
): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number, number]>> = Array.from({ length: n }, () => []);
  let order = 0;
  for (const [s, t, w] of edges) {
    if (s === t && opts.selfLoops === 'drop') continue;
    out[s].push([t, w, order++]);
    if (opts.undirected && s !== t) out[t].push([s, w, order++]);
  }
  return out.map((list) => {
    list.sort((x, y) => x[0] - y[0] || x[2] - y[2]);
    const kept = opts.duplicates === 'drop' ? list.filter((x, i) => i === 0 || list[i - 1][0] !== x[0]) : list;
    return kept.map(([t, w]) => [t, w] as [number, number]);
  });
}

test('CSR and CSC match a brute-force adjacency for every option (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.array(fc.tuple(fc.nat(11), fc.nat(11), fc.integer({ min: 1, max: 9 })), { maxLength: 60 }),
      fc.boolean(),
      fc.constantFrom('keep' as const, 'drop' as const),
      fc.constantFrom('keep' as const, 'drop' as const),
      (n, raw, undirected, selfLoops, duplicates) => {
        const edges = raw.map(([s, t, w]) => [s % n, t % n, w] as [number, number, number]);
        const g = graphFromPairs(edges, { numVertices: n, weighted: true, undirected, selfLoops, duplicates });
        const ref = reference(n, edges, { undirected, selfLoops, duplicates });
        assert.is(g.numVertices, n);
        assert.is(g.numEdges, ref.reduce((a, l) => a + l.length, 0));
        for (let v = 0; v < n; v++) {
          const got: Array<[number, number]> = [];
          for (let e = g.outOffsets[v]; e < g.outOffsets[v + 1]; e++) got.push([g.outTargets[e], g.weights![e]]);
          assert.equal(got, ref[v]);
        }
        // CSC: every in-entry points at the CSR edge it mirrors, sources ascending.
        for (let v = 0; v < n; v++) {
          let last = -1;
          for (let q = g.inOffsets[v]; q < g.inOffsets[v + 1]; q++) {
            const s = g.inSources[q];
            const e = g.inEdgeIds[q];
            assert.ok(s >= last);
            last = s;
            assert.is(g.outTargets[e], v);
            assert.ok(e >= g.outOffsets[s] && e < g.outOffsets[s + 1]);
          }
          let inDeg = 0;
          for (let u = 0; u < n; u++) for (const [t] of ref[u]) if (t === v) inDeg++;
          assert.is(g.inDegree(v), inDeg);
        }
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

test('file ids map to dense ids in increasing order', () => {
  const list = new EdgeList();
  list.add(900, 5);
  list.add(5, 70);
  list.add(70, 900);
  const g = buildGraph(list);
  assert.equal(Array.from(g.fileIds!), [5, 70, 900]);
  assert.is(g.denseId(70), 1);
  assert.is(g.denseId(71), -1);
  assert.equal(Array.from(g.outNeighbors(g.denseId(900))), [0]);
  assert.is(g.key(2), '900');
});

test('arrays live on shared memory; self-loops are counted', () => {
  const g = graphFromPairs([[0, 0], [0, 1], [1, 1], [1, 2]]);
  assert.ok(isShared(g.outTargets) && isShared(g.inSources) && isShared(g.outOffsets));
  assert.is(g.countSelfLoops(), 2);
  assert.is(g.outDegree(0), 2);
  assert.is(g.inDegree(1), 2);
});

test('R-MAT is deterministic for a seed and has the requested size', () => {
  const a = rmatEdges({ scale: 10, edgeFactor: 8, seed: 7 });
  const b = rmatEdges({ scale: 10, edgeFactor: 8, seed: 7 });
  const c = rmatEdges({ scale: 10, edgeFactor: 8, seed: 8 });
  assert.is(a.length, 8192);
  assert.equal(a.src.subarray(0, a.length), b.src.subarray(0, b.length));
  assert.not.equal(Array.from(a.dst.subarray(0, 100)), Array.from(c.dst.subarray(0, 100)));
  const g = buildGraph(a);
  assert.is(g.numVertices, 1024);
  // Power law: the largest degree is far above the mean of 8.
  let maxDeg = 0;
  for (let v = 0; v < g.numVertices; v++) maxDeg = Math.max(maxDeg, g.outDegree(v) + g.inDegree(v));
  assert.ok(maxDeg > 80, `max degree ${maxDeg}`);
});

test.run();
