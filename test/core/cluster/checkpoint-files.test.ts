/**
 * Checkpoints on the workers' own storage (checkpoint-files.ts): with
 * `checkpointDir` every worker writes its part at each checkpoint and the
 * coordinator keeps only the loop's state; a spare that replaces a killed
 * worker rolls back from the files, and the run ends bit for bit as a run
 * with no loss (a loaded 'view' program, a streamed graph, and a program that
 * reads the whole graph). Each machine keeps at most its last two files, and
 * none once the job is released. A damaged file is refused by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sameBits } from './same-bits.js';
import { existsSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorker as startWorkerWith, type ClusterWorker } from '../../../core/cluster/worker-server.js';
import { runCluster as runClusterWith, type ClusterRunOptions } from '../../../core/cluster/coordinator.js';
import { randomPlacement } from '../../../core/cluster/placement.js';
import { rmatSource } from '../../../core/cluster/ingress.js';
import { CheckpointFiles } from '../../../core/cluster/checkpoint-files.js';
import { newSecret } from '../../../core/cluster/auth.js';
import type { VertexProgram } from '../../../core/program.js';
import { buildGraph } from '../../../core/graph/build.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import * as programs from '../../../vertex-programs/index.js';
import { tempDir } from '../../helpers.js';
import { WorkerClient } from '../../../core/cluster/client.js';
import { secretOf } from '../../../core/cluster/security.js';
import { PROTOCOL_VERSION } from '../../../core/cluster/wire.js';
import { encodeGraph } from '../../../core/graph/binary.js';
import { clusterPlacement } from '../../../partitioner/cluster.js';

const security = { token: newSecret() };
const programCache = tempDir('gasworks-programs-');
const runCluster: typeof runClusterWith = (program, graph, options: ClusterRunOptions) => runClusterWith(program, graph, { security, placement: randomPlacement, ...options });

test('a killed worker\'s spare rolls back from the workers\' files; the answer is as if none was lost', async () => {
  const options = { scale: 10, edgeFactor: 8, seed: 2 };
  const graph = buildGraph(rmatEdges(options));
  const cases: Array<[string, VertexProgram, Parameters<typeof runCluster>[1], number]> = [
    ['pagerank, loaded', programs.pagerank as unknown as VertexProgram, graph, 9],
    ['pagerank, streamed', programs.pagerank as unknown as VertexProgram, rmatSource(options), 9],
    ['label propagation (the whole graph on every machine)', programs.labelPropagation as unknown as VertexProgram, graph, 9],
  ];
  for (const [what, program, input, maxIterations] of cases) {
    const dir = tempDir('gasworks-checkpoints-');
    const start = (checkpointDir?: string): Promise<ClusterWorker> => startWorkerWith('127.0.0.1:0', { security, programCache, threads: 1, checkpointDir });
    const crew = await Promise.all([0, 1, 2].map(() => start(dir)));
    const spare = await start(dir);
    let killed = false;
    try {
      const expected = await runCluster(program, input, { workers: crew.map((w) => w.address), maxIterations });
      let most = 0;
      const result = await runCluster(program, input, {
        workers: crew.map((w) => w.address),
        spares: [spare.address],
        checkpointEvery: 2,
        maxIterations,
        onProgress: (p) => {
          // At most two checkpoint files per machine at a time.
          for (let m = 0; m < 3; m++) most = Math.max(most, readdirSync(dir).filter((name) => name.includes(`.m${m}.`)).length);
          if (p.superstep === 5 && !killed) {
            killed = true;
            crew[1].kill();
          }
        },
      });
      assert.is(result.recoveries, 1, what);
      assert.is(result.checkpointsAt, 'workers', what);
      assert.is(result.iterations, expected.iterations, what);
      for (const name of Object.keys(expected.vertex)) sameBits(result.vertex[name] as ArrayLike<number>, expected.vertex[name] as ArrayLike<number>, `${what}: ${name}`);
      assert.ok(most >= 1 && most <= 2, `${what}: ${most} files of one machine at once`);
      // Released: the live machines' files are gone (the killed worker's stay behind, as after any crash).
      // (Release answers before its files are removed: wait a little.)
      for (let i = 0; i < 50 && readdirSync(dir).some((name) => !name.includes('.m1.')); i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(readdirSync(dir).filter((name) => !name.includes('.m1.')), [], `${what}: files left`);
    } finally {
      // A killed worker is gone already; the others are closed here, whatever happened.
      await Promise.all([crew[0], crew[2], spare, ...(killed ? [] : [crew[1]])].map((w) => w.close()));
    }
  }
});

test('a worker replaced while alive keeps its files (its spare reads them); one released at the end removes them', async () => {
  const dir = tempDir('gasworks-checkpoint-release-');
  const worker = await startWorkerWith('127.0.0.1:0', { security, programCache, checkpointDir: dir });
  const client = new WorkerClient(worker.address, security, secretOf(security));
  try {
    const graph = buildGraph(rmatEdges({ scale: 7, edgeFactor: 4, seed: 1 }));
    const part = clusterPlacement('hdrf').place(graph, 1, 1);
    const bytes = (a: Uint16Array | Uint32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const [job, keep] of [['00112233445566aa', true], ['00112233445566bb', false]] as const) {
      const reply = await client.call<{ checkpoints: boolean }>('Setup', { protocol: PROTOCOL_VERSION, job, machine: 0, machines: 1, programModule: 'dist/vertex-programs/pagerank.js', programName: 'pagerank', paramsJson: '{}', graph: encodeGraph(graph), edgeMachines: bytes(part.machineOf), masters: bytes(part.masters), replicas: bytes(part.replicas), replicaWords: part.words }, Date.now() + 10_000);
      assert.ok(reply.checkpoints);
      await client.call('Checkpoint', { job, superstep: 0, complete: -1 }, Date.now() + 10_000);
      assert.ok(existsSync(join(dir, `${job}.m0.s0.gwc`)));
      await client.call('Release', { job, keepCheckpoints: keep }, Date.now() + 10_000);
      for (let i = 0; i < 50 && existsSync(join(dir, `${job}.m0.s0.gwc`)) !== keep; i++) await new Promise((r) => setTimeout(r, 20));
      assert.is(existsSync(join(dir, `${job}.m0.s0.gwc`)), keep, `keepCheckpoints ${keep}`);
    }
  } finally {
    client.close();
    await worker.close();
  }
});

test('a spare without --checkpoint-dir, where the run keeps its checkpoints on the workers, is named', async () => {
  const dir = tempDir('gasworks-checkpoints-nospare-');
  const crew = await Promise.all([0, 1].map(() => startWorkerWith('127.0.0.1:0', { security, programCache, threads: 1, checkpointDir: dir })));
  const spare = await startWorkerWith('127.0.0.1:0', { security, programCache, threads: 1 });
  let killed = false;
  try {
    await runCluster(programs.pagerank as unknown as VertexProgram, buildGraph(rmatEdges({ scale: 9, seed: 3 })), {
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
    assert.unreachable('ran');
  } catch (error) {
    assert.match((error as Error).message, /spare 127\.0\.0\.1:\d+ keeps no checkpoints, and the run's are on the workers: start every spare with --checkpoint-dir/);
  } finally {
    await Promise.all([crew[0], spare, ...(killed ? [] : [crew[1]])].map((w) => w.close()));
  }
});

test('a damaged or missing checkpoint file is refused by its path', async () => {
  const dir = tempDir('gasworks-checkpoint-file-');
  const files = new CheckpointFiles(dir);
  const data = { vertices: { machine: 0, ids: new Uint8Array(new Uint32Array([1, 2]).buffer), columns: [new Uint8Array(new Float64Array([0.5, 0.25]).buffer)] }, edges: { machine: 0, ids: new Uint8Array(0), columns: [] }, active: Uint32Array.of(2), aggregates: Float64Array.of(3) };
  await files.write('0123456789abcdef', 0, 4, data);
  const back = await files.read('0123456789abcdef', 0, 4, 1, 0);
  assert.equal(Array.from(new Uint32Array(back.vertices.ids.buffer, back.vertices.ids.byteOffset, 2)), [1, 2]);
  assert.equal(Array.from(new Float64Array(back.vertices.columns![0].buffer, back.vertices.columns![0].byteOffset, 2)), [0.5, 0.25]);
  assert.equal(Array.from(back.active), [2]);
  assert.equal(Array.from(back.aggregates), [3]);
  const path = join(dir, '0123456789abcdef.m0.s4.gwc');
  assert.ok(existsSync(path));
  for (const [bytes, pattern] of [
    ['not a checkpoint', /no header/],
    ['gasworks checkpoint 1\n{"job":"0123456789abcdef","machine":1,"superstep":4,"parts":[0,0,0,0,0]}\n', /header says/],
    ['gasworks checkpoint 1\n{"job":"0123456789abcdef","machine":0,"superstep":4,"parts":[4,0,0,0,0]}\n', /bytes where its header says/],
  ] as const) {
    writeFileSync(path, bytes);
    try {
      await files.read('0123456789abcdef', 0, 4, 1, 0);
      assert.unreachable('read');
    } catch (error) {
      assert.match((error as Error).message, pattern);
      assert.match((error as Error).message, /0123456789abcdef\.m0\.s4\.gwc/);
    }
  }
  try {
    await files.read('0123456789abcdef', 2, 4, 1, 0);
    assert.unreachable('read');
  } catch (error) {
    assert.match((error as Error).message, /no checkpoint of machine 2 after superstep 4 .*storage every worker of the run reads/);
  }
  await files.drop('0123456789abcdef', 0);
  assert.equal(readdirSync(dir), []);
  // Under a cluster's key: a file written under another key, or none, is refused; a link is not followed.
  const keyed = new CheckpointFiles(dir, Buffer.alloc(32, 7));
  await new CheckpointFiles(dir, Buffer.alloc(32, 8)).write('0123456789abcdef', 0, 4, data);
  for (const reader of [keyed]) {
    try {
      await reader.read('0123456789abcdef', 0, 4, 1, 0);
      assert.unreachable('read');
    } catch (error) {
      assert.match((error as Error).message, /its MAC does not match/);
    }
  }
  await keyed.write('0123456789abcdef', 0, 4, data);
  assert.equal(Array.from((await keyed.read('0123456789abcdef', 0, 4, 1, 0)).active), [2]);
  rmSync(path);
  symlinkSync('/dev/zero', path);
  try {
    await keyed.read('0123456789abcdef', 0, 4, 1, 0);
    assert.unreachable('read');
  } catch (error) {
    assert.match((error as Error).message, /must be a regular file, not a link/);
  }
});

test.run();
