/**
 * The shared-memory vertex scheduler of the asynchronous engine's `fifo` and
 * `priority` modes, used by every thread at once (and inline by one).
 *
 * Each vertex has a state word: idle, queued, running, or running-and-signalled
 * ("dirty"). `signal(u)` moves idle -> queued (and queues u) or running ->
 * dirty; a queued or dirty vertex absorbs further signals, so a vertex is never
 * queued twice and never run by two threads at once. When a run ends, a dirty
 * vertex is queued again instead of going idle, so a signal that arrives while
 * its target runs is never lost. `pending` counts queued plus running vertices:
 * it rises before a vertex is queued and falls only after its run (and every
 * signal that run sent) is over, so a thread that finds the queue empty and
 * pending at zero knows the computation is finished.
 *
 * Queued vertices sit in buckets, each a linked list through the shared `next`
 * array (a vertex is in at most one bucket) guarded by a spin lock; threads pop
 * small batches per lock. `fifo` has one bucket. `priority` is approximate: the
 * |delta| of every signal(u, delta) is added to u's priority (plain, racy adds),
 * a vertex is queued into bucket floor(log2(priority)) (64 buckets from 2^-40
 * up) at the moment it becomes queued, and threads pop from the highest
 * non-empty bucket; priority that accrues while a vertex waits does not move
 * it. A popped vertex's priority restarts from zero.
 *
 * `buckets` orders by a key instead, smallest first, as delta-stepping does
 * (Meyer & Sanders 2003): signal(u, key) lowers u's key to `key` (a racy
 * min; SSSP passes the tentative distance), and a vertex is queued into
 * bucket floor(key / width), counted from a shared cursor that moves up to
 * the lowest non-empty bucket. The buckets are a ring of BUCKET_RING: a key
 * below the cursor goes into the cursor's bucket, one past the ring's end
 * into its last bucket, a signal without a key into the cursor's bucket.
 * Threads pop from the cursor's bucket, so keys run in rising order (within
 * a bucket in any order, and approximately across threads: the answer must
 * not depend on the order, only the work does). A key that falls below its
 * bucket while the vertex waits moves it to the lower bucket (the lists are
 * doubly linked for that), as delta-stepping re-files a vertex whose
 * tentative distance improved. A popped vertex's key is handed to the caller
 * (`popBatch`'s `keys`) and restarts at Infinity; with several threads each
 * key is lowered and taken under a lock of its own, and a pop marks the
 * vertex running before it takes the key, so a signal either lowers the key
 * the run takes or finds the vertex running and queues it again: no key is
 * lost, which lets a program use the keys as its accumulator
 * (ProgramDefinition.gatherFromSignals). A thread does not move the cursor
 * past an emptied bucket while other threads still run vertices (their
 * signals may fall in it or the next): it waits, as delta-stepping's threads
 * meet at a barrier before the next bucket; otherwise it races ahead into
 * higher keys and their vertices run again once the lower keys arrive.
 *
 * A worker's queue is `buffered`: the vertices its signals queue wait in a
 * local outbox and enter the shared buckets in one locked append per batch
 * (`finishBatch` flushes), since one lock round trip per vertex is what made
 * per-vertex scheduling slow. They are counted as pending at the flush, which
 * comes before the runs that signalled them are finished, so pending never
 * reads zero while work is still buffered.
 */
import { acquireLock, releaseLock } from './locks.js';

export type QueueKind = 'fifo' | 'priority' | 'buckets';

const IDLE = 0;
const QUEUED = 1;
const RUNNING = 2;
const DIRTY = 3;

/** Int32 words per cache line: each bucket's words sit on their own line. */
const LINE = 16;
const PENDING = 0;
const LOCK = 0;
const HEAD = 1;
const TAIL = 2;
const SIZE = 3;

const PRIORITY_BUCKETS = 64;
/** log2 of the smallest priority with a bucket of its own (smaller ones share bucket 0). */
const PRIORITY_FLOOR_LOG2 = -40;
/** Buckets in the `buckets` ring: keys up to this many widths above the cursor keep their order. */
const BUCKET_RING = 512;
/** The `buckets` cursor: the lowest bucket (by absolute number, not ring slot) that may hold vertices. */
const CURSOR = 1;
/** The `buckets` vertices popped and not yet finished, all threads together. */
const IN_RUN = 2;
/** Words per vertex in `meta`, and their offsets. */
const META = 4;
const STATE = 0;
const NEXT = 1;
const PREV = 2;
const WHERE = 3;

