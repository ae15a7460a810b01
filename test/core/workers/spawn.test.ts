import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { spawnModuleWorker, siblingModule } from '../../../core/workers/spawn.js';
import { sharedFloat64 } from '../../../core/graph/shared.js';

test('a worker thread loads a project module and shares memory', async () => {
  const array = sharedFloat64(4);
  array.set([1, 2, 3, 4]);
  const worker = spawnModuleWorker(siblingModule(import.meta.url, 'echo-worker'), { workerData: { array } });
  const [reply] = await once(worker, 'message');
  await worker.terminate();
  assert.equal(reply, { edges: 2, vertices: 3 });
  assert.equal(Array.from(array), [2, 4, 6, 8]);
});

test.run();
