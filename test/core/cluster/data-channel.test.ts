/**
 * The cluster's data channel on its own: frames of many sizes (empty parts,
 * odd lengths, megabytes) between two channels over real sockets arrive
 * whole, in order, 8-aligned; waits resolve whether frames come before or
 * after them; abort and close fail waits; a peer nobody listens at is
 * reported unreachable; frames the filter refuses are dropped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { DataChannel, PeerUnreachable, type Frame } from '../../../core/cluster/data-channel.js';
import { Random } from '../../../core/util/random.js';

const JOB = '0123456789abcdef';
const address = (c: DataChannel): string => `127.0.0.1:${c.port}`;

function frame(superstep: number, exchange: number, from: number, parts: Uint8Array[]): Frame {
  return { job: JOB, epoch: 0, superstep, exchange, from, parts };
}

test('frames of every size arrive whole, in order and 8-aligned', async () => {
  const a = await DataChannel.listen('127.0.0.1');
  const b = await DataChannel.listen('127.0.0.1');
  const random = new Random(7);
  const sent: Uint8Array[][] = [];
  for (let i = 0; i < 40; i++) {
    const parts = Array.from({ length: random.nextInt(4) }, () => {
      const size = random.next() < 0.1 ? 1 + random.nextInt(3_000_000) : random.nextInt(2000);
      const part = new Uint8Array(size);
      for (let j = 0; j < size; j += 97) part[j] = (i * 31 + j) & 255;
      return part;
    });
    sent.push(parts);
    a.send(address(b), frame(i, 1, 0, parts));
  }
  for (let i = 0; i < 40; i++) {
    const [got] = await b.receive(JOB, 0, i, 1, 1);
    assert.is(got.from, 0);
    assert.is(got.parts.length, sent[i].length, `frame ${i}: parts`);
    got.parts.forEach((part, p) => {
      assert.is(part.byteOffset % 8, 0, `frame ${i} part ${p} is aligned`);
      assert.ok(Buffer.from(part).equals(Buffer.from(sent[i][p])), `frame ${i} part ${p} is intact`);
    });
  }
  a.close();
  b.close();
});

test('receive waits for the count asked, sorted by sender; abort and close fail the waits', async () => {
  const a = await DataChannel.listen('127.0.0.1');
  const b = await DataChannel.listen('127.0.0.1');
  const c = await DataChannel.listen('127.0.0.1');
  const waiting = c.receive(JOB, 0, 5, 2, 2);
  b.send(address(c), frame(5, 2, 2, [new Uint8Array([2])]));
  a.send(address(c), frame(5, 2, 1, [new Uint8Array([1])]));
  assert.equal((await waiting).map((f) => f.from), [1, 2]);
  const aborted = c.receive(JOB, 0, 6, 2, 1);
  c.abort(JOB, 'rolled back');
  await aborted.then(
    () => assert.unreachable('should have failed'),
    (error: Error) => assert.is(error.message, 'rolled back'),
  );
  const closing = c.receive(JOB, 0, 7, 2, 1);
  c.close();
  await closing.then(
    () => assert.unreachable('should have failed'),
    (error: Error) => assert.match(error.message, /shutting down/),
  );
  a.close();
  b.close();
});

test('a peer nobody listens at is reported unreachable; refused frames are dropped', async () => {
  // A port that was free a moment ago.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const a = await DataChannel.listen('127.0.0.1');
  const reported = new Promise<PeerUnreachable>((resolve) => (a.onPeerUnreachable = resolve));
  a.send(`127.0.0.1:${port}`, frame(0, 1, 0, []));
  const error = await reported;
  assert.instance(error, PeerUnreachable);
  assert.is(error.address, `127.0.0.1:${port}`);

  const b = await DataChannel.listen('127.0.0.1');
  b.accept = (f) => f.epoch >= 3;
  a.send(address(b), { ...frame(0, 1, 0, [new Uint8Array([9])]), epoch: 2 });
  a.send(address(b), { ...frame(0, 1, 0, [new Uint8Array([8])]), epoch: 3 });
  const [kept] = await b.receive(JOB, 3, 0, 1, 1);
  assert.equal(Array.from(kept.parts[0]), [8]);
  a.close();
  b.close();
});

test.run();