/** The shared arrays of a scheduler: post them to workers and rebuild with `new VertexQueue(buffers)`. */
export interface VertexQueueBuffers {
  kind: QueueKind;
  control: Int32Array;
  /**
   * Four Int32 words per vertex, side by side so that one cache line holds them: its state, the
   * next vertex in its bucket's list and (`buckets`) the previous one and the ring slot it is
   * listed in (-1: none).
   */
  meta: Int32Array;
  priority: Float64Array | null;
  /** `buckets`: the key range of one bucket. */
  width: number;
  /** `buckets` on several threads: a lock per vertex's key. */
  keyLocks: Int32Array | null;
}

const bucketCount = (kind: QueueKind): number => (kind === 'priority' ? PRIORITY_BUCKETS : kind === 'buckets' ? BUCKET_RING : 1);

export function createQueueBuffers(numVertices: number, kind: QueueKind, width = 1, threads = 1): VertexQueueBuffers {
  const buckets = bucketCount(kind);
  const words = (): Int32Array => new Int32Array(new SharedArrayBuffer(Math.max(1, numVertices) * 4));
  const keyed = kind === 'buckets';
  const meta = new Int32Array(new SharedArrayBuffer(Math.max(1, numVertices) * META * 4));
  for (let v = 0; v < numVertices; v++) meta[v * META + WHERE] = -1;
  const control = new Int32Array(new SharedArrayBuffer((1 + buckets) * LINE * 4));
  for (let b = 0; b < buckets; b++) {
    control[(1 + b) * LINE + HEAD] = -1;
    control[(1 + b) * LINE + TAIL] = -1;
  }
  return {
    kind,
    control,
    meta,
    priority: kind === 'fifo' ? null : new Float64Array(new SharedArrayBuffer(Math.max(1, numVertices) * 8)).fill(kind === 'buckets' ? Infinity : 0),
    width,
    keyLocks: keyed && threads > 1 ? words() : null,
  };
}

export class VertexQueue {
  readonly kind: QueueKind;
  private readonly control: Int32Array;
  private readonly meta: Int32Array;
  private readonly priority: Float64Array | null;
  private readonly buckets: number;
  private readonly buffered: boolean;
  /** `buckets` mode. */
  private readonly keyed: boolean;
  private readonly inverseWidth: number;
  private readonly keyLocks: Int32Array | null;
  /** Vertices queued by this thread and not yet in the buckets (buffered mode). */
  private outbox = new Int32Array(1024);
  private outboxSize = 0;
  /** How many outbox vertices are newly queued (the rest are re-queued dirty ones, already pending). */
  private outboxNew = 0;
  private outboxBucket = new Uint16Array(1024);
  private outboxSorted = new Int32Array(1024);
  /** Flush's counting sort: vertices per bucket (all zero between flushes), and the buckets used. */
  private readonly bucketCounts: Int32Array;
  private readonly touchedBuckets: Uint16Array;

  constructor(buffers: VertexQueueBuffers, options: { buffered?: boolean } = {}) {
    this.buffered = options.buffered ?? false;
    this.kind = buffers.kind;
    this.control = buffers.control;
    this.meta = buffers.meta;
    this.priority = buffers.priority;
    this.buckets = bucketCount(buffers.kind);
    this.keyed = buffers.kind === 'buckets';
    this.inverseWidth = 1 / buffers.width;
    this.keyLocks = buffers.keyLocks;
    this.bucketCounts = new Int32Array(this.buckets);
    this.touchedBuckets = new Uint16Array(this.buckets);
  }

