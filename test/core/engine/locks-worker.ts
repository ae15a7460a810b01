/**
 * Worker module for the lock tests (not a test itself): for `steps` seeded
 * random vertices, lock the vertex's scope, add one to the counter of the
 * vertex and of every in- and out-neighbour with plain (racy) read-modify-
 * writes, then unlock. Only correct locking keeps the totals exact.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lockScope, unlockScope, type ScopeAdjacency } from '../../../core/engine/locks.js';
import { Random } from '../../../core/util/random.js';

export interface LocksWorkerData {
  graph: ScopeAdjacency & { numVertices: number };
  words: Int32Array;
  counters: Float64Array;
  seed: number;
  steps: number;
  locked: boolean;
  /** Set to 1 by each worker when ready; workers start together when all are. */
  start: Int32Array;
  threads: number;
}

/** The vertices one step touches, in the order it touches them (shared with the serial reference). */
export function stepVertices(graph: ScopeAdjacency, v: number, visit: (u: number) => void): void {
  visit(v);
  for (let i = graph.inOffsets[v]; i < graph.inOffsets[v + 1]; i++) visit(graph.inSources[i]);
  for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) visit(graph.outTargets[e]);
}

if (parentPort && workerData) {
  const data = workerData as LocksWorkerData;
  const { graph, words, counters } = data;
  const random = new Random(data.seed);
  Atomics.add(data.start, 0, 1);
  while (Atomics.load(data.start, 0) < data.threads) {
    // wait for the other workers so that the steps overlap
  }
  const values = new Float64Array(1 << 16);
  for (let s = 0; s < data.steps; s++) {
    const v = random.nextInt(graph.numVertices);
    if (data.locked) lockScope(words, graph, v, true, true);
    // Read every counter first, write them all afterwards: a wide window for lost updates.
    let k = 0;
    stepVertices(graph, v, (u) => {
      values[k++] = counters[u];
    });
    k = 0;
    const seen = new Map<number, number>();
    stepVertices(graph, v, (u) => {
      // Repeated neighbours (multi-edges) add up within the step.
      const base = seen.get(u) ?? values[k];
      seen.set(u, base + 1);
      counters[u] = base + 1;
      k++;
    });
    if (data.locked) unlockScope(words, graph, v, true, true);
  }
  parentPort.postMessage('done');
}
