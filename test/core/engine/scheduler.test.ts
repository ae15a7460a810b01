import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VertexQueue, createQueueBuffers } from '../../../core/engine/scheduler.js';

function drain(queue: VertexQueue, max = 64): number[] {
  const out = new Uint32Array(max);
  const order: number[] = [];
  for (;;) {
    const k = queue.popBatch(out, max);
    if (k === 0) return order;
    for (let i = 0; i < k; i++) order.push(out[i]);
  }
}

test('fifo: first in, first out; a queued vertex is never queued twice', () => {
  const q = new VertexQueue(createQueueBuffers(10, 'fifo'));
  for (const v of [5, 2, 5, 9, 2, 0]) q.signal(v);
  assert.is(q.pending(), 4);
  assert.is(q.queued(), 4);
  const order = drain(q, 3);
  assert.equal(order, [5, 2, 9, 0]);
  assert.is(q.pending(), 4, 'popped vertices are running, still pending');
  for (const v of order) q.finish(v);
  assert.is(q.pending(), 0);
  assert.equal(drain(q), []);
});

test('a signal to a running vertex re-queues it when it finishes; further signals are absorbed', () => {
  const q = new VertexQueue(createQueueBuffers(4, 'fifo'));
  q.signal(1);
  assert.equal(drain(q), [1]);
  q.signal(1);
  q.signal(1);
  assert.is(q.queued(), 0, 'not queued while it runs');
  q.finish(1);
  assert.is(q.pending(), 1);
  assert.equal(drain(q), [1]);
  q.finish(1);
  assert.is(q.pending(), 0);
  q.signal(1);
  assert.equal(drain(q), [1], 'idle again: a new signal queues it');
});

test('priority: higher accumulated |delta| first, across buckets; fifo within a bucket', () => {
  const q = new VertexQueue(createQueueBuffers(8, 'priority'));
  q.signal(0, 1e-6);
  q.signal(1, -4);
  q.signal(2, 0.5);
  q.signal(3);
  q.signal(4, 3.5);
  q.signal(5, 1000);
  // 1 (|-4|) and 4 (3.5) share bucket [2, 4); order of arrival within it.
  assert.equal(drain(q, 1), [5, 1, 4, 2, 0, 3]);
  for (let v = 0; v < 6; v++) q.finish(v);
  assert.is(q.pending(), 0);
  // Priority restarts at zero after a pop.
  q.signal(5, 1e-3);
  q.signal(6, 1);
  assert.equal(drain(q, 1), [6, 5]);
});

/** Pop one at a time, finishing each before the next pop (as a thread does). */
function drainFinishing(queue: VertexQueue): number[] {
  const out = new Uint32Array(1);
  const order: number[] = [];
  while (queue.popBatch(out, 1) === 1) {
    order.push(out[0]);
    queue.finish(out[0]);
  }
  return order;
}

test('buckets: smallest key first by bucket of `width`; the lowest key a vertex was signalled with counts', () => {
  const q = new VertexQueue(createQueueBuffers(8, 'buckets', 10));
  q.signal(0, 35);
  q.signal(1, 12);
  q.signal(2, 3);
  q.signal(3, 18);
  q.signal(1, 50); // a higher key does not raise 1's
  q.signal(4, 1e9); // past the ring: its last bucket, still run
  // 2 (bucket 0), then 1 and 3 (bucket 1, in order of arrival), 0 (bucket 3), 4.
  assert.equal(drainFinishing(q), [2, 1, 3, 0, 4]);
  assert.is(q.pending(), 0);
  // The cursor has moved up to 4's bucket: lower keys and a keyless signal join it, in order of arrival.
  q.signal(5, 45);
  q.signal(6, 0);
  q.signal(7);
  assert.equal(drainFinishing(q), [5, 6, 7]);
});

test('buckets: a key that falls moves its queued vertex to the lower bucket; pops hand out the keys', () => {
  const q = new VertexQueue(createQueueBuffers(6, 'buckets', 1));
  q.signal(0, 5);
  q.signal(1, 9);
  q.signal(2, 7);
  q.signal(1, 2); // refiled from bucket 9 to bucket 2
  q.signal(2, 7.5); // not lower: stays
  const out = new Uint32Array(4);
  const keys = new Float64Array(4);
  assert.is(q.popBatch(out, 4, 1, keys), 1);
  assert.equal([out[0], keys[0]], [1, 2]);
  q.finish(1);
  assert.is(q.popBatch(out, 4, 1, keys), 1);
  assert.equal([out[0], keys[0]], [0, 5]);
  // While 0 runs, the next bucket (2's, key 7) is not handed out: 0 may still signal lower keys.
  assert.is(q.popBatch(out, 4, 1, keys), 0);
  q.signal(3, 6);
  q.finish(0);
  assert.is(q.popBatch(out, 4, 1, keys), 1);
  assert.equal([out[0], keys[0]], [3, 6]);
  q.finish(3);
  assert.is(q.popBatch(out, 4, 1, keys), 1);
  assert.equal([out[0], keys[0]], [2, 7]);
  // A signal while running: the vertex runs again with the new key (none lost).
  q.signal(2, 4);
  q.finish(2);
  assert.is(q.popBatch(out, 4, 1, keys), 1);
  assert.equal([out[0], keys[0]], [2, 4]);
  q.finish(2);
  assert.is(q.pending(), 0);
});

test('seeded random signal/pop/finish sequences keep pending = queued + running', () => {
  for (const kind of ['fifo', 'priority'] as const) {
    let s = 7;
    const rand = (k: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) % k;
    };
    const n = 50;
    const q = new VertexQueue(createQueueBuffers(n, kind));
    const running = new Set<number>();
    const out = new Uint32Array(8);
    for (let step = 0; step < 5000; step++) {
      const op = rand(3);
      if (op === 0) q.signal(rand(n), rand(100) / 10);
      else if (op === 1) {
        const k = q.popBatch(out, 1 + rand(8));
        for (let i = 0; i < k; i++) {
          assert.not.ok(running.has(out[i]), 'never run twice at once');
          running.add(out[i]);
        }
      } else if (running.size > 0) {
        const v = [...running][rand(running.size)];
        running.delete(v);
        q.finish(v);
      }
      assert.is(q.pending(), q.queued() + running.size);
    }
  }
});

test('buffered: signals wait in the outbox until finishBatch, counted as pending before the runs end', () => {
  for (const kind of ['fifo', 'priority'] as const) {
    const buffers = createQueueBuffers(10, kind);
    const main = new VertexQueue(buffers);
    const worker = new VertexQueue(buffers, { buffered: true });
    main.signal(0);
    main.signal(1);
    const batch = new Uint32Array(4);
    assert.is(worker.popBatch(batch, 4), 2);
    // While 0 and 1 run they signal 2..5 (priorities in different buckets) and 1 again.
    worker.signal(2, 1);
    worker.signal(3, 1000);
    worker.signal(4, 1);
    worker.signal(1);
    worker.signal(5, 0.001);
    assert.is(worker.queued(), 0, 'nothing visible before the flush');
    assert.is(worker.pending(), 2);
    worker.finishBatch(batch, 2);
    // 0 went idle; 1 (dirty) was re-queued; 2..5 are new.
    assert.is(worker.pending(), 5);
    assert.is(worker.queued(), 5);
    const order = drain(main, 1);
    assert.equal([...order].sort(), [1, 2, 3, 4, 5]);
    if (kind === 'priority') assert.equal(order, [3, 2, 4, 5, 1]);
    else assert.equal(order, [2, 3, 4, 5, 1], "new ones in signal order, then the re-queued dirty one");
  }
});

test.run();
