/**
 * The cluster runtime against the shared-memory engine: three (or one)
 * workers on this machine, real gRPC over loopback, each program's answer
 * compared with a one-thread run of the same program on the same graph
 * (exact for components, BFS, SSSP, k-core, label propagation, colouring and
 * triangles; within rounding for PageRank and ALS, whose sums are added in
 * machine order). Also every vertex-cut partitioner as the placement, vector
 * accumulators, shared-memory programs refused, lost workers replaced, and
 * the errors a user sees.
 */
import { test as suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startWorker as startWorkerWith, type ClusterWorker } from '../../../core/cluster/worker-server.js';
import { runCluster as runClusterWith, type ClusterRunOptions } from '../../../core/cluster/coordinator.js';
import { randomPlacement } from '../../../core/cluster/placement.js';
import { clusterPlacement } from '../../../partitioner/cluster.js';
import { newSecret } from '../../../core/cluster/auth.js';
import { failing } from './programs.js';
import { tempDir, withTimeLimit } from '../../helpers.js';
import * as grpc from '@grpc/grpc-js';
import { WorkerClient } from '../../../core/cluster/client.js';
import { secretOf } from '../../../core/cluster/security.js';
import { runProgram } from '../../../core/engine/index.js';
import { defineProgram, type VertexProgram } from '../../../core/program.js';
import { UsageError } from '../../../core/errors.js';
import type { Graph } from '../../../core/graph/graph.js';
import { ratingsToGraph } from '../../../core/graph/loaders/movielens.js';
import { sharedFloat64 } from '../../../core/graph/shared.js';
import type { NumericArray } from '../../../core/graph/shared.js';
import * as programs from '../../../vertex-programs/index.js';
import als from '../../../apps/recommender/als.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { rmat } from '../../vertex-programs/graphs.js';

// Every worker and run here holds one token, as a real cluster does (a user's program ships only to authenticated workers).
const security = { token: newSecret() };
const programCache = tempDir('gasworks-programs-');
// Two threads per worker: each job's phases run on helper threads too (job-threads.ts).
// A test that fails or runs past its limit still ends its workers (after.each below), so the run goes on.
const test = withTimeLimit(suite, 120_000);
const started: ClusterWorker[] = [];
const startWorker = async (listen: string): Promise<ClusterWorker> => {
  const worker = await startWorkerWith(listen, { security, programCache, threads: 2 });
  started.push(worker);
  return worker;
};
const runCluster: typeof runClusterWith = (program, graph, options: ClusterRunOptions) => runClusterWith(program, graph, { security, ...options });

let workers: ClusterWorker[] = [];
const addresses = (): string[] => workers.map((w) => w.address);

test.before(async () => {
  workers = await Promise.all([0, 1, 2].map(() => startWorker('127.0.0.1:0')));
});

