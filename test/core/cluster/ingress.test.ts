/**
 * Streaming ingress (core/cluster/ingress.ts, part-build.ts): a coordinator
 * that streams a generated graph to three workers, never building it, gives
 * what a coordinator that loads the same graph gives under the same
 * placement, bit for bit (PageRank, BFS, weighted SSSP, components), and
 * what one process gives. A spare that replaces a killed worker gets that
 * machine's edges by a second pass. Programs and placements that need the
 * whole graph are refused with a message saying why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sameBits } from './same-bits.js';
import { startWorker as startWorkerWith, type ClusterWorker } from '../../../core/cluster/worker-server.js';
import { runCluster as runClusterWith, type ClusterRunOptions } from '../../../core/cluster/coordinator.js';
import { randomPlacement } from '../../../core/cluster/placement.js';
import { gwgSource, rmatSource, streamToMachines, type EdgeChunk } from '../../../core/cluster/ingress.js';
import { openGraphSections, writeGraphFile } from '../../../core/graph/binary.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterPlacement } from '../../../partitioner/cluster.js';
import { newSecret } from '../../../core/cluster/auth.js';
import { runProgram } from '../../../core/engine/index.js';
import type { VertexProgram } from '../../../core/program.js';
import { UsageError } from '../../../core/errors.js';
import { buildGraph } from '../../../core/graph/build.js';
import { rmatEdges, type RmatOptions } from '../../../core/graph/generators/rmat.js';
import { hasReplica } from '../../../core/graph/replica-sets.js';
import { HeldIds } from '../../../core/cluster/held-ids.js';
import { WorkerClient } from '../../../core/cluster/client.js';
import { secretOf } from '../../../core/cluster/security.js';
import { PROTOCOL_VERSION } from '../../../core/cluster/wire.js';
import * as programs from '../../../vertex-programs/index.js';
import { tempDir } from '../../helpers.js';

const security = { token: newSecret() };
const programCache = tempDir('gasworks-programs-');
const startWorker = (): Promise<ClusterWorker> => startWorkerWith('127.0.0.1:0', { security, programCache, threads: 2 });
const runCluster: typeof runClusterWith = (program, graph, options: ClusterRunOptions) => runClusterWith(program, graph, { security, placement: randomPlacement, ...options });

let workers: ClusterWorker[] = [];
test.before(async () => {
  workers = await Promise.all([0, 1, 2].map(() => startWorker()));
});
test.after(async () => {
  await Promise.all(workers.map((w) => w.close()));
});
const addresses = (): string[] => workers.map((w) => w.address);

test('one pass places every edge once, with the loaded graph\'s replica sets, degrees and masters', async () => {
  const options: RmatOptions = { scale: 8, edgeFactor: 6, seed: 5, maxWeight: 20 };
  const graph = buildGraph(rmatEdges(options));
  const placed = randomPlacement.place(graph, 3, 7);
  const got: Array<Array<[number, number, number]>> = [[], [], []];
  const send = async (m: number, chunk: EdgeChunk): Promise<void> => {
    const s = new Uint32Array(chunk.sources.buffer, chunk.sources.byteOffset, chunk.sources.length / 4);
    const t = new Uint32Array(chunk.targets.buffer, chunk.targets.byteOffset, chunk.targets.length / 4);
    const w = new Float64Array(chunk.weights.buffer.slice(chunk.weights.byteOffset, chunk.weights.byteOffset + chunk.weights.length));
    for (let i = 0; i < s.length; i++) got[m].push([s[i], t[i], w[i]]);
  };
  const summary = await streamToMachines(rmatSource(options), randomPlacement.stream!(graph.numVertices, graph.numEdges, 3, 7), send, { machines: 3, seed: 7, chunkEdges: 100 });
  assert.is(summary.numEdges, graph.numEdges);
  assert.equal(Array.from(summary.replicas), Array.from(placed.replicas));
  assert.equal(Array.from(summary.masters), Array.from(placed.masters));
  assert.is(summary.replicationFactor, placed.replicationFactor);
  for (let v = 0; v < graph.numVertices; v++) {
    assert.is(summary.outDegrees[v], graph.outOffsets[v + 1] - graph.outOffsets[v]);
    assert.is(summary.inDegrees[v], graph.inOffsets[v + 1] - graph.inOffsets[v]);
  }
  // Each machine got exactly its edges of the loaded graph (as multisets).
  for (let m = 0; m < 3; m++) {
    const expected: string[] = [];
    for (let v = 0; v < graph.numVertices; v++) for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) if (placed.machineOf[e] === m) expected.push(`${v} ${graph.outTargets[e]} ${graph.weights![e]}`);
    assert.equal(got[m].map(([s, t, w]) => `${s} ${t} ${w}`).sort(), expected.sort(), `machine ${m}`);
    for (const [s, t] of got[m]) assert.ok(hasReplica(summary.replicas, summary.words, s, m) && hasReplica(summary.replicas, summary.words, t, m));
  }
});

test('streamed and loaded give the same answers bit for bit, and one process\'s', async () => {
  const options: RmatOptions = { scale: 11, edgeFactor: 8, seed: 3, maxWeight: 30 };
  const graph = buildGraph(rmatEdges(options));
  const cases: Array<[VertexProgram, Record<string, unknown>, number]> = [
    [programs.pagerank as unknown as VertexProgram, {}, 12],
    [programs.bfs as unknown as VertexProgram, { source: 5 }, 100],
    [programs.sssp as unknown as VertexProgram, { source: 9 }, 200],
    [programs.connectedComponents as unknown as VertexProgram, {}, 100],
  ];
  for (const [program, params, maxIterations] of cases) {
    const loaded = await runCluster(program, graph, { workers: addresses(), params: params as never, maxIterations });
    const streamed = await runCluster(program, rmatSource(options), { workers: addresses(), params: params as never, maxIterations });
    const local = await runProgram(program, graph, { workers: 1, params: params as never, maxIterations });
    assert.is(streamed.iterations, loaded.iterations, `${program.name}: supersteps`);
    assert.is(streamed.edgesTraversed, loaded.edgesTraversed, `${program.name}: edges traversed`);
    assert.is(streamed.replicationFactor, loaded.replicationFactor);
    assert.equal(streamed.aggregates, loaded.aggregates, `${program.name}: aggregates`);
    for (const name of Object.keys(loaded.vertex)) {
      sameBits(streamed.vertex[name] as ArrayLike<number>, loaded.vertex[name] as ArrayLike<number>, `${program.name}.${name} streamed vs loaded`);
      const a = streamed.vertex[name] as ArrayLike<number>;
      const b = local.vertex[name] as ArrayLike<number>;
      for (let v = 0; v < a.length; v++) if (!(a[v] === b[v] || Math.abs(a[v] - b[v]) <= 1e-12)) assert.unreachable(`${program.name}.${name}: vertex ${v}: ${a[v]} vs one process ${b[v]}`);
    }
  }
});

test('a spare replacing a killed worker gets its edges by a second pass; the run ends as if none was lost', async () => {
  const options: RmatOptions = { scale: 10, edgeFactor: 8, seed: 8 };
  const graph = buildGraph(rmatEdges(options));
  const crew = await Promise.all([0, 1, 2].map(() => startWorker()));
  const spare = await startWorker();
  try {
    const pagerank = programs.pagerank as unknown as VertexProgram;
    const expected = await runCluster(pagerank, graph, { workers: addresses(), maxIterations: 8 });
    let killed = false;
    const result = await runCluster(pagerank, rmatSource(options), {
      workers: crew.map((w) => w.address),
      spares: [spare.address],
      checkpointEvery: 2,
      maxIterations: 8,
      onProgress: (p) => {
        if (p.superstep === 3 && !killed) {
          killed = true;
          crew[1].kill();
        }
      },
    });
    assert.is(result.recoveries, 1);
    sameBits(result.vertex.rank as Float64Array, expected.vertex.rank as Float64Array, 'rank after recovery');
  } finally {
    await Promise.all([crew[0], crew[2], spare].map((w) => w.close()));
  }
});

test('a .gwg file streams in CSR order: under HDRF the same placement and answers as the loaded file, bit for bit', async () => {
  const graph = buildGraph(rmatEdges({ scale: 10, edgeFactor: 8, seed: 12, maxWeight: 9 }));
  const path = join(tempDir('gasworks-gwg-'), 'g.gwg');
  await writeGraphFile(path, graph);
  const source = gwgSource(path)!;
  assert.is(source.numEdges, graph.numEdges);
  assert.ok(source.weighted);
  for (const [program, params] of [[programs.pagerank, {}], [programs.sssp, { source: 4 }]] as const) {
    const options = { workers: addresses(), placement: clusterPlacement('hdrf'), params: params as never, maxIterations: 30 };
    const loaded = await runCluster(program as unknown as VertexProgram, graph, options);
    const streamed = await runCluster(program as unknown as VertexProgram, source, options);
    assert.is(streamed.ingress, 'stream');
    assert.is(streamed.replicationFactor, loaded.replicationFactor);
    for (const name of Object.keys(loaded.vertex)) sameBits(streamed.vertex[name] as ArrayLike<number>, loaded.vertex[name] as ArrayLike<number>, `${program.name}.${name}`);
  }
  // A damaged target section is caught by the pass that reads it.
  const bytes = readFileSync(path);
  const sections = openGraphSections(path);
  const targets = sections.section('outTargets')!;
  sections.close();
  const dataStart = Math.ceil((24 + bytes.readUInt32LE(12)) / 8) * 8;
  bytes[dataStart + targets.offset + 4 * 100] ^= 0x01;
  writeFileSync(path, bytes);
  const reader = gwgSource(path)!.open();
  const src = new Uint32Array(1000);
  const dst = new Uint32Array(1000);
  const w = new Float64Array(1000);
  assert.throws(() => {
    while (reader.next(src, dst, w, 0, 1000) > 0);
  }, /checksum mismatch|past/);
});

test('a worker lost within the pass: its spare takes its place, the pass starts over, the answer is right', async () => {
  const options: RmatOptions = { scale: 16, edgeFactor: 8, seed: 4 };
  const graph = buildGraph(rmatEdges(options));
  const spare = await startWorker();
  try {
    // Nothing listens at the second address: its first chunk fails while the others' are on their way.
    const result = await runCluster(programs.pagerank as unknown as VertexProgram, rmatSource(options), { workers: [addresses()[0], '127.0.0.1:1', addresses()[2]], spares: [spare.address], maxIterations: 5 });
    const expected = await runCluster(programs.pagerank as unknown as VertexProgram, graph, { workers: addresses(), maxIterations: 5 });
    assert.is(result.recoveries, 1);
    sameBits(result.vertex.rank as Float64Array, expected.vertex.rank as Float64Array, 'rank');
  } finally {
    await spare.close();
  }
});

test('edges of an earlier pass are dropped by a later one, refused after it, and Setup names its pass', async () => {
  const client = new WorkerClient(addresses()[0], security, secretOf(security));
  try {
    const job = 'aabbccddeeff0011';
    const chunk = (pass: number, edges: number[][]): object => ({ job, pass, weighted: false, sources: Buffer.from(Uint32Array.from(edges, (e) => e[0]).buffer), targets: Buffer.from(Uint32Array.from(edges, (e) => e[1]).buffer), weights: Buffer.alloc(0) });
    await client.call('SendEdges', chunk(1, [[0, 1], [1, 2]]), Date.now() + 5000);
    await client.call('SendEdges', chunk(2, [[0, 2]]), Date.now() + 5000);
    await assertRejects(client.call('SendEdges', chunk(1, [[2, 0]]), Date.now() + 5000), /a chunk of pass 1 of job aabbccddeeff0011, which is at pass 2/);
    const held = Buffer.from(Uint32Array.of(0, 1, 2).buffer);
    const setup = (pass: number, partEdges: number): object => ({ protocol: PROTOCOL_VERSION, job, machine: 0, machines: 1, programModule: 'dist/vertex-programs/pagerank.js', programName: 'pagerank', paramsJson: '{}', masters: Buffer.alloc(6), replicas: Buffer.from(Uint32Array.of(1, 1, 1).buffer), replicaWords: 1, part: true, pass, partEdges, totalVertices: 3, globalVertexIds: held, outDegrees: Buffer.from(Uint32Array.of(1, 0, 0).buffer), inDegrees: Buffer.from(Uint32Array.of(0, 0, 1).buffer), totalEdges: 1 });
    await assertRejects(client.call('Setup', setup(1, 1), Date.now() + 5000), /edges came by pass 2, and Setup names pass 1/);
  } finally {
    client.close();
  }
});

async function assertRejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
    assert.unreachable('answered');
  } catch (error) {
    assert.match((error as Error).message, pattern);
  }
}

test('an empty stream runs no superstep, as an empty graph does', async () => {
  const empty = { kind: 'gasworks.edge-source' as const, name: 'empty', numVertices: 0, numEdges: 0, weighted: false, open: () => ({ next: () => 0 }) };
  const result = await runCluster(programs.pagerank as unknown as VertexProgram, empty, { workers: addresses() });
  assert.is(result.iterations, 0);
  assert.is((result.vertex.rank as Float64Array).length, 0);
});

test('held ids: a handful held of a huge graph are looked up by search, with no table the size of the graph', () => {
  const held = new HeldIds(Uint32Array.of(5, 2 ** 31, 2 ** 32 - 1), 2 ** 32, 'test');
  assert.is(held.local(2 ** 31), 1);
  assert.is(held.local(2 ** 32 - 1), 2);
  assert.is(held.local(6), -1);
  assert.equal(Array.from(held.toLocal(Uint32Array.of(2 ** 32 - 1, 5), new Uint32Array(3), 'x')), [2, 0]);
  assert.throws(() => held.toLocal(Uint32Array.of(7), new Uint32Array(3), 'rows'), /rows: vertex 7 is not held/);
  assert.throws(() => new HeldIds(Uint32Array.of(3, 3), 10, 'Setup'), /Setup: held vertex ids must ascend below 10/);
});

test('programs and placements that need the whole graph are refused, saying why', async () => {
  const source = rmatSource({ scale: 6, seed: 1 });
  const refused = async (program: VertexProgram, options: Partial<ClusterRunOptions>, pattern: RegExp): Promise<void> => {
    try {
      await runCluster(program, source, { workers: addresses(), ...options });
      assert.unreachable('ran');
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, pattern);
    }
  };
  await refused(programs.triangleCount as unknown as VertexProgram, {}, /cannot run on a streamed graph \(rmat:6\): that needs graphAccess 'view'/);
  await refused(programs.pagerank as unknown as VertexProgram, { placement: clusterPlacement('ne') }, /placement ne needs the whole graph, and rmat:6 is streamed/);
});

test.run();
