/**
 * Jobs end even when their coordinator does not: a job set up by hand with a
 * one-second lease and never called again is dropped (and logged, and
 * counted in Status) once the lease runs out; Status reports it before
 * that. The health service answers without a token. (Renewal by a live
 * coordinator, and a killed one's job dropped, are tested with worker
 * processes in test/apps/cli/cluster.test.ts.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProto } from 'grpc-health-check';
import { startWorker } from '../../../core/cluster/worker-server.js';
import { clusterPlacement } from '../../../partitioner/cluster.js';
import { runCluster } from '../../../core/cluster/coordinator.js';
import type { VertexProgram } from '../../../core/program.js';
import { WorkerClient } from '../../../core/cluster/client.js';
import { newSecret } from '../../../core/cluster/auth.js';
import { secretOf } from '../../../core/cluster/security.js';
import { workerStatus } from '../../../core/cluster/status.js';
import { encodeGraph } from '../../../core/graph/binary.js';
import { rmat } from '../../vertex-programs/graphs.js';
import { tempDir } from '../../helpers.js';
import { PROTOCOL_VERSION } from '../../../core/cluster/wire.js';

const security = { token: newSecret() };
const dir = tempDir('gasworks-lease-');
const graph = rmat(8, 6, 3);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const bytes = (a: Uint16Array | Uint32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('a job nobody calls is dropped when its lease runs out; Status shows it until then', async () => {
  const logs: string[] = [];
  const worker = await startWorker('127.0.0.1:0', { security, programCache: join(dir, 'cache'), log: (l) => logs.push(l) });
  try {
    const client = new WorkerClient(worker.address, security, secretOf(security));
    const part = clusterPlacement('hdrf').place(graph, 1, 1);
    const job = '00112233445566ff';
    await client.call('Setup', { protocol: PROTOCOL_VERSION, job, machine: 0, machines: 1, programModule: 'dist/vertex-programs/pagerank.js', programName: 'pagerank', paramsJson: '{}', graph: encodeGraph(graph), edgeMachines: bytes(part.machineOf), masters: bytes(part.masters), replicas: bytes(part.replicas), replicaWords: part.words, leaseMs: 1000 }, Date.now() + 10_000);
    client.close();
    const before = await workerStatus(worker.address, { security });
    assert.is(before.jobs.length, 1);
    assert.equal({ ...before.jobs[0], ageMs: 0, leaseLeftMs: 0 }, { job, machine: 0, machines: 1, program: 'pagerank', vertices: graph.numVertices, edges: graph.numEdges, superstep: 0, ageMs: 0, leaseLeftMs: 0, threads: 1 });
    assert.ok(before.jobs[0].leaseLeftMs <= 1000 && before.jobs[0].leaseLeftMs > 0);
    assert.ok(before.rssBytes > 0 && before.heapUsedBytes > 0);
    await sleep(1800);
    assert.is(worker.jobs(), 0);
    const after = await workerStatus(worker.address, { security });
    assert.equal(after.jobs, []);
    assert.is(after.expired, 1);
    assert.ok(logs.some((l) => /^dropped job 00112233445566ff \(machine 0 of 1, pagerank\): its coordinator made no call for 1\.0 s$/.test(l)), logs.join('\n'));
    // Status, like every call, needs the token.
    try {
      await workerStatus(worker.address);
      assert.unreachable('should have failed');
    } catch (error) {
      assert.match((error as Error).message, /refused: no credential.*give the cluster's token/);
    }
  } finally {
    await worker.close();
  }
});

test('a phase longer than the lease does not lose the job (a job is not dropped while it runs)', async () => {
  const logs: string[] = [];
  const workers = await Promise.all([0, 1].map(() => startWorker('127.0.0.1:0', { security, programCache: join(dir, 'cache'), log: (l) => logs.push(l) })));
  try {
    const { slowPhase } = await import('./programs.js');
    const run = await runCluster(slowPhase as unknown as VertexProgram, graph, { workers: workers.map((w) => w.address), security, leaseSeconds: 1, maxIterations: 2 });
    assert.is(run.iterations, 2);
    assert.not.ok(logs.some((l) => /dropped job/.test(l)), logs.join('\n'));
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
});

test('a helper thread that dies in a phase fails the run; it does not hang the worker', async () => {
  const worker = await startWorker('127.0.0.1:0', { security, programCache: join(dir, 'cache'), threads: 2, log: () => undefined });
  try {
    const { exitsInHelper } = await import('./programs.js');
    const started = Date.now();
    try {
      await runCluster(exitsInHelper as unknown as VertexProgram, graph, { workers: [worker.address], security, maxIterations: 3, callTimeoutSeconds: 30 });
      assert.unreachable('should have failed');
    } catch (error) {
      assert.match((error as Error).message, /helper thread/, (error as Error).message);
    }
    assert.ok(Date.now() - started < 20_000, 'failed promptly');
    // The worker still serves.
    assert.is((await workerStatus(worker.address, { security })).jobs.length, 0);
  } finally {
    await worker.close();
  }
});

test('the standard gRPC health service answers without a token', async () => {
  const worker = await startWorker('127.0.0.1:0', { security, programCache: join(dir, 'cache'), log: () => undefined });
  try {
    const definition = protoLoader.loadSync(healthProto, { keepCase: true, longs: String, enums: String, defaults: true });
    const Health = (grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } }).grpc.health.v1.Health;
    const client = new Health(worker.address, grpc.credentials.createInsecure()) as unknown as grpc.Client & { check(r: object, cb: (e: Error | null, r: { status: string }) => void): void };
    const reply = await new Promise<{ status: string }>((resolve, reject) => client.check({ service: '' }, (e, r) => (e ? reject(e) : resolve(r))));
    assert.is(reply.status, 'SERVING');
    client.close();
  } finally {
    await worker.close();
  }
});

test.run();