test.after(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

// Workers a test started for itself are ended after it, whether it passed, failed or timed out
// (kill on one it closed already does nothing).
test.after.each(() => {
  for (const worker of started.splice(0)) {
    if (workers.includes(worker)) continue;
    try {
      worker.kill();
    } catch {
      // already gone
    }
  }
});

function maxDifference(a: NumericArray, b: NumericArray): number {
  assert.is(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const d = Math.abs(a[i] - b[i]);
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}

/**
 * Run on one thread and on the cluster; the columns must agree. Counts and aggregates must agree too for
 * 'gas' programs; a program whose apply reads its neighbours directly ('vertices') sees them in another
 * order (in place on one thread, a superstep old from other machines), so it may take other steps to the
 * same answer. Returns the cluster's result.
 */
async function compare(program: VertexProgram, graph: Graph, options: { params?: Record<string, unknown>; maxIterations?: number; partitioner?: string; tolerance?: number; workers?: string[] } = {}) {
  const common = { params: options.params as never, maxIterations: options.maxIterations };
  const local = await runProgram(program, graph, { ...common, workers: 1 });
  const cluster = await runCluster(program, graph, { ...common, workers: options.workers ?? addresses(), placement: clusterPlacement(options.partitioner ?? 'hdrf') });
  const what = `${program.name} (${options.partitioner ?? 'hdrf'}, ${cluster.machines} machines)`;
  const exactCounts = program.dataAccess === 'gas';
  if (exactCounts) assert.is(cluster.iterations, local.iterations, `${what}: supersteps`);
  assert.is(cluster.converged, local.converged, `${what}: converged`);
  if (exactCounts) assert.is(cluster.vertexUpdates, local.vertexUpdates, `${what}: vertex updates`);
  if (exactCounts) assert.is(cluster.edgesTraversed, local.edgesTraversed, `${what}: edges traversed`);
  for (const name of Object.keys(local.vertex)) {
    const d = maxDifference(cluster.vertex[name] as NumericArray, local.vertex[name] as NumericArray);
    assert.ok(d <= (options.tolerance ?? 0), `${what}: column ${name} differs by ${d}`);
  }
  for (const name of Object.keys(local.edge)) {
    const d = maxDifference(cluster.edge[name] as NumericArray, local.edge[name] as NumericArray);
    assert.ok(d <= (options.tolerance ?? 0), `${what}: edge column ${name} differs by ${d}`);
  }
  for (const [name, value] of Object.entries(exactCounts ? local.aggregates : {})) {
    assert.ok(Math.abs(cluster.aggregates[name] - value) <= (options.tolerance ?? 0) * Math.max(1, Math.abs(value)) * 1e3, `${what}: aggregate ${name} ${cluster.aggregates[name]} vs ${value}`);
  }
  return cluster;
}

const directed = rmat(10, 8, 3, { maxWeight: 9 });
const undirected = rmat(9, 6, 4, { undirected: true });

test('exact programs give the one-process answer on three machines', async () => {
  await compare(programs.connectedComponents as VertexProgram, directed);
  await compare(programs.bfs as VertexProgram, directed, { params: { source: 1 } });
  await compare(programs.sssp as VertexProgram, directed, { params: { source: 1 } });
  await compare(programs.kcore as VertexProgram, undirected);
  await compare(programs.labelPropagation as VertexProgram, undirected, { maxIterations: 10 });
  await compare(programs.triangleCount as VertexProgram, undirected);
  await compare(programs.coloring as VertexProgram, undirected);
});

test('PageRank (fixed and delta) within rounding; every vertex-cut partitioner places the edges', async () => {
  for (const partitioner of ['random', 'grid', 'dbh', 'greedy', 'hdrf', 'ne']) {
    await compare(programs.pagerank as VertexProgram, directed, { maxIterations: 15, partitioner, tolerance: 1e-15 });
  }
  await compare(programs.pagerankDelta as VertexProgram, directed, { params: { tolerance: 1e-9 }, tolerance: 1e-12 });
  await compare(programs.personalizedPagerank as VertexProgram, undirected, { maxIterations: 12, tolerance: 1e-15 });
});

test('one machine alone; programs that read other vertices get every row; shared-memory programs are refused', async () => {
  await compare(programs.connectedComponents as VertexProgram, undirected, { workers: addresses().slice(0, 1) });
  const graph = rmat(8, 4, 9, { undirected: true });
  const prior = sharedFloat64(graph.numVertices);
  for (let v = 0; v < graph.numVertices; v++) prior[v] = 0.1 + (0.8 * ((v * 2654435761) % 1000)) / 1000;
  graph.vertexColumns.prior = prior;
  try {
    await runCluster(programs.beliefPropagation as VertexProgram, graph, { workers: addresses() });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /belief-propagation runs on one machine only/);
  }
});
test('ALS: vector accumulators combined across machines; its sse aggregate is the final factors\' error', async () => {
  const graph = ratingsToGraph(plantedRatings(60, 40, 3, 5));
  const rank = 4;
  const cluster = await compare(als as unknown as VertexProgram, graph, { params: { rank, lambda: 0.1, seed: 2 }, maxIterations: 4, tolerance: 1e-9 });
  // Brute force: the squared training error of the factors the run ended with.
  const factors = cluster.vertex.factors as Float64Array;
  const weights = graph.weights!;
  let mean = 0;
  for (let e = 0; e < graph.numEdges; e++) mean += weights[e] / graph.numEdges;
  let sse = 0;
  for (let u = 0; u < graph.numVertices; u++) {
    for (let e = graph.outOffsets[u]; e < graph.outOffsets[u + 1]; e++) {
      const i = graph.outTargets[e];
      let prediction = mean + factors[u * (rank + 1) + rank] + factors[i * (rank + 1) + rank];
      for (let k = 0; k < rank; k++) prediction += factors[u * (rank + 1) + k] * factors[i * (rank + 1) + k];
      sse += (weights[e] - prediction) ** 2;
    }
  }
  assert.ok(Math.abs(cluster.aggregates.sse - sse) < 1e-9 * sse, `sse ${cluster.aggregates.sse} vs ${sse}`);
});

test('the placements keep both directions of an undirected edge on one machine, and replica sets cover edges', () => {
  for (const placement of [clusterPlacement('hdrf'), randomPlacement]) checkPlacement(placement.place(undirected, 3, 1));
});

function checkPlacement({ machineOf, masters, replicas, words }: { machineOf: Uint16Array; masters: Uint16Array; replicas: Uint32Array; words: number }): void {
  const off = undirected.outOffsets;
  const tgt = undirected.outTargets;
  for (let v = 0; v < undirected.numVertices; v++) {
    assert.ok((replicas[v * words] & (1 << masters[v])) !== 0 || off[v + 1] === off[v], `vertex ${v}: its master holds no replica`);
    for (let e = off[v]; e < off[v + 1]; e++) {
      const t = tgt[e];
      // The machines of the copies of v-t, from both ends, as sorted lists: the same.
      const there = (a: number, b: number): number[] => {
        const list: number[] = [];
        for (let f = off[a]; f < off[a + 1]; f++) if (tgt[f] === b) list.push(machineOf[f]);
        return list.sort();
      };
      assert.equal(there(v, t), there(t, v), `edge ${v}-${t}`);
      assert.ok((replicas[v * words] & (1 << machineOf[e])) !== 0 && (replicas[t * words] & (1 << machineOf[e])) !== 0);
    }
  }
}

test('errors: an unreachable worker, a bad address, an edge-cut, a program that throws', async () => {
  const graph = rmat(6, 4, 1);
  const cc = programs.connectedComponents as VertexProgram;
  try {
    await runCluster(cc, graph, { workers: ['127.0.0.1:1'], callTimeoutSeconds: 20 });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /cannot reach worker 127\.0\.0\.1:1.*gasworks worker --listen 127\.0\.0\.1:1/);
  }
  try {
    await runCluster(cc, graph, { workers: addresses().slice(0, 2), spares: [addresses()[1]] });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /listed twice among the workers and spares/);
  }
  for (const [workersList, partitioner, message] of [
    [['nonsense'], undefined, /expected host:port/],
    [[], undefined, /at least one host:port/],
    [[addresses()[0], addresses()[0]], undefined, /listed twice/],
    [addresses(), 'edge-cut', /edge-cut; the cluster runs on vertex-cuts/],
  ] as const) {
    try {
      await runCluster(cc, graph, { workers: [...workersList], ...(partitioner ? { placement: clusterPlacement(partitioner) } : {}) });
      assert.unreachable('should have failed');
    } catch (error) {
      assert.match((error as Error).message, message);
    }
  }
  try {
    await runCluster(failing as unknown as VertexProgram, graph, { workers: addresses(), maxIterations: 2 });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.match((error as Error).message, /worker 127\.0\.0\.1:\d+ failed in Superstep: vertex 3 is cursed/);
  }
  // A program module the workers cannot import: a setup mistake, said in one line.
  const elsewhere = defineProgram({ ...failing, name: 'not-here', url: 'file:///nonexistent/gasworks/not-here.js' });
  try {
    await runCluster(elsewhere as unknown as VertexProgram, graph, { workers: addresses() });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /runCluster: the program's module \/nonexistent\/gasworks\/not-here\.js does not exist/);
  }
  // A coordinator of another protocol version is told so in one line.
  const client = new WorkerClient(addresses()[0], security, secretOf(security));
  const refused = await client.call('Setup', { job: '0123456789abcdef', protocol: 1 }, Date.now() + 5000).then(() => null, (e: grpc.ServiceError) => e);
  client.close();
  assert.is(refused?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(refused?.details ?? '', /speaks cluster protocol \d+ and the coordinator 1: run the same gasworks version/);
  // Every job was released, the failed ones included.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(workers.map((w) => w.jobs()), [0, 0, 0]);
});


