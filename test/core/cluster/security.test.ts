/**
 * Who gets into a worker. Real workers on loopback with a token: the right
 * token runs (answers checked against one process); a wrong token, no token,
 * a replayed call, a credential moved onto another request and an
 * unauthenticated Setup naming a `data:` URL are all refused, logged, and
 * nothing runs (the data: module would have written a file; it does not
 * exist afterwards). The data channel refuses a peer with another token and
 * a stranger's bytes. TLS (mutual, certificates made with openssl for the
 * test) carries a run, and refuses a coordinator without a certificate of
 * the cluster's CA. Out-of-order calls are refused by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startWorker, type ClusterWorker } from '../../../core/cluster/worker-server.js';
import { runCluster } from '../../../core/cluster/coordinator.js';
import { WorkerClient } from '../../../core/cluster/client.js';
import { ClusterSecret, CREDENTIAL_KEY, newSecret } from '../../../core/cluster/auth.js';
import { DataChannel } from '../../../core/cluster/data-channel.js';
import { secretOf, type ClusterSecurity } from '../../../core/cluster/security.js';
import { CHANNEL_OPTIONS, PROTOCOL_VERSION, gasWorkerMethods } from '../../../core/cluster/wire.js';
import { runProgram } from '../../../core/engine/index.js';
import type { VertexProgram } from '../../../core/program.js';
import * as programs from '../../../vertex-programs/index.js';
import { rmat } from '../../vertex-programs/graphs.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir('gasworks-security-');
const token = newSecret();
const security: ClusterSecurity = { token };
const graph = rmat(8, 6, 11);
const pagerank = programs.pagerank as VertexProgram;

/** A worker that logs into `logs`. */
async function worker(options: { security?: ClusterSecurity; insecure?: boolean } = {}): Promise<{ worker: ClusterWorker; logs: string[] }> {
  const logs: string[] = [];
  const w = await startWorker('127.0.0.1:0', { ...options, programCache: join(dir, 'cache'), log: (line) => logs.push(line) });
  return { worker: w, logs };
}

/** The error a promise fails with (fails the test if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: number; details?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: number; details?: string };
  }
  assert.unreachable('should have failed');
  throw new Error('unreachable');
}

/** Send `bytes` as a call of `method` with exactly this metadata (a replay, or a forged call). */
function rawCall(address: string, method: string, bytes: Buffer, metadata: grpc.Metadata): Promise<unknown> {
  const definition = gasWorkerMethods()[method];
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  return new Promise<unknown>((resolve, reject) => {
    client.makeUnaryRequest(definition.path, (b: Buffer) => b, definition.responseDeserialize as (b: Buffer) => unknown, bytes, metadata, { deadline: Date.now() + 5000 }, (error, reply) => (error ? reject(error) : resolve(reply)));
  }).finally(() => client.close());
}

test('the right token runs the program and gets the one-process answer', async () => {
  const crew = await Promise.all([worker({ security }), worker({ security })]);
  try {
    const local = await runProgram(pagerank, graph, { workers: 1, maxIterations: 10 });
    const there = await runCluster(pagerank, graph, { workers: crew.map((c) => c.worker.address), security, maxIterations: 10 });
    const a = local.vertex.rank as Float64Array;
    const b = there.vertex.rank as Float64Array;
    for (let v = 0; v < a.length; v++) assert.ok(Math.abs(a[v] - b[v]) < 1e-12, `vertex ${v}: ${a[v]} vs ${b[v]}`);
    assert.equal(crew.map((c) => c.logs), [[], []]);
  } finally {
    await Promise.all(crew.map((c) => c.worker.close()));
  }
});

