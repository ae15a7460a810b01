/**
 * What a cluster run promises about its sums and its traffic, pinned from
 * first principles (no code shared with core/cluster):
 * - a master adds the partial accumulators of its vertex in machine order
 *   (its own first, then the other machines' by ascending number), so a run's
 *   PageRank equals, bit for bit, a serial simulation that sums in that
 *   order, and differs from one that sums in another (the order matters);
 * - bytes routed are exactly what the placement implies, counted over every
 *   machine: 12 bytes per mirror with an in-edge (id, f64 partial), 13 per
 *   mirror for the new row (id, changed flag, f64 contribution), and each
 *   machine's state frame to each other one (aggregates, changed count).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startWorker, type ClusterWorker } from '../../../core/cluster/worker-server.js';
import { runCluster } from '../../../core/cluster/coordinator.js';
import { newSecret } from '../../../core/cluster/auth.js';
import { clusterPlacement } from '../../../partitioner/cluster.js';
import { buildGraph } from '../../../core/graph/build.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import type { Graph } from '../../../core/graph/graph.js';
import type { EdgePlacement } from '../../../core/cluster/placement.js';
import type { VertexProgram } from '../../../core/program.js';
import pagerank from '../../../vertex-programs/pagerank.js';
import { tempDir } from '../../helpers.js';

const security = { token: newSecret() };
const MACHINES = 3;
const SUPERSTEPS = 6;
let workers: ClusterWorker[] = [];

test.before(async () => {
  workers = await Promise.all(Array.from({ length: MACHINES }, () => startWorker('127.0.0.1:0', { security, programCache: tempDir('gasworks-programs-'), threads: 2 })));
});
test.after(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

/** PageRank as the cluster computes it, serially: each machine's partial in in-CSR order, added at the master in `order`. */
function simulate(graph: Graph, part: EdgePlacement, order: (master: number) => number[]): Float64Array {
  const n = graph.numVertices;
  const d = 0.85;
  const outDegree = (v: number): number => graph.outOffsets[v + 1] - graph.outOffsets[v];
  const rank = new Float64Array(n).fill(1 / n);
  const contribution = Float64Array.from(rank, (r, v) => (outDegree(v) === 0 ? 0 : r * (1 / outDegree(v))));
  const partial = new Float64Array(MACHINES);
  const has = new Uint8Array(MACHINES);
  for (let step = 0; step < SUPERSTEPS; step++) {
    const next = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      partial.fill(0);
      has.fill(0);
      for (let q = graph.inOffsets[v]; q < graph.inOffsets[v + 1]; q++) {
        const m = part.machineOf[graph.inEdgeIds[q]];
        partial[m] += contribution[graph.inSources[q]];
        has[m] = 1;
      }
      const master = part.masters[v];
      let acc = partial[master];
      for (const m of order(master)) if (m !== master && has[m]) acc += partial[m];
      next[v] = (1 - d) / n + d * acc;
    }
    for (let v = 0; v < n; v++) {
      rank[v] = next[v];
      contribution[v] = next[v] * (outDegree(v) === 0 ? 0 : 1 / outDegree(v));
    }
  }
  return rank;
}

test('partials are added in machine order: the run equals that serial sum bit for bit, and not another order', async () => {
  const graph = buildGraph(rmatEdges({ scale: 11, edgeFactor: 10, seed: 21 }));
  const placement = clusterPlacement('hdrf');
  const part = placement.place(graph, MACHINES, 1);
  const result = await runCluster(pagerank as unknown as VertexProgram, graph, { workers: workers.map((w) => w.address), security, placement, maxIterations: SUPERSTEPS });
  const machineOrder = simulate(graph, part, () => [0, 1, 2]);
  const got = result.vertex.rank as Float64Array;
  for (let v = 0; v < graph.numVertices; v++) if (!Object.is(got[v], machineOrder[v])) assert.unreachable(`vertex ${v}: ${got[v]} vs ${machineOrder[v]} summed in machine order`);
  // The order shows: summed the other way round, some vertex's rank differs in its last bits.
  const reversed = simulate(graph, part, () => [2, 1, 0]);
  let differ = 0;
  for (let v = 0; v < graph.numVertices; v++) if (!Object.is(reversed[v], machineOrder[v])) differ++;
  assert.ok(differ > 0, 'no vertex tells the orders apart: the graph is too small to pin the order');
});

test('bytes routed are what the placement implies, over every machine', async () => {
  const graph = buildGraph(rmatEdges({ scale: 10, edgeFactor: 8, seed: 5 }));
  const placement = clusterPlacement('hdrf');
  const part = placement.place(graph, MACHINES, 1);
  const result = await runCluster(pagerank as unknown as VertexProgram, graph, { workers: workers.map((w) => w.address), security, placement, maxIterations: SUPERSTEPS });
  let perSuperstep = 0;
  const senders = new Uint8Array(MACHINES);
  for (let v = 0; v < graph.numVertices; v++) {
    senders.fill(0);
    for (let q = graph.inOffsets[v]; q < graph.inOffsets[v + 1]; q++) senders[part.machineOf[graph.inEdgeIds[q]]] = 1;
    for (let m = 0; m < MACHINES; m++) {
      if (m === part.masters[v]) continue;
      if (senders[m]) perSuperstep += 4 + 8;
      // A mirror: the machine holds an edge of v (either end).
      if ((part.replicas[v * part.words + (m >>> 5)] & (1 << (m & 31))) !== 0) perSuperstep += 4 + 1 + 8;
    }
  }
  // State frames, each machine to each other: PageRank's two aggregates and the changed count, 8 bytes each (no signals).
  perSuperstep += MACHINES * (MACHINES - 1) * (2 * 8 + 8);
  assert.is(result.iterations, SUPERSTEPS);
  assert.is(result.bytesRouted, SUPERSTEPS * perSuperstep);
});

test.run();