test('a lost worker is replaced by a spare; the run rolls back to its last checkpoint and ends as if none was lost', async () => {
  const graph = directed;
  const program = programs.pagerank as VertexProgram;
  const steady = await runCluster(program, graph, { workers: addresses(), maxIterations: 9 });
  for (const [lostAt, checkpointEvery] of [[5, 2], [1, 0]] as const) {
    const crew = await Promise.all([0, 1, 2].map(() => startWorker('127.0.0.1:0')));
    const spare = await startWorker('127.0.0.1:0');
    const events: Array<{ machine: number; superstep: number; replacement: string }> = [];
    let killed = false;
    const result = await runCluster(program, graph, {
      workers: crew.map((w) => w.address),
      spares: [spare.address],
      checkpointEvery,
      maxIterations: 9,
      onProgress: (p) => {
        if (p.superstep === lostAt && !killed) {
          killed = true;
          crew[1].kill();
        }
      },
      onRecovery: (event) => events.push(event),
    });
    assert.is(result.recoveries, 1);
    assert.equal(events.map((e) => [e.machine, e.superstep, e.replacement]), [[1, checkpointEvery === 0 ? 0 : 4, spare.address]]);
    assert.equal(result.workers, [crew[0].address, spare.address, crew[2].address]);
    assert.is(result.iterations, steady.iterations);
    assert.is(result.vertexUpdates, steady.vertexUpdates);
    assert.equal(Array.from(result.vertex.rank as Float64Array), Array.from(steady.vertex.rank as Float64Array), 'bit for bit the run without a loss');
    await Promise.all([crew[0], crew[2], spare].map((w) => w.close()));
  }
});