test('a wrong token and no token are refused, logged, and nothing runs', async () => {
  const { worker: w, logs } = await worker({ security });
  try {
    const wrong = await failure(runCluster(pagerank, graph, { workers: [w.address], security: { token: newSecret() }, maxIterations: 2 }));
    assert.match(wrong.message, /refused: a wrong credential \(another cluster token, or meant for another worker\?\); give the coordinator the workers' token/);
    const none = await failure(runCluster(pagerank, graph, { workers: [w.address], maxIterations: 2 }));
    assert.match(none.message, /refused: no credential/);
    assert.is(w.jobs(), 0);
    assert.ok(logs.some((l) => /^refused SendGraph from .*: a wrong credential/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /^refused SendGraph from .*: no credential/.test(l)), logs.join('\n'));
  } finally {
    await w.close();
  }
});

/** A worker's id for this start (its Hello, which needs no credential). */
async function workerIdOf(address: string): Promise<string> {
  const hello = gasWorkerMethods().Hello;
  return ((await rawCall(address, 'Hello', hello.requestSerialize({}), new grpc.Metadata())) as { worker: string }).worker;
}

test('a replayed call, a credential moved onto another request, method or worker, and a stale one are refused', async () => {
  const { worker: w, logs } = await worker({ security });
  const { worker: other, logs: otherLogs } = await worker({ security });
  try {
    const secret = new ClusterSecret(Buffer.from(token));
    const id = await workerIdOf(w.address);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.is.not(await workerIdOf(other.address), id);
    const release = gasWorkerMethods().Release;
    const bytes = release.requestSerialize({ job: '0123456789abcdef' });
    const metadata = new grpc.Metadata();
    metadata.set(CREDENTIAL_KEY, secret.sign(release.path, id, bytes)!);
    await rawCall(w.address, 'Release', bytes, metadata);
    const replayed = await failure(rawCall(w.address, 'Release', bytes, metadata));
    assert.is(replayed.code, grpc.status.UNAUTHENTICATED);
    assert.match(replayed.details ?? '', /a replayed credential/);
    // The same credential on another request (a fresh one, so the nonce is unused).
    const fresh = new grpc.Metadata();
    fresh.set(CREDENTIAL_KEY, secret.sign(release.path, id, bytes)!);
    const moved = await failure(rawCall(w.address, 'Release', release.requestSerialize({ job: 'fedcba9876543210' }), fresh));
    assert.match(moved.details ?? '', /a credential for another request/);
    // And onto another method.
    const abort = gasWorkerMethods().Abort;
    const otherMethod = new grpc.Metadata();
    otherMethod.set(CREDENTIAL_KEY, secret.sign(release.path, id, bytes)!);
    const elsewhere = await failure(rawCall(w.address, 'Abort', bytes, otherMethod));
    assert.match(elsewhere.details ?? '', /a wrong credential/);
    assert.is(abort.path, '/gasworks.cluster.GasWorker/Abort');
    // A credential from too far in the past.
    const old = new grpc.Metadata();
    old.set(CREDENTIAL_KEY, secret.sign(release.path, id, bytes, Date.now() - 3_600_000)!);
    assert.match((await failure(rawCall(w.address, 'Release', bytes, old))).details ?? '', /-?\d+ s from this worker's clock/);
    // A good credential for one worker, replayed to another.
    const forW = new grpc.Metadata();
    forW.set(CREDENTIAL_KEY, secret.sign(release.path, id, bytes)!);
    await rawCall(w.address, 'Release', bytes, forW);
    const crossed = await failure(rawCall(other.address, 'Release', bytes, forW));
    assert.match(crossed.details ?? '', /a wrong credential \(another cluster token, or meant for another worker\?\)/);
    assert.is(logs.length, 4);
    assert.is(otherLogs.length, 1);
  } finally {
    await w.close();
    await other.close();
  }
});

test('an unauthenticated request is refused from its metadata, before it is decoded: a compressed bomb costs the worker nothing', async () => {
  const { worker: w, logs } = await worker({ security });
  try {
    // Connect with 40 million empty peers: 80 MB of protobuf that gzip makes 80 KB, and a 40-million-entry array once decoded.
    const bomb = Buffer.alloc(80_000_000);
    for (let i = 0; i < bomb.length; i += 2) bomb[i] = 0x1a;
    const connect = gasWorkerMethods().Connect;
    const client = new grpc.Client(w.address, grpc.credentials.createInsecure(), { ...CHANNEL_OPTIONS, 'grpc.default_compression_algorithm': 2 });
    const heapBefore = process.memoryUsage().heapUsed;
    const refused = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.makeUnaryRequest(connect.path, (b: Buffer) => b, (b: Buffer) => b, bomb, new grpc.Metadata(), { deadline: Date.now() + 20_000 }, (e) => resolve(e)),
    );
    client.close();
    assert.is(refused?.code, grpc.status.UNAUTHENTICATED);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 200e6, 'no 40-million-entry array was built');
    assert.ok(logs.some((l) => /^refused Connect from .*: no credential/.test(l)), logs.join('\n'));
  } finally {
    await w.close();
  }
});

