/**
 * The training host's status (core/cluster/training/host.ts): a training job
 * is listed from its setup to its release, with its trainer module, the
 * calls it has answered, its lease and threads, as `gasworks status` shows
 * it beside the graph jobs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TrainingHost, TRAINING_PROTOCOL } from '../../../../core/cluster/training/host.js';

const trainer = new URL('./echo-trainer.js', import.meta.url).href;

test('a training job is in the status from setup to release, with its calls counted', async () => {
  const host = new TrainingHost({ moduleUrl: () => trainer, send: () => undefined, threads: 3, log: () => undefined, dataPort: () => 1 });
  const job = '0123456789abcdef';
  assert.equal(host.status(), []);
  await host.handle({ job, op: 'setup', json: JSON.stringify({ protocol: TRAINING_PROTOCOL, machine: 1, machines: 2, module: 'echo', leaseMs: 60_000 }), parts: [] });
  await host.handle({ job, op: 'connect', json: JSON.stringify({ epoch: 1, peers: ['127.0.0.1:1', '127.0.0.1:2'] }), parts: [] });
  for (let call = 0; call < 3; call++) await host.handle({ job, op: 'round', json: JSON.stringify({ call }), parts: [] });
  const [status] = host.status();
  assert.equal({ ...status, ageMs: 0, leaseLeftMs: 0 }, { job, machine: 1, machines: 2, trainer: 'echo', calls: 3, ageMs: 0, leaseLeftMs: 0, threads: 3 });
  assert.ok(status.leaseLeftMs > 50_000 && status.leaseLeftMs <= 60_000);
  await host.handle({ job, op: 'release', json: '', parts: [] });
  assert.equal(host.status(), []);
  host.close?.();
});

test.run();