test("a 'view' program's machines hold only their edges: edge data comes back by whole-graph id, and survives a recovery", async () => {
  const { edgeVisits } = await import('./programs.js');
  const program = edgeVisits as unknown as VertexProgram;
  const graph = directed;
  const local = await runProgram(program, graph, { workers: 1, maxIterations: 6 });
  const crew = await Promise.all([0, 1, 2].map(() => startWorker('127.0.0.1:0')));
  const spare = await startWorker('127.0.0.1:0');
  let killed = false;
  const result = await runCluster(program, graph, {
    workers: crew.map((w) => w.address),
    spares: [spare.address],
    checkpointEvery: 2,
    maxIterations: 6,
    onProgress: (p) => {
      if (p.superstep === 3 && !killed) {
        killed = true;
        crew[2].kill();
      }
    },
  });
  assert.is(result.recoveries, 1);
  assert.equal(Array.from(result.edge.visits as Float64Array), Array.from(local.edge.visits as Float64Array));
  assert.equal(Array.from(result.vertex.x as Float64Array), Array.from(local.vertex.x as Float64Array));
  await Promise.all([crew[0], crew[1], spare].map((w) => w.close()));
});

test('recovery under signalled activation (exact) and delta caching (caches dropped: within the tolerance)', async () => {
  for (const [program, params, tolerance] of [
    [programs.connectedComponents, {}, 0],
    [programs.pagerankDelta, { tolerance: 1e-10 }, 1e-8],
  ] as const) {
    const steady = await runCluster(program as VertexProgram, directed, { workers: addresses(), params });
    const crew = await Promise.all([0, 1, 2].map(() => startWorker('127.0.0.1:0')));
    const spare = await startWorker('127.0.0.1:0');
    let killed = false;
    const result = await runCluster(program as VertexProgram, directed, {
      workers: crew.map((w) => w.address),
      spares: [spare.address],
      checkpointEvery: 2,
      params,
      onProgress: (p) => {
        if (p.superstep === 3 && !killed) {
          killed = true;
          crew[2].kill();
        }
      },
    });
    assert.is(result.recoveries, 1, program.name);
    const column = program.output!;
    const d = maxDifference(result.vertex[column] as NumericArray, steady.vertex[column] as NumericArray);
    assert.ok(d <= tolerance, `${program.name}: differs from the run without a loss by ${d}`);
    if (tolerance === 0) assert.is(result.iterations, steady.iterations);
    await Promise.all([crew[0], crew[1], spare].map((w) => w.close()));
  }
});

test('a worker lost at start-up (unreachable at Setup) is replaced by a spare before anything runs', async () => {
  const graph = rmat(7, 4, 3);
  const cc = programs.connectedComponents as VertexProgram;
  const alone = await runProgram(cc, graph, { workers: 1 });
  const spare = await startWorker('127.0.0.1:0');
  const replaced: number[] = [];
  try {
    // Nothing listens on port 1: the second machine's worker is lost at Setup.
    const run = await runCluster(cc, graph, {
      workers: [addresses()[0], '127.0.0.1:1', addresses()[2]],
      spares: [spare.address],
      callTimeoutSeconds: 20,
      onRecovery: (r) => replaced.push(r.machine, r.superstep),
    });
    assert.equal(replaced, [1, 0]);
    assert.is(run.recoveries, 1);
    assert.equal(run.workers, [addresses()[0], spare.address, addresses()[2]]);
    assert.equal(Array.from(run.vertex.component as Float64Array), Array.from(alone.vertex.component as Float64Array));
  } finally {
    await spare.close();
  }
  // With no spare, the same run ends at start-up with the message that says where to start a worker.
  try {
    await runCluster(cc, graph, { workers: [addresses()[0], '127.0.0.1:1'], callTimeoutSeconds: 20 });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /cannot reach worker 127\.0\.0\.1:1.*gasworks worker --listen 127\.0\.0\.1:1/);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(workers.map((w) => w.jobs()), [0, 0, 0]);
});

test('a lost worker with no spare ends the run with a message that says how to carry on', async () => {
  const crew = await Promise.all([0, 1].map(() => startWorker('127.0.0.1:0')));
  try {
    await runCluster(programs.connectedComponents as VertexProgram, directed, {
      workers: crew.map((w) => w.address),
      onProgress: (p) => {
        if (p.superstep === 1) crew[0].kill();
      },
    });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /cannot reach worker .*--spare host:port/);
  }
  await crew[1].close();
});

test.run();
