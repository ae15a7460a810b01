/**
 * The worker side of bench/engine.ts's hand-written PageRank baseline: pull
 * PageRank on typed arrays over the shared CSC, this thread owning vertices
 * [from, to), a spin-then-wait barrier between iterations, no engine at all.
 * Two variants: 'plain' reads rank[u] * inv[u] per edge (the arithmetic of
 * vertex-programs/pagerank), 'contrib' first stores contrib[u] = rank[u] * inv[u]
 * for its own vertices so each edge reads one array (GAPBS's pull loop).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SweepBarrier } from '../core/engine/async-barrier.js';

export interface HandWorkerData {
  variant: 'plain' | 'contrib';
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  inv: Float64Array;
  rankA: Float64Array;
  rankB: Float64Array;
  contrib: Float64Array;
  control: Int32Array;
  from: number;
  to: number;
  threads: number;
  iterations: number;
  damping: number;
}

/** Run `iterations` pull iterations over [from, to); returns the buffer holding the final ranks. */
export function handPagerank(d: HandWorkerData, barrier: SweepBarrier): Float64Array {
  // Two separate functions, so neither variant's JIT feedback colours the other's.
  return d.variant === 'contrib' ? handContrib(d, barrier) : handPlain(d, barrier);
}

function handPlain(d: HandWorkerData, barrier: SweepBarrier): Float64Array {
  const { inOffsets, inSources, inv, from, to, damping } = d;
  const base = (1 - damping) / (inOffsets.length - 1);
  let rank = d.rankA;
  let next = d.rankB;
  for (let it = 0; it < d.iterations; it++) {
    for (let v = from; v < to; v++) {
      let acc = 0;
      const end = inOffsets[v + 1];
      for (let q = inOffsets[v]; q < end; q++) {
        const u = inSources[q];
        acc += rank[u] * inv[u];
      }
      next[v] = base + damping * acc;
    }
    barrier.arrive(null);
    const t = rank;
    rank = next;
    next = t;
  }
  return rank;
}

function handContrib(d: HandWorkerData, barrier: SweepBarrier): Float64Array {
  const { inOffsets, inSources, inv, contrib, from, to, damping } = d;
  const base = (1 - damping) / (inOffsets.length - 1);
  let rank = d.rankA;
  let next = d.rankB;
  for (let it = 0; it < d.iterations; it++) {
    for (let v = from; v < to; v++) contrib[v] = rank[v] * inv[v];
    barrier.arrive(null);
    for (let v = from; v < to; v++) {
      let acc = 0;
      const end = inOffsets[v + 1];
      for (let q = inOffsets[v]; q < end; q++) acc += contrib[inSources[q]];
      next[v] = base + damping * acc;
    }
    barrier.arrive(null);
    const t = rank;
    rank = next;
    next = t;
  }
  return rank;
}

if (parentPort && workerData && (workerData as { role?: string }).role === 'hand-pagerank') {
  const data = workerData as HandWorkerData;
  const barrier = new SweepBarrier(data.control, 0, data.threads);
  parentPort.on('message', () => {
    handPagerank(data, barrier);
    parentPort!.postMessage('done');
  });
  parentPort.postMessage('ready');
}
