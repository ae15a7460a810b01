/**
 * The partitioners as cluster placements (partitioner/cluster.ts): a
 * placement that places a stream (random, greedy, HDRF) gives, edge by edge
 * over the graph's own edge stream (CSR order, directed), the machines its
 * whole-graph placement gives; with the ingress's counting on top, the same
 * replica sets and masters. Offline ones (NE) place no stream.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterPlacement } from '../../partitioner/cluster.js';
import { streamToMachines, type EdgeSource } from '../../core/cluster/ingress.js';
import { buildGraph } from '../../core/graph/build.js';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import type { Graph } from '../../core/graph/graph.js';

/** The graph's CSR edges as a stream, in CSR order. */
function csrSource(graph: Graph): EdgeSource {
  return {
    kind: 'gasworks.edge-source',
    name: 'csr',
    numVertices: graph.numVertices,
    numEdges: graph.numEdges,
    weighted: false,
    open() {
      let v = 0;
      let e = 0;
      return {
        next(src, dst, _weight, at, count) {
          let got = 0;
          while (got < count && e < graph.numEdges) {
            while (graph.outOffsets[v + 1] <= e) v++;
            src[at + got] = v;
            dst[at + got] = graph.outTargets[e];
            e++;
            got++;
          }
          return got;
        },
      };
    },
  };
}

test('random, greedy and HDRF place a stream as they place the graph', async () => {
  const graph = buildGraph(rmatEdges({ scale: 10, edgeFactor: 8, seed: 6 }));
  for (const name of ['random', 'greedy', 'hdrf']) {
    for (const machines of [2, 5]) {
      const placement = clusterPlacement(name);
      const whole = placement.place(graph, machines, 3);
      const placer = placement.stream!(graph.numVertices, graph.numEdges, machines, 3);
      // Edge by edge, in odd-sized pieces (the scan carries its state across them).
      const out = new Uint16Array(graph.numEdges);
      const src = new Uint32Array(graph.numEdges);
      const dst = new Uint32Array(graph.numEdges);
      for (let v = 0; v < graph.numVertices; v++) for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) [src[e], dst[e]] = [v, graph.outTargets[e]];
      for (let at = 0; at < graph.numEdges; at += 777) {
        const count = Math.min(777, graph.numEdges - at);
        const piece = new Uint16Array(count);
        placer.assign(src.subarray(at, at + count), dst.subarray(at, at + count), count, piece);
        out.set(piece, at);
      }
      assert.equal(Array.from(out), Array.from(whole.machineOf), `${name}, ${machines} machines: machines of the edges`);
      const summary = await streamToMachines(csrSource(graph), placement.stream!(graph.numVertices, graph.numEdges, machines, 3), async () => undefined, { machines, seed: 3 });
      assert.equal(Array.from(summary.replicas), Array.from(whole.replicas), `${name}: replica sets`);
      assert.equal(Array.from(summary.masters), Array.from(whole.masters), `${name}: masters`);
      assert.ok(Math.abs(summary.replicationFactor - whole.replicationFactor) < 1e-12, `${name}: replication factor`);
    }
  }
  assert.is(clusterPlacement('ne').stream, undefined);
});

test.run();