  /** Activate u; `delta` adds |delta| to its priority (priority mode), or lowers its key to `delta` (buckets). Safe from any thread. */
  signal(u: number, delta?: number): void {
    const priority = this.priority;
    let lowered = false;
    if (priority !== null) {
      if (this.keyed) {
        const key = delta === undefined ? -Infinity : delta;
        // Most signals do not lower a key already set: they return here, with no lock (the
        // signalling thread's fence after its apply, async-kernels' 'fenced', orders its writes).
        const seen = priority[u];
        if (!(key < seen) && seen !== Infinity) return;
        const locks = this.keyLocks;
        if (locks !== null) acquireLock(locks, u);
        const had = priority[u];
        if (key < had) {
          priority[u] = key;
          lowered = true;
        }
        if (locks !== null) releaseLock(locks, u);
        // A finite key not lowered: the signal that set it queues u (or has), and u's run takes a
        // key no larger than this one, after this signaller's writes (the key lock orders them).
        if (!lowered && had !== Infinity) return;
      } else if (delta !== undefined) priority[u] += delta < 0 ? -delta : delta;
    }
    const meta = this.meta;
    const at = u * META + STATE;
    let s = Atomics.load(meta, at);
    for (;;) {
      if (s === QUEUED) {
        if (lowered) this.refile(u);
        return;
      }
      if (s === DIRTY) return;
      if (s === IDLE) {
        const seen = Atomics.compareExchange(meta, at, IDLE, QUEUED);
        if (seen === IDLE) {
          if (this.buffered) {
            this.toOutbox(u);
            this.outboxNew++;
          } else {
            Atomics.add(this.control, PENDING, 1);
            this.push(u);
          }
          return;
        }
        s = seen;
      } else {
        const seen = Atomics.compareExchange(meta, at, RUNNING, DIRTY);
        if (seen === RUNNING) return;
        s = seen;
      }
    }
  }

  /**
   * Take up to `max` queued vertices into `out` (from the highest non-empty
   * bucket), but no more than 1/`share` of that bucket (rounded up) so that
   * `share` threads all get work from a short queue; marks them running and
   * returns how many. 0 means the queue looked empty: check `pending()` before
   * concluding that the work is done. `buckets`: `keys[i]` gets out[i]'s key.
   */
  popBatch(out: Uint32Array, max: number, share = 1, keys: Float64Array | null = null): number {
    if (this.keyed) return this.popLowest(out, max, share, keys);
    const control = this.control;
    for (let b = this.buckets - 1; b >= 0; b--) {
      const base = (1 + b) * LINE;
      if (Atomics.load(control, base + SIZE) === 0) continue;
      acquireLock(control, base + LOCK);
      let size = control[base + SIZE];
      let head = control[base + HEAD];
      let taken = 0;
      const limit = Math.min(max, Math.ceil(size / share));
      while (taken < limit) {
        out[taken++] = head;
        head = this.meta[head * META + NEXT];
        size--;
      }
      control[base + HEAD] = head;
      if (size === 0) control[base + TAIL] = -1;
      Atomics.store(control, base + SIZE, size);
      releaseLock(control, base + LOCK);
      if (taken === 0) continue;
      this.markRunning(out, taken);
      return taken;
    }
    return 0;
  }

  /** `buckets`: take from the lowest non-empty bucket at or above the cursor (the whole ring is looked at). */
  private popLowest(out: Uint32Array, max: number, share: number, keys: Float64Array | null): number {
    const control = this.control;
    const cursor = Atomics.load(control, CURSOR);
    for (let offset = 0; offset < BUCKET_RING; offset++) {
      const base = (1 + ((cursor + offset) % BUCKET_RING)) * LINE;
      if (Atomics.load(control, base + SIZE) === 0) continue;
      // Another thread's runs may still signal into the cursor's bucket: wait for them.
      if (offset > 0 && Atomics.load(control, IN_RUN) > 0) return 0;
      const taken = this.takeFrom(base, out, Math.min(max, Math.ceil(Atomics.load(control, base + SIZE) / share)));
      if (taken === 0) continue;
      // Move the cursor up to this bucket (only up: another thread may have moved it already).
      if (offset > 0) Atomics.compareExchange(control, CURSOR, cursor, cursor + offset);
      this.takeKeys(out, taken, keys);
      return taken;
    }
    return 0;
  }

