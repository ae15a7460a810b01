import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { acquireLock, releaseLock, lockScope, unlockScope } from '../../../core/engine/locks.js';
import { buildGraph, graphFromPairs } from '../../../core/graph/build.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import { sharedFloat64, sharedInt32 } from '../../../core/graph/shared.js';
import { spawnModuleWorker, siblingModule } from '../../../core/workers/spawn.js';
import { Random } from '../../../core/util/random.js';
import { stepVertices, type LocksWorkerData } from './locks-worker.js';

test('lockScope takes v and its distinct neighbours once each, unlockScope frees them', () => {
  // 2 has in-neighbours 0, 1, 1 (a repeated edge) and out-neighbours 1, 3.
  const graph = graphFromPairs([[0, 2], [1, 2], [1, 2], [2, 1], [2, 3], [4, 0]], { numVertices: 6 });
  const words = sharedInt32(6);
  assert.is(lockScope(words, graph, 2, true, true), 4);
  assert.equal(Array.from(words), [1, 1, 1, 1, 0, 0]);
  assert.is(unlockScope(words, graph, 2, true, true), 4);
  assert.equal(Array.from(words), [0, 0, 0, 0, 0, 0]);
  assert.is(lockScope(words, graph, 2, false, true), 3);
  assert.equal(Array.from(words), [0, 1, 1, 1, 0, 0]);
  unlockScope(words, graph, 2, false, true);
  assert.is(lockScope(words, graph, 4, false, false), 1);
  assert.equal(Array.from(words), [0, 0, 0, 0, 1, 0]);
  releaseLock(words, 4);
  acquireLock(words, 5);
  assert.is(words[5], 1);
});

test('two threads incrementing whole neighbourhoods under scope locks lose no update', async () => {
  const list = rmatEdges({ scale: 9, edgeFactor: 8, seed: 3 });
  const graph = buildGraph(list);
  const n = graph.numVertices;
  const threads = 2;
  const steps = 20000;
  const counters = sharedFloat64(n);
  const words = sharedInt32(n);
  const start = sharedInt32(1);
  const workers = [];
  for (let t = 0; t < threads; t++) {
    const data: LocksWorkerData = {
      graph: { numVertices: n, inOffsets: graph.inOffsets, inSources: graph.inSources, outOffsets: graph.outOffsets, outTargets: graph.outTargets },
      words,
      counters,
      seed: 100 + t,
      steps,
      locked: true,
      start,
      threads,
    };
    workers.push(spawnModuleWorker(siblingModule(import.meta.url, 'locks-worker'), { workerData: data }));
  }
  await Promise.all(workers.map((w) => once(w, 'message')));
  await Promise.all(workers.map((w) => w.terminate()));
  // Serial reference: the same seeded steps, one after the other.
  const expected = new Float64Array(n);
  for (let t = 0; t < threads; t++) {
    const random = new Random(100 + t);
    for (let s = 0; s < steps; s++) stepVertices(graph, random.nextInt(n), (u) => expected[u]++);
  }
  for (let v = 0; v < n; v++) if (counters[v] !== expected[v]) assert.unreachable(`vertex ${v}: ${counters[v]} != ${expected[v]}`);
  assert.ok(words.every((w) => w === 0), 'every lock released');
});

test.run();