test('an unauthenticated Setup naming a data: URL runs nothing, with or without a token on the worker', async () => {
  const marker = join(dir, 'pwned');
  const evil = `data:text/javascript,import("node:fs").then((fs) => fs.writeFileSync(${JSON.stringify(marker)}, "x"))`;
  const setup = gasWorkerMethods().Setup;
  const request = { protocol: PROTOCOL_VERSION, job: '0123456789abcdef', machine: 0, machines: 1, programModule: evil, programName: 'x', paramsJson: '{}' };
  for (const options of [{ security }, {}]) {
    const { worker: w, logs } = await worker(options);
    try {
      const refused = await failure(rawCall(w.address, 'Setup', setup.requestSerialize(request), new grpc.Metadata()));
      if (options.security) assert.is(refused.code, grpc.status.UNAUTHENTICATED);
      else {
        assert.is(refused.code, grpc.status.INVALID_ARGUMENT);
        assert.match(refused.details ?? '', /no bundled program module "data:text\/javascript/);
      }
      // Shipped source from a coordinator that holds no token, to a worker that holds none.
      const shipped = await failure(rawCall(w.address, 'Setup', setup.requestSerialize({ ...request, programModule: '', programSource: Buffer.from('import("node:fs")') }), new grpc.Metadata()));
      assert.match(shipped.details ?? '', options.security ? /no credential/ : /has no cluster token, so it runs bundled programs only/);
      assert.is(logs.length, 2, logs.join('\n'));
      assert.is(w.jobs(), 0);
    } finally {
      await w.close();
    }
  }
  // Even an authenticated coordinator cannot name a module outside the bundled programs.
  const { worker: w } = await worker({ security });
  try {
    const client = new WorkerClient(w.address, security, secretOf(security));
    for (const module of [evil, '../../../etc/passwd.js', 'dist/apps/cli/main.js', 'file:///tmp/x.js']) {
      const refused = await failure(client.call('Setup', { ...request, programModule: module }, Date.now() + 5000));
      assert.match(refused.details ?? '', /no bundled program module/, module);
    }
    client.close();
  } finally {
    await w.close();
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.not.ok(existsSync(marker), 'the data: module ran');
});

test('a coordinator with the token refuses replies without their MAC (a worker without the token posing as one)', async () => {
  const { worker: impostor } = await worker({});
  const { worker: real } = await worker({ security });
  try {
    const secret = secretOf(security);
    const toImpostor = new WorkerClient(impostor.address, security, secret);
    const refused = await failure(toImpostor.call('Release', { job: '0123456789abcdef' }, Date.now() + 5000));
    assert.match(refused.message, /fails its MAC/);
    toImpostor.close();
    const run = await failure(runCluster(pagerank, graph, { workers: [impostor.address], security, maxIterations: 1 }));
    assert.match(run.message, /fails its MAC/);
    // The real worker's replies pass.
    const toReal = new WorkerClient(real.address, security, secret);
    await toReal.call('Release', { job: '0123456789abcdef' }, Date.now() + 5000);
    toReal.close();
  } finally {
    await impostor.close();
    await real.close();
  }
});

test('out-of-order calls are refused: a superstep before Connect, or not the next one; an old epoch', async () => {
  const crew = await Promise.all([worker({ security }), worker({ security })]);
  const secret = secretOf(security);
  try {
    // A finished run leaves no job; set one up by hand through the coordinator's own client.
    const cc = programs.connectedComponents as VertexProgram;
    await runCluster(cc, graph, { workers: crew.map((c) => c.worker.address), security });
    const client = new WorkerClient(crew[0].worker.address, security, secret);
    const setup = await import('../../../core/graph/binary.js');
    const { clusterPlacement } = await import('../../../partitioner/cluster.js');
    const part = clusterPlacement('hdrf').place(graph, 1, 1);
    const bytes = (a: Uint16Array | Uint32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const job = 'aaaabbbbccccdddd';
    await client.call('Setup', { protocol: PROTOCOL_VERSION, job, machine: 0, machines: 1, programModule: 'dist/vertex-programs/connected-components.js', programName: 'connected-components', paramsJson: '{}', graph: setup.encodeGraph(graph), edgeMachines: bytes(part.machineOf), masters: bytes(part.masters), replicas: bytes(part.replicas), replicaWords: part.words }, Date.now() + 10_000);
    assert.match((await failure(client.call('Superstep', { job, superstep: 0, count: 1 }, Date.now() + 5000))).details ?? '', /Superstep before Connect/);
    await client.call('Connect', { job, epoch: 2, peers: ['127.0.0.1:1'] }, Date.now() + 5000);
    assert.match((await failure(client.call('Connect', { job, epoch: 1, peers: ['127.0.0.1:1'] }, Date.now() + 5000))).details ?? '', /epoch 1 after epoch 2/);
    assert.match((await failure(client.call('Superstep', { job, superstep: 3, count: 1 }, Date.now() + 5000))).details ?? '', /from superstep 3 .* at superstep 0/);
    const reply = await client.call<{ steps: number }>('Superstep', { job, superstep: 0, count: 2 }, Date.now() + 5000);
    assert.is(reply.steps, 2);
    assert.match((await failure(client.call('Superstep', { job, superstep: 0, count: 1 }, Date.now() + 5000))).details ?? '', /from superstep 0 .* at superstep 2/);
    await client.call('Release', { job }, Date.now() + 5000);
    client.close();
  } finally {
    await Promise.all(crew.map((c) => c.worker.close()));
  }
});

test('the data channel takes frames only from peers that answer its challenge with the same token', async () => {
  const logs: string[] = [];
  const receiver = await DataChannel.listen('127.0.0.1', { secret: new ClusterSecret(Buffer.from(token)), log: (l) => logs.push(l) });
  const friend = await DataChannel.listen('127.0.0.1', { secret: new ClusterSecret(Buffer.from(token)) });
  const stranger = await DataChannel.listen('127.0.0.1', { secret: new ClusterSecret(Buffer.from(newSecret())) });
  const to = `127.0.0.1:${receiver.port}`;
  const JOB = '0123456789abcdef';
  const lost: string[] = [];
  stranger.onPeerUnreachable = (e) => lost.push(e.message);
  stranger.send(to, { job: JOB, epoch: 0, superstep: 0, exchange: 1, from: 2, parts: [new Uint8Array([6, 6, 6])] });
  friend.send(to, { job: JOB, epoch: 0, superstep: 0, exchange: 1, from: 1, parts: [new Uint8Array([1])] });
  const frames = await receiver.receive(JOB, 0, 0, 1, 1);
  assert.equal(frames.map((f) => f.from), [1]);
  // A raw socket that sends bytes instead of an answer.
  await new Promise<void>((resolve) => {
    const socket = connect(receiver.port, '127.0.0.1', () => socket.write(Buffer.alloc(100, 7)));
    socket.resume();
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(logs.filter((l) => /a wrong answer to the challenge/.test(l)).length, 2, logs.join('\n'));
  assert.ok(lost.some((m) => /refused this worker's answer to its challenge/.test(m)), lost.join('\n'));
  // Nothing of the stranger's arrived.
  const late = receiver.receive(JOB, 0, 0, 1, 1);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('none'), 100));
  assert.is(await Promise.race([late, timeout]), 'none');
  for (const c of [receiver, friend, stranger]) c.close();
});

test('without TLS a frame altered on the way fails its MAC: the connection is refused, the frame never delivered', async () => {
  const logs: string[] = [];
  const receiver = await DataChannel.listen('127.0.0.1', { secret: new ClusterSecret(Buffer.from(token)), log: (l) => logs.push(l) });
  const sender = await DataChannel.listen('127.0.0.1', { secret: new ClusterSecret(Buffer.from(token)) });
  // A relay on the path that passes the handshake through and flips one byte of what follows.
  let forwarded = 0;
  const relay = createServer((inbound) => {
    const outbound = connect(receiver.port, '127.0.0.1');
    outbound.on('data', (chunk: Buffer) => inbound.write(chunk));
    inbound.on('data', (chunk: Buffer) => {
      const copy = Buffer.from(chunk);
      for (let i = 0; i < copy.length; i++, forwarded++) if (forwarded === 68 + 40 + 8) copy[i] ^= 1;
      outbound.write(copy);
    });
    const end = (): void => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('close', end);
    outbound.on('close', end);
    inbound.on('error', end);
    outbound.on('error', end);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
  const relayPort = (relay.address() as { port: number }).port;
  const JOB = '0123456789abcdef';
  sender.onPeerUnreachable = () => undefined;
  sender.send(`127.0.0.1:${relayPort}`, { job: JOB, epoch: 0, superstep: 0, exchange: 1, from: 1, parts: [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])] });
  const arrived = receiver.receive(JOB, 0, 0, 1, 1).then(() => 'delivered', () => 'failed');
  const timeout = new Promise((resolve) => setTimeout(() => resolve('none'), 300));
  assert.is(await Promise.race([arrived, timeout]), 'none');
  assert.ok(logs.some((l) => /frame 0 fails its MAC/.test(l)), logs.join('\n'));
  relay.close();
  receiver.close();
  sender.close();
});

test('a part length near 2^32 is refused, not wrapped to a small one', async () => {
  const logs: string[] = [];
  const receiver = await DataChannel.listen('127.0.0.1', { log: (l) => logs.push(l) });
  const secret = new ClusterSecret(null);
  await new Promise<void>((resolve) => {
    const socket = connect(receiver.port, '127.0.0.1');
    const mine = Buffer.alloc(32, 3);
    let hello = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      hello = Buffer.concat([hello, chunk]);
      if (!answered && hello.length >= 36) {
        answered = true;
        socket.write(Buffer.concat([Buffer.from('GWDA'), mine, secret.proof('connector', hello.subarray(4, 36), mine)]));
      }
      if (hello.length !== 72) return;
      const head = Buffer.alloc(48);
      head.writeUInt32LE(0x46445747, 0);
      head.writeUInt16LE(1, 16);
      head.write('0123456789abcdef', 20, 'latin1');
      head.writeUInt32LE(0xfffffff9, 40);
      socket.write(Buffer.concat([head, Buffer.alloc(16)]));
    });
    socket.on('close', () => resolve());
    socket.on('error', () => undefined);
  });
  assert.ok(logs.some((l) => /a frame part longer than/.test(l)), logs.join('\n'));
  receiver.close();
});

test('Setup checks the sizes it allocates by before anything else', async () => {
  const { worker: w } = await worker({ security });
  try {
    const client = new WorkerClient(w.address, security, secretOf(security));
    const base = { protocol: PROTOCOL_VERSION, job: '0123456789abcdef', machine: 0, programModule: 'dist/vertex-programs/pagerank.js', programName: 'pagerank', paramsJson: '{}' };
    for (const [fields, message] of [
      [{ machines: 30_000_000 }, /machines must be 1\.\.65535; got 30000000/],
      [{ machines: 2, machine: 2 }, /machine must be below machines \(2\); got 2/],
      [{ machines: 2, replicaWords: 5 }, /2 machines take 1 replica words per vertex; got 5/],
      [{ machines: 1, replicaWords: 1, paramsJson: '[' }, /the parameters are not JSON/],
      [{ machines: 1, replicaWords: 1, paramsJson: '{"nonsense": 1}' }, /program pagerank has no parameter "nonsense"/],
    ] as const) {
      const refused = await failure(client.call('Setup', { ...base, replicaWords: 1, ...fields }, Date.now() + 5000));
      assert.match(refused.details ?? '', message);
    }
    // The graph comes in chunks, in order, of one size.
    const job = 'abcdefabcdefabcd';
    await client.call('SendGraph', { job, total: 10, offset: 0, bytes: Buffer.alloc(4) }, Date.now() + 5000);
    assert.match((await failure(client.call('SendGraph', { job, total: 10, offset: 6, bytes: Buffer.alloc(4) }, Date.now() + 5000))).details ?? '', /a chunk of 4 bytes at 6 of 10, where 4 of 10 were received/);
    assert.match((await failure(client.call('SendGraph', { job: 'x', total: 10, offset: 0, bytes: Buffer.alloc(4) }, Date.now() + 5000))).details ?? '', /a job id is 16 hex digits/);
    assert.match((await failure(client.call('SendGraph', { job: 'abcdefabcdefabce', total: 2 ** 41, offset: 0, bytes: Buffer.alloc(4) }, Date.now() + 5000))).details ?? '', /total must be 1\.\.\d+ bytes/);
    await client.call('Release', { job }, Date.now() + 5000);
    client.close();
    assert.is(w.jobs(), 0);
  } finally {
    await w.close();
  }
});

test('a program cache others may write to is refused: shipped code is not taken there', async () => {
  const open = join(dir, 'open-cache');
  mkdirSync(open, { recursive: true });
  chmodSync(open, 0o777);
  const logs: string[] = [];
  const w = await startWorker('127.0.0.1:0', { security, programCache: open, log: (l) => logs.push(l) });
  try {
    const { failing } = await import('./programs.js');
    const refused = await failure(runCluster(failing as unknown as VertexProgram, graph, { workers: [w.address], security, maxIterations: 1 }));
    assert.match(refused.message, /the program cache .*open-cache must be a folder of this worker's user that no one else may write to/);
    assert.is(w.jobs(), 0);
  } finally {
    await w.close();
  }
});

/** A CA and one certificate it signed for 127.0.0.1 / localhost (server and client use), made with openssl; null without openssl. */
function certificates(): { ca: Buffer; cert: Buffer; key: Buffer; rogueCert: Buffer; rogueKey: Buffer } | null {
  const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    run(['version']);
  } catch {
    return null;
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=gasworks test CA']);
  run(['req', ...ec, '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=localhost']);
  run(['x509', '-req', '-in', 'node.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'node.crt', '-days', '2', '-extfile', 'ext.cnf']);
  // A certificate no cluster CA signed (self-signed, same names).
  run(['req', '-x509', ...ec, '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
  const read = (f: string): Buffer => readFileSync(join(dir, f));
  return { ca: read('ca.crt'), cert: read('node.crt'), key: read('node.key'), rogueCert: read('rogue.crt'), rogueKey: read('rogue.key') };
}

test('mutual TLS carries a run; a coordinator without the CA\'s certificate is refused', async () => {
  const pem = certificates();
  if (pem === null) {
    console.log('  skip: TLS test: openssl not found (.ci/run installs it)');
    return;
  }
  const tls = { cert: pem.cert, key: pem.key, ca: pem.ca };
  const secure: ClusterSecurity = { token, tls };
  const crew = await Promise.all([worker({ security: secure }), worker({ security: secure })]);
  const addresses = crew.map((c) => c.worker.address);
  try {
    const local = await runProgram(pagerank, graph, { workers: 1, maxIterations: 5 });
    const there = await runCluster(pagerank, graph, { workers: addresses, security: secure, maxIterations: 5 });
    const a = local.vertex.rank as Float64Array;
    const b = there.vertex.rank as Float64Array;
    for (let v = 0; v < a.length; v++) assert.ok(Math.abs(a[v] - b[v]) < 1e-12);
    const plain = await failure(runCluster(pagerank, graph, { workers: addresses, security: { token }, maxIterations: 2, callTimeoutSeconds: 5 }));
    assert.match(plain.message, /cannot reach worker|did not answer/);
    const rogue = await failure(runCluster(pagerank, graph, { workers: addresses, security: { token, tls: { cert: pem.rogueCert, key: pem.rogueKey, ca: pem.ca } }, maxIterations: 2, callTimeoutSeconds: 5 }));
    assert.match(rogue.message, /cannot reach worker|did not answer/);
    assert.equal(crew.map((c) => c.worker.jobs()), [0, 0]);
  } finally {
    await Promise.all(crew.map((c) => c.worker.close()));
  }
});

test.run();