  /** Unlink up to `limit` vertices from the head of the bucket at `base` into `out`. */
  private takeFrom(base: number, out: Uint32Array, limit: number): number {
    const control = this.control;
    acquireLock(control, base + LOCK);
    let size = control[base + SIZE];
    let head = control[base + HEAD];
    let taken = 0;
    const meta = this.meta;
    if (limit > size) limit = size;
    while (taken < limit) {
      out[taken++] = head;
      meta[head * META + WHERE] = -1;
      head = meta[head * META + NEXT];
      size--;
    }
    control[base + HEAD] = head;
    if (head !== -1) meta[head * META + PREV] = -1;
    if (size === 0) control[base + TAIL] = -1;
    Atomics.store(control, base + SIZE, size);
    if (taken > 0) Atomics.add(control, IN_RUN, taken);
    releaseLock(control, base + LOCK);
    return taken;
  }

  /** Mark the popped vertices running, then take (and restart) their keys: see the header for the order. */
  private takeKeys(out: Uint32Array, taken: number, keys: Float64Array | null): void {
    const priority = this.priority!;
    const locks = this.keyLocks;
    for (let i = 0; i < taken; i++) Atomics.store(this.meta, out[i] * META + STATE, RUNNING);
    for (let i = 0; i < taken; i++) {
      const v = out[i];
      if (locks !== null) acquireLock(locks, v);
      if (keys !== null) keys[i] = priority[v];
      priority[v] = Infinity;
      if (locks !== null) releaseLock(locks, v);
    }
  }

  /**
   * A queued vertex's key fell: move it to its new bucket when that is another one. Not when it
   * waits in an outbox (where < 0; the flush files it by its key then) or was just popped.
   */
  private refile(u: number): void {
    const meta = this.meta;
    const from = meta[u * META + WHERE];
    if (from < 0) return;
    const to = this.bucketOf(u);
    if (to === from) return;
    const control = this.control;
    const base = (1 + from) * LINE;
    acquireLock(control, base + LOCK);
    if (meta[u * META + WHERE] !== from) {
      releaseLock(control, base + LOCK);
      return;
    }
    const before = meta[u * META + PREV];
    const after = meta[u * META + NEXT];
    if (before === -1) control[base + HEAD] = after;
    else meta[before * META + NEXT] = after;
    if (after === -1) control[base + TAIL] = before;
    else meta[after * META + PREV] = before;
    meta[u * META + WHERE] = -1;
    Atomics.store(control, base + SIZE, control[base + SIZE] - 1);
    releaseLock(control, base + LOCK);
    const into = (1 + this.bucketOf(u)) * LINE;
    acquireLock(control, into + LOCK);
    this.link(into, u);
    releaseLock(control, into + LOCK);
  }

  private markRunning(out: Uint32Array, taken: number): void {
    const priority = this.priority;
    const restart = this.keyed ? Infinity : 0;
    for (let i = 0; i < taken; i++) {
      const v = out[i];
      if (priority !== null) priority[v] = restart;
      Atomics.store(this.meta, v * META + STATE, RUNNING);
    }
  }

  /** End v's run: v goes idle, or back into the queue when it was signalled while running. */
  finish(v: number): void {
    const seen = Atomics.compareExchange(this.meta, v * META + STATE, RUNNING, IDLE);
    if (this.keyed) Atomics.sub(this.control, IN_RUN, 1);
    if (seen === RUNNING) {
      Atomics.sub(this.control, PENDING, 1);
      return;
    }
    // Dirty: it stays pending and goes to the back of the queue.
    Atomics.store(this.meta, v * META + STATE, QUEUED);
    if (this.buffered) this.toOutbox(v);
    else this.push(v);
  }

  /**
   * End the runs of `vertices[0..count)` (buffered mode): flush the outbox
   * (with the dirty ones re-queued), then let the others go idle.
   */
  finishBatch(vertices: Uint32Array, count: number): void {
    let idle = 0;
    for (let i = 0; i < count; i++) {
      const v = vertices[i];
      if (Atomics.compareExchange(this.meta, v * META + STATE, RUNNING, IDLE) === RUNNING) {
        idle++;
      } else {
        Atomics.store(this.meta, v * META + STATE, QUEUED);
        this.toOutbox(v);
      }
    }
    this.flush();
    // After the flush: what these runs signalled is in the buckets before others may move on.
    if (this.keyed && count > 0) Atomics.sub(this.control, IN_RUN, count);
    if (idle > 0) Atomics.sub(this.control, PENDING, idle);
  }

