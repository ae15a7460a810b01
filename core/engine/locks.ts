/**
 * Per-vertex spin locks on shared memory, for edge consistency in the
 * asynchronous engine: one Int32 word per vertex (0 free, 1 held). A vertex's
 * scope is the vertex and its neighbours over the edge sets the program visits;
 * `lockScope` takes every lock of the scope in increasing vertex id (a merge of
 * the sorted in- and out-lists and v itself, duplicates skipped), so two
 * threads can never wait on each other in a cycle. Acquiring reads the word
 * plainly before the compare-and-swap, since an Atomics read-modify-write costs
 * several plain updates, and spins on plain reads while the lock is held.
 */

/** Plain spins before a waiting thread starts to nap (its holder may have lost its core). */
const SPINS_BEFORE_NAP = 2000;

/** Take lock u, spinning while another thread holds it, then napping 20 µs at a time. */
export function acquireLock(words: Int32Array, u: number): void {
  if (words[u] === 0 && Atomics.compareExchange(words, u, 0, 1) === 0) return;
  let spins = 0;
  for (;;) {
    while (Atomics.load(words, u) !== 0) {
      // Holders keep a lock for one vertex's run or one queue append; on an
      // oversubscribed machine the holder may be descheduled, so stop burning the core.
      if (++spins > SPINS_BEFORE_NAP) Atomics.wait(words, u, 1, 0.02);
    }
    if (Atomics.compareExchange(words, u, 0, 1) === 0) return;
  }
}

export function releaseLock(words: Int32Array, u: number): void {
  Atomics.store(words, u, 0);
}

/** The adjacency a scope is built from: CSC in-lists and CSR out-lists, each sorted ascending. */
export interface ScopeAdjacency {
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  outOffsets: Uint32Array;
  outTargets: Uint32Array;
}

const NONE = 0xffffffff + 1;

function walkScope(words: Int32Array, graph: ScopeAdjacency, v: number, useIn: boolean, useOut: boolean, take: boolean): number {
  const inSources = graph.inSources;
  const outTargets = graph.outTargets;
  let i = useIn ? graph.inOffsets[v] : 0;
  const iEnd = useIn ? graph.inOffsets[v + 1] : 0;
  let j = useOut ? graph.outOffsets[v] : 0;
  const jEnd = useOut ? graph.outOffsets[v + 1] : 0;
  let self = v;
  let last = -1;
  let count = 0;
  for (;;) {
    const a = i < iEnd ? inSources[i] : NONE;
    const b = j < jEnd ? outTargets[j] : NONE;
    let next = a < b ? a : b;
    if (self < next) next = self;
    if (next === NONE) return count;
    if (a === next) i++;
    if (b === next) j++;
    if (self === next) self = NONE;
    if (next !== last) {
      if (take) acquireLock(words, next);
      else releaseLock(words, next);
      last = next;
      count++;
    }
  }
}

/**
 * Lock v and its neighbours (in-neighbours when `useIn`, out-neighbours when
 * `useOut`) in increasing id order. Returns the number of locks taken.
 */
export function lockScope(words: Int32Array, graph: ScopeAdjacency, v: number, useIn: boolean, useOut: boolean): number {
  return walkScope(words, graph, v, useIn, useOut, true);
}

/** Release what `lockScope` with the same arguments took. */
export function unlockScope(words: Int32Array, graph: ScopeAdjacency, v: number, useIn: boolean, useOut: boolean): number {
  return walkScope(words, graph, v, useIn, useOut, false);
}
