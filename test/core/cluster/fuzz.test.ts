/**
 * Fuzzing what reaches a worker (fast-check, seeded). Control calls: every
 * method with arbitrary fields (job ids, counts, peers, byte fields, graphs),
 * with a valid credential and without one, and arbitrary bytes in place of a
 * request; each call must end with an answer or a gRPC error within its
 * deadline. Data channel: arbitrary byte streams after a correct handshake
 * (each followed by a MAC under the connection's key), and arbitrary frames. Afterwards the same workers must still run a program
 * to the one-process answer: nothing crashed, nothing leaked into a job.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { connect } from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeGraphFile } from '../../../core/graph/binary.js';
import * as grpc from '@grpc/grpc-js';
import { startWorker, type ClusterWorker } from '../../../core/cluster/worker-server.js';
import { runCluster } from '../../../core/cluster/coordinator.js';
import { ClusterSecret, CREDENTIAL_KEY, newSecret } from '../../../core/cluster/auth.js';
import { DataChannel } from '../../../core/cluster/data-channel.js';
import { CHANNEL_OPTIONS, PROTOCOL_VERSION, gasWorkerMethods } from '../../../core/cluster/wire.js';
import { runProgram } from '../../../core/engine/index.js';
import type { VertexProgram } from '../../../core/program.js';
import * as programs from '../../../vertex-programs/index.js';
import { rmat } from '../../vertex-programs/graphs.js';
import { tempDir } from '../../helpers.js';

const token = newSecret();
const security = { token };
const dir = tempDir('gasworks-fuzz-');
const graph = rmat(7, 5, 5);

let workers: ClusterWorker[] = [];
const logs: string[] = [];

/** Each worker's id (its Hello), which credentials name. */
const workerIds = new Map<string, string>();