  /** Move the outbox into the shared buckets: one lock per bucket used. */
  flush(): void {
    const size = this.outboxSize;
    if (size === 0) return;
    if (this.outboxNew > 0) Atomics.add(this.control, PENDING, this.outboxNew);
    const outbox = this.outbox;
    if (this.priority === null) {
      this.append(0, outbox, size);
    } else {
      // Group by bucket (a counting sort over the buckets used, stable, in the order they first
      // appear), then one lock per bucket used.
      const bucketOf = this.outboxBucket;
      const counts = this.bucketCounts;
      const touched = this.touchedBuckets;
      let used = 0;
      for (let i = 0; i < size; i++) {
        const b = this.bucketOf(outbox[i]);
        bucketOf[i] = b;
        if (counts[b]++ === 0) touched[used++] = b;
      }
      let at = 0;
      for (let j = 0; j < used; j++) {
        const b = touched[j];
        const c = counts[b];
        counts[b] = at;
        at += c;
      }
      const sorted = this.outboxSorted;
      for (let i = 0; i < size; i++) sorted[counts[bucketOf[i]]++] = outbox[i];
      const control = this.control;
      let start = 0;
      for (let j = 0; j < used; j++) {
        const b = touched[j];
        const end = counts[b];
        counts[b] = 0;
        const base = (1 + b) * LINE;
        acquireLock(control, base + LOCK);
        for (let i = start; i < end; i++) this.link(base, sorted[i]);
        releaseLock(control, base + LOCK);
        start = end;
      }
    }
    this.outboxSize = 0;
    this.outboxNew = 0;
  }

  private toOutbox(u: number): void {
    if (this.outboxSize === this.outbox.length) {
      const bigger = new Int32Array(this.outbox.length * 2);
      bigger.set(this.outbox);
      this.outbox = bigger;
      this.outboxBucket = new Uint16Array(bigger.length);
      this.outboxSorted = new Int32Array(bigger.length);
    }
    this.outbox[this.outboxSize++] = u;
  }

  /** Append under the bucket's lock (caller holds it). */
  private link(base: number, u: number): void {
    const control = this.control;
    const meta = this.meta;
    meta[u * META + NEXT] = -1;
    const tail = control[base + TAIL];
    if (this.keyed) {
      meta[u * META + PREV] = tail;
      meta[u * META + WHERE] = base / LINE - 1;
    }
    if (tail === -1) control[base + HEAD] = u;
    else meta[tail * META + NEXT] = u;
    control[base + TAIL] = u;
    Atomics.store(control, base + SIZE, control[base + SIZE] + 1);
  }

  private append(bucket: number, vertices: Int32Array, count: number): void {
    const control = this.control;
    const base = (1 + bucket) * LINE;
    acquireLock(control, base + LOCK);
    for (let i = 0; i < count; i++) this.link(base, vertices[i]);
    releaseLock(control, base + LOCK);
  }

  /** Queued plus running vertices. */
  pending(): number {
    return Atomics.load(this.control, PENDING);
  }

  /** Vertices waiting in the buckets (a snapshot). */
  queued(): number {
    let total = 0;
    for (let b = 0; b < this.buckets; b++) total += Atomics.load(this.control, (1 + b) * LINE + SIZE);
    return total;
  }

  private bucketOf(u: number): number {
    const priority = this.priority;
    if (priority === null) return 0;
    const p = priority[u];
    if (this.keyed) {
      const cursor = Atomics.load(this.control, CURSOR);
      let b = Math.floor(p * this.inverseWidth);
      // NaN and keys below the cursor: the cursor's bucket; beyond the ring: its last bucket.
      if (!(b > cursor)) b = cursor;
      else if (b >= cursor + BUCKET_RING) b = cursor + BUCKET_RING - 1;
      return b % BUCKET_RING;
    }
    if (!(p > 0)) return 0;
    const b = Math.floor(Math.log2(p)) - PRIORITY_FLOOR_LOG2;
    return b < 0 ? 0 : b >= PRIORITY_BUCKETS ? PRIORITY_BUCKETS - 1 : b;
  }

  private push(u: number): void {
    const control = this.control;
    const base = (1 + this.bucketOf(u)) * LINE;
    acquireLock(control, base + LOCK);
    this.link(base, u);
    releaseLock(control, base + LOCK);
  }
}
