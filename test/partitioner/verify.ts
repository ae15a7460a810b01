/**
 * Brute-force verifier for partitions (a helper, not a test file): recounts
 * every figure of a Partition with plain Sets and arrays, independently of
 * partitioner/metrics.ts, and checks the invariants every partitioner must
 * keep: each edge in exactly one part in 0..k-1, replica sets equal to the
 * parts of each vertex's edges (the edge-cut adds the owner), masters among
 * the replicas.
 */
import * as assert from 'uvu/assert';
import type { EdgeStream, Partition } from '../../partitioner/types.js';

export interface BruteFigures {
  replicationFactor: number;
  edgeBalance: number;
  vertexBalance: number;
  replicaSets: Array<Set<number>>;
  cutFraction: number;
}

export function verifyPartition(stream: EdgeStream, partition: Partition): BruteFigures {
  const { k, numVertices: n } = partition;
  assert.is(partition.numEdges, stream.count, 'one part per edge');
  assert.is(partition.parts.length, stream.count, 'parts array length');
  assert.is(partition.replicas.length, n * Math.ceil(k / 32), 'replica bitset size');
  const fromEdges: Array<Set<number>> = Array.from({ length: n }, () => new Set());
  const edgesPerPart = new Array<number>(k).fill(0);
  for (let e = 0; e < stream.count; e++) {
    const p = partition.parts[e];
    assert.ok(Number.isInteger(p) && p >= 0 && p < k, `edge ${e} has part ${p}, outside 0..${k - 1}`);
    edgesPerPart[p]++;
    fromEdges[stream.src[e]].add(p);
    fromEdges[stream.dst[e]].add(p);
  }
  const words = Math.ceil(k / 32);
  const replicaSets: Array<Set<number>> = [];
  for (let v = 0; v < n; v++) {
    const set = new Set<number>();
    for (let p = 0; p < k; p++) if ((partition.replicas[v * words + Math.floor(p / 32)] >>> p % 32) & 1) set.add(p);
    replicaSets.push(set);
    const expected = new Set(fromEdges[v]);
    if (partition.kind === 'edge-cut' && expected.size > 0) expected.add(partition.masters[v]);
    assert.equal([...set].sort((a, b) => a - b), [...expected].sort((a, b) => a - b), `replica set of vertex ${v}`);
    assert.ok(partition.masters[v] < k, `master of ${v} in range`);
    if (set.size > 0) assert.ok(set.has(partition.masters[v]), `master of ${v} (${partition.masters[v]}) is one of its replicas`);
  }
  let replicas = 0;
  let present = 0;
  const verticesPerPart = new Array<number>(k).fill(0);
  for (const set of replicaSets) {
    replicas += set.size;
    if (set.size > 0) present++;
    for (const p of set) verticesPerPart[p]++;
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  let cut = 0;
  for (let e = 0; e < stream.count; e++) if (partition.masters[stream.src[e]] !== partition.masters[stream.dst[e]]) cut++;
  return {
    replicationFactor: replicas / present,
    edgeBalance: Math.max(...edgesPerPart) / mean(edgesPerPart),
    vertexBalance: Math.max(...verticesPerPart) / mean(verticesPerPart),
    replicaSets,
    cutFraction: cut / stream.count,
  };
}

/** A seeded random multigraph stream (self-loops and repeats included) with a power-law-ish skew. */
export function skewedStream(n: number, m: number, seed: number): EdgeStream {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const src = new Uint32Array(m);
  const dst = new Uint32Array(m);
  for (let e = 0; e < m; e++) {
    // Squaring a uniform draw favours low ids: a few hubs, many leaves.
    src[e] = Math.floor(next() * next() * n);
    dst[e] = Math.floor(next() * n);
  }
  return { numVertices: n, count: m, src, dst };
}
