import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { buildGraph, graphFromPairs } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { Graph } from '../../../core/graph/graph.js';
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

/**
 * Check every array of g against the reference adjacency: CSR lists exactly,
 * and the CSC as the reference's in-lists (sources ascending, each pointing at
 * the CSR position of the edge it mirrors).
 */
function checkGraph(g: Graph, n: number, ref: Array<Array<[number, number]>>): void {
  assert.is(g.numVertices, n);
  assert.is(g.numEdges, ref.reduce((a, l) => a + l.length, 0));
  const inLists: number[][] = Array.from({ length: n }, () => []);
  let e = 0;
  for (let v = 0; v < n; v++) {
    assert.is(g.outOffsets[v], e, `outOffsets[${v}]`);
    for (const [t, w] of ref[v]) {
      if (g.outTargets[e] !== t || g.weights![e] !== w) {
        assert.unreachable(`vertex ${v} edge ${e}: got (${g.outTargets[e]}, ${g.weights![e]}), expected (${t}, ${w})`);
      }
      inLists[t].push(v, e);
      e++;
    }
  }
  assert.is(g.outOffsets[n], e);
  let q = 0;
  for (let v = 0; v < n; v++) {
    assert.is(g.inOffsets[v], q, `inOffsets[${v}]`);
    const list = inLists[v];
    for (let i = 0; i < list.length; i += 2, q++) {
      if (g.inSources[q] !== list[i] || g.inEdgeIds[q] !== list[i + 1]) {
        assert.unreachable(`in-list of ${v} at ${q}: got (${g.inSources[q]}, ${g.inEdgeIds[q]}), expected (${list[i]}, ${list[i + 1]})`);
      }
    }
  }
  assert.is(g.inOffsets[n], q);
}

test('CSR and CSC match a brute-force adjacency for every option and bucket split (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.array(fc.tuple(fc.nat(11), fc.nat(11), fc.integer({ min: 1, max: 9 })), { maxLength: 60 }),
      fc.boolean(),
      fc.constantFrom('keep' as const, 'drop' as const),
      fc.constantFrom('keep' as const, 'drop' as const),
      fc.constantFrom(undefined, 0, 1, 2, 3, 4),
      (n, raw, undirected, selfLoops, duplicates, bucketBits) => {
        const edges = raw.map(([s, t, w]) => [s % n, t % n, w] as [number, number, number]);
        const g = graphFromPairs(edges, { numVertices: n, weighted: true, undirected, selfLoops, duplicates, bucketBits });
        checkGraph(g, n, reference(n, edges, { undirected, selfLoops, duplicates }));
      },
    ),
    { seed: 42, numRuns: 400 },
  );
});

test('unweighted builds agree with weighted ones on structure', () => {
  const list = rmatEdges({ scale: 9, edgeFactor: 4, seed: 5 });
  const weighted = new EdgeList({ mapIds: false, weighted: true });
  weighted.setNumVertices(list.numVertices);
  for (let e = 0; e < list.length; e++) weighted.add(list.src[e], list.dst[e], e % 3);
  for (const options of [{}, { undirected: true, duplicates: 'drop' as const, bucketBits: 3 }]) {
    const a = buildGraph(list, options);
    const b = buildGraph(weighted, options);
    assert.is(a.weights, null);
    for (const name of ['outOffsets', 'outTargets', 'inOffsets', 'inSources', 'inEdgeIds'] as const) {
      assert.equal(a[name], b[name], name);
    }
  }
});

test('more than 2^16 vertices (several buckets of 16-bit digits) match the reference', () => {
  // Scale 17 R-MAT without relabelling: skewed buckets, hubs, duplicates, self-loops.
  const list = rmatEdges({ scale: 17, edgeFactor: 2, seed: 3, relabel: false, maxWeight: 4 });
  const n = list.numVertices;
  const edges: Array<[number, number, number]> = [];
  for (let e = 0; e < list.length; e++) edges.push([list.src[e], list.dst[e], list.weight![e]]);
  const cases = [
    { undirected: false, selfLoops: 'keep' as const, duplicates: 'keep' as const },
    { undirected: true, selfLoops: 'drop' as const, duplicates: 'drop' as const, bucketBits: 11 },
  ];
  for (const options of cases) checkGraph(buildGraph(list, options), n, reference(n, edges, options));
  // Few edges over many vertices: the digit width (16 bits), not the edge count, sets the split.
  const sparse = rmatEdges({ scale: 17, edgeFactor: 0.02, seed: 4, maxWeight: 4 });
  const sparseEdges: Array<[number, number, number]> = [];
  for (let e = 0; e < sparse.length; e++) sparseEdges.push([sparse.src[e], sparse.dst[e], sparse.weight![e]]);
  checkGraph(buildGraph(sparse, { undirected: true }), n, reference(n, sparseEdges, { undirected: true }));
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