test.before(async () => {
  // Files LoadRange may read: a graph file, a text edge list, and one that is neither.
  mkdirSync(join(dir, 'data'));
  await writeGraphFile(join(dir, 'data', 'g.gwg'), graph);
  writeFileSync(join(dir, 'data', 'g.txt'), '0 1\n1 2 3\n# c\n2 0\n');
  writeFileSync(join(dir, 'data', 'junk.gwg'), randomBytes(200));
  workers = await Promise.all([0, 1].map(() => startWorker('127.0.0.1:0', { security, programCache: join(dir, 'cache'), log: (l) => logs.push(l), maxMessageBytes: 1 << 20, checkpointDir: join(dir, 'checkpoints'), dataDir: join(dir, 'data') })));
  for (const w of workers) {
    const hello = gasWorkerMethods().Hello;
    const client = new grpc.Client(w.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const reply = await new Promise<{ worker: string }>((resolve, reject) =>
      client.makeUnaryRequest(hello.path, (b: Buffer) => b, hello.responseDeserialize as (b: Buffer) => { worker: string }, hello.requestSerialize({}), new grpc.Metadata(), (e, r) => (e ? reject(e) : resolve(r!))),
    );
    client.close();
    workerIds.set(w.address, reply.worker);
  }
});

test.after(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

/** The workers still give the one-process answer. */
async function stillSound(): Promise<void> {
  const cc = programs.connectedComponents as VertexProgram;
  const local = await runProgram(cc, graph, { workers: 1 });
  const there = await runCluster(cc, graph, { workers: workers.map((w) => w.address), security });
  assert.equal(Array.from(there.vertex.component as Float64Array), Array.from(local.vertex.component as Float64Array));
  assert.equal(workers.map((w) => w.jobs()), [0, 0]);
}

const hexJob = fc.stringMatching(/^[0-9a-f]{16}$/);
const anyJob = fc.oneof(hexJob, fc.string({ maxLength: 40 }), fc.constant(''));
const smallBytes = fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a));
const batch = fc.record({ machine: fc.nat(70000), ids: smallBytes, columns: fc.array(smallBytes, { maxLength: 4 }) });
const u32 = fc.nat({ max: 0xffffffff });
const modules = fc.constantFrom('dist/vertex-programs/pagerank.js', 'dist/vertex-programs/connected-components.js', 'vertex-programs/nope.js', '../x.js', 'data:text/javascript,1', '');
const requests: Record<string, fc.Arbitrary<object>> = {
  Setup: fc.record({
    protocol: fc.constantFrom(PROTOCOL_VERSION, PROTOCOL_VERSION - 1, 0, 99),
    job: anyJob,
    machine: fc.nat(5),
    machines: fc.nat(5),
    programModule: modules,
    programSource: fc.oneof(fc.constant(Buffer.alloc(0)), smallBytes),
    programSha256: fc.oneof(fc.constant(''), fc.stringMatching(/^[0-9a-f]{64}$/)),
    programName: fc.constantFrom('pagerank', 'connected-components', 'x', ''),
    paramsJson: fc.oneof(fc.constant('{}'), fc.string({ maxLength: 30 }), fc.constant('{"maxIterations": -1}')),
    graph: smallBytes,
    edgeMachines: smallBytes,
    masters: smallBytes,
    replicas: smallBytes,
    replicaWords: fc.nat(4),
    leaseMs: u32,
    // A machine's part: held vertices, streamed edges.
    part: fc.boolean(),
    pass: fc.nat(3),
    totalVertices: fc.oneof(fc.constant(0), fc.nat(64), fc.constant(2 ** 32), fc.constant(2 ** 31), fc.constant(1e20), fc.constant(-1)),
    globalVertexIds: smallBytes,
    outDegrees: smallBytes,
    inDegrees: smallBytes,
    partEdges: fc.nat(8),
  }),
  Superstep: fc.record({ job: anyJob, superstep: u32, count: u32 }),
  Collect: fc.record({ job: anyJob, state: fc.boolean() }),
  Restore: fc.record({ job: anyJob, vertices: batch, edges: batch, active: smallBytes, aggregates: smallBytes, superstep: u32 }),
  Connect: fc.record({ job: anyJob, epoch: u32, peers: fc.array(fc.oneof(fc.constant('127.0.0.1:1'), fc.string({ maxLength: 30 })), { maxLength: 4 }) }),
  Abort: fc.record({ job: anyJob }),
  Release: fc.record({ job: anyJob }),
  Renew: fc.record({ job: anyJob }),
  Status: fc.constant({}),
  SendGraph: fc.record({ job: anyJob, total: fc.oneof(fc.nat(1000), fc.constant(2 ** 41), fc.constant(-1)), offset: fc.oneof(fc.nat(1000), fc.constant(0)), bytes: smallBytes }),
  SendEdges: fc.record({ job: anyJob, sources: smallBytes, targets: smallBytes, weights: smallBytes, weighted: fc.boolean(), pass: fc.nat(3), reader: fc.oneof(fc.nat(3), fc.constant(70000)) }),
  LoadRange: fc.record({
    job: anyJob,
    path: fc.constantFrom('g.gwg', 'g.txt', 'junk.gwg', '../x', '/etc/passwd', '', 'missing'),
    reader: fc.nat(4),
    readers: fc.oneof(fc.nat(4), fc.constant(70000)),
    // Peers that cannot be reached, or are not addresses.
    workers: fc.array(fc.constantFrom('127.0.0.1:1', 'nowhere', ''), { maxLength: 4 }),
    placement: fc.constantFrom('edge-hash', 'pair-hash', 'hdrf', ''),
    seed: u32,
    pass: fc.nat(3),
    only: fc.integer({ min: -2, max: 4 }),
    numVertices: fc.oneof(fc.nat(200), fc.constant(graph.numVertices), fc.constant(3), fc.constant(1e20)),
    numEdges: fc.oneof(fc.nat(200), fc.constant(graph.numEdges)),
    format: fc.constantFrom('gwg', 'text', 'x'),
    scan: fc.boolean(),
    weighted: fc.boolean(),
    fileBytes: fc.oneof(fc.nat(100), fc.constant(18)),
  }),
  Checkpoint: fc.record({ job: anyJob, superstep: u32, complete: fc.oneof(fc.constant(-1), fc.nat(10)) }),
  RestoreCheckpoint: fc.record({ job: anyJob, superstep: u32 }),
  Hello: fc.constant({}),
};
const methodNames = Object.keys(requests);

/** One call; resolves to 'ok' or the gRPC status it failed with (never hangs past its deadline). */
function send(address: string, method: string, bytes: Buffer, signed: boolean): Promise<string> {
  const definition = gasWorkerMethods()[method];
  const metadata = new grpc.Metadata();
  if (signed) metadata.set(CREDENTIAL_KEY, new ClusterSecret(Buffer.from(token)).sign(definition.path, workerIds.get(address)!, bytes)!);
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  return new Promise<string>((resolve) => {
    client.makeUnaryRequest(definition.path, (b: Buffer) => b, (b: Buffer) => b, bytes, metadata, { deadline: Date.now() + 5000 }, (error) => resolve(error ? grpc.status[error.code] : 'ok'));
  }).finally(() => client.close());
}

