/**
 * A machine's share (core/cluster/share.ts) against the placement, read
 * edge by edge: the held vertices are exactly those the machine masters or
 * has an edge of; every local edge maps back, through the share's global
 * vertex and edge ids, to the one whole-graph edge of the machine it stands
 * for, in both CSRs; the degrees, masters and replica sets are the whole
 * graph's. Random graphs and placements (fast-check), and R-MAT under HDRF.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { machineShare } from '../../../core/cluster/share.js';
import { randomPlacement } from '../../../core/cluster/placement.js';
import { clusterPlacement } from '../../../partitioner/cluster.js';
import { decodeGraph } from '../../../core/graph/binary.js';
import type { Graph } from '../../../core/graph/graph.js';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { EdgePlacement } from '../../../core/cluster/placement.js';
import { rmat } from '../../vertex-programs/graphs.js';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function checkShare(graph: Graph, part: EdgePlacement, m: number, everyVertex: boolean): number {
  const n = graph.numVertices;
  const outDegrees = Uint32Array.from({ length: n }, (_, v) => graph.outOffsets[v + 1] - graph.outOffsets[v]);
  const inDegrees = Uint32Array.from({ length: n }, (_, v) => graph.inOffsets[v + 1] - graph.inOffsets[v]);
  const share = machineShare(graph, part, m, { everyVertex, edgeIds: true, view: { outDegrees, inDegrees } });
  const local = decodeGraph(concat(share.parts), 'share');

  // Held: mastered here, or an end of an edge placed here (from the edges themselves, not the replica bits).
  const expected = new Set<number>();
  for (let v = 0; v < n; v++) {
    if (everyVertex || part.masters[v] === m) expected.add(v);
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      if (part.machineOf[e] === m) {
        expected.add(v);
        expected.add(graph.outTargets[e]);
      }
    }
  }
  const held = [...expected].sort((a, b) => a - b);
  assert.equal(Array.from(share.globalVertexIds), held, `machine ${m}: held vertices`);
  assert.is(local.numVertices, held.length);

  // Every out-edge of the share is one edge of m, with its ends and weight.
  const own: number[] = [];
  for (let e = 0; e < graph.numEdges; e++) if (part.machineOf[e] === m) own.push(e);
  assert.equal(Array.from(share.globalEdgeIds), own, `machine ${m}: edges`);
  const g = share.globalVertexIds;
  for (let l = 0; l < local.numVertices; l++) {
    for (let q = local.outOffsets[l]; q < local.outOffsets[l + 1]; q++) {
      const e = share.globalEdgeIds[q];
      assert.ok(graph.outOffsets[g[l]] <= e && e < graph.outOffsets[g[l] + 1], `local edge ${q} leaves ${g[l]}`);
      assert.is(g[local.outTargets[q]], graph.outTargets[e]);
      if (graph.weights !== null) assert.is(local.weights![q], graph.weights[e]);
    }
    // In-edges name the same edges, by local edge id.
    for (let q = local.inOffsets[l]; q < local.inOffsets[l + 1]; q++) {
      const e = share.globalEdgeIds[local.inEdgeIds[q]];
      assert.is(graph.outTargets[e], g[l]);
      assert.ok(graph.outOffsets[g[local.inSources[q]]] <= e && e < graph.outOffsets[g[local.inSources[q]] + 1]);
    }
    assert.is(share.masters[l], part.masters[g[l]]);
    assert.is(share.outDegrees[l], outDegrees[g[l]]);
    assert.is(share.inDegrees[l], inDegrees[g[l]]);
    for (let w = 0; w < part.words; w++) assert.is(share.replicas[l * part.words + w], part.replicas[g[l] * part.words + w]);
    assert.is(local.fileId(l), graph.fileId(g[l]));
  }
  assert.is(local.inOffsets[local.numVertices], own.length);
  return held.length;
}

test('random graphs and placements: a share holds exactly its vertices and edges', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.array(fc.tuple(fc.nat(29), fc.nat(29), fc.integer({ min: 1, max: 9 })), { maxLength: 80 }),
      fc.integer({ min: 1, max: 5 }),
      fc.nat(1000),
      fc.boolean(),
      (n, raw, machines, seed, everyVertex) => {
        const edges = raw.filter(([a, b]) => a < n && b < n);
        const list = new EdgeList({ mapIds: false, weighted: true });
        list.setNumVertices(n);
        for (const [a, b, w] of edges) list.add(a, b, w);
        const graph = buildGraph(list);
        const part = randomPlacement.place(graph, machines, seed);
        for (let m = 0; m < machines; m++) checkShare(graph, part, m, everyVertex);
      },
    ),
    { seed: 11, numRuns: 150 },
  );
});

test('R-MAT under HDRF: each of 4 machines holds a part of the vertices, all of them together', () => {
  const graph = rmat(10, 8, 3);
  const part = clusterPlacement('hdrf').place(graph, 4, 1);
  let total = 0;
  for (let m = 0; m < 4; m++) {
    const held = checkShare(graph, part, m, false);
    assert.ok(held < graph.numVertices, `machine ${m} holds ${held} of ${graph.numVertices}`);
    total += held;
  }
  // Held copies: one per replica (the replication factor counts them over the vertices with an edge), plus a master alone for a vertex with no edge.
  let present = 0;
  for (let v = 0; v < graph.numVertices; v++) if (graph.outOffsets[v + 1] > graph.outOffsets[v] || graph.inOffsets[v + 1] > graph.inOffsets[v]) present++;
  assert.is(total, Math.round(present * part.replicationFactor) + (graph.numVertices - present));
});

test.run();