test('control calls with arbitrary fields, signed or not, and arbitrary bytes: answered or refused, never a crash', async () => {
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...methodNames).chain((method) => fc.tuple(fc.constant(method), requests[method], fc.boolean(), fc.option(fc.uint8Array({ maxLength: 300 }), { freq: 4 }))),
      async ([method, request, signed, raw]) => {
        const bytes = raw !== null ? Buffer.from(raw) : gasWorkerMethods()[method].requestSerialize(request);
        const outcome = await send(workers[0].address, method, bytes, signed);
        seen.add(outcome);
        assert.not.equal(outcome, 'DEADLINE_EXCEEDED', `${method} hung`);
        if (!signed && method !== 'Hello') assert.is(outcome, 'UNAUTHENTICATED', `${method} without a credential`);
      },
    ),
    { numRuns: 300, seed: 11 },
  );
  assert.ok(seen.has('UNAUTHENTICATED') && seen.has('INVALID_ARGUMENT'), [...seen].join(', '));
  await stillSound();
});

test('data channel: arbitrary bytes after a correct handshake close that connection only', async () => {
  const receiver = await DataChannel.listen('127.0.0.1', { secret: new ClusterSecret(Buffer.from(token)), log: (l) => logs.push(l), maxFrameBytes: 1 << 16 });
  const JOB = '0123456789abcdef';
  const frame = fc.record({
    magic: fc.constantFrom(0x46445747, 0, 0x12345678),
    epoch: u32,
    superstep: u32,
    exchange: fc.nat(255),
    from: fc.nat(65535),
    parts: fc.nat(70000),
    job: fc.oneof(fc.constant(JOB), fc.string({ minLength: 16, maxLength: 16 })),
    lengths: fc.array(u32, { maxLength: 6 }),
    tail: fc.uint8Array({ maxLength: 200 }),
  });
  /** A frame header as the data channel lays it out, with arbitrary values, then arbitrary bytes. */
  const encode = (f: { magic: number; epoch: number; superstep: number; exchange: number; from: number; parts: number; job: string; lengths: number[]; tail: Uint8Array }): Buffer => {
    const head = Buffer.alloc(40 + 8 * Math.ceil(f.lengths.length / 2));
    head.writeUInt32LE(f.magic, 0);
    head.writeUInt32LE(f.epoch, 4);
    head.writeUInt32LE(f.superstep, 8);
    head.writeUInt8(f.exchange, 12);
    head.writeUInt16LE(f.from, 14);
    head.writeUInt16LE(f.parts % 65536, 16);
    head.write(f.job, 20, 'latin1');
    f.lengths.forEach((n, i) => head.writeUInt32LE(n, 40 + 4 * i));
    return Buffer.concat([head, f.tail]);
  };
  await fc.assert(
    fc.asyncProperty(fc.oneof(frame.map(encode), fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a))), async (payload) => {
      await new Promise<void>((resolve) => {
        const socket = connect(receiver.port, '127.0.0.1');
        const secret = new ClusterSecret(Buffer.from(token));
        const mine = randomBytes(32);
        let hello = Buffer.alloc(0);
        let theirs: Buffer | null = null;
        socket.on('data', (chunk: Buffer) => {
          hello = Buffer.concat([hello, chunk]);
          if (theirs === null && hello.length >= 36) {
            theirs = Buffer.from(hello.subarray(4, 36));
            socket.write(Buffer.concat([Buffer.from('GWDA'), mine, secret.proof('connector', theirs, mine)]));
          }
          if (hello.length !== 72) return;
          // The handshake is done: the fuzzed bytes, followed by a MAC under the connection's key over them (as if they were one frame).
          const mac = createHmac('sha256', secret.sessionKey(theirs!, mine)!).update(Buffer.alloc(8)).update(payload).digest();
          socket.write(Buffer.concat([payload, mac]));
          // The receiver either closes the connection or waits for more: end it after a moment either way.
          setTimeout(() => socket.destroy(), 20);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
    }),
    { numRuns: 150, seed: 12 },
  );
  // A proper sender still gets through.
  const friend = await DataChannel.listen('127.0.0.1', { secret: new ClusterSecret(Buffer.from(token)) });
  friend.send(`127.0.0.1:${receiver.port}`, { job: JOB, epoch: 9, superstep: 9, exchange: 1, from: 1, parts: [new Uint8Array([42])] });
  const [got] = await receiver.receive(JOB, 9, 9, 1, 1);
  assert.equal(Array.from(got.parts[0]), [42]);
  friend.close();
  receiver.close();
  await stillSound();
});

test.run();
