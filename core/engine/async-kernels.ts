/**
 * The asynchronous engine's per-vertex code, generated for each run as the
 * sync engine's kernels are (see sync-kernels.ts for why per run, and why
 * generated): `runVertex(v)` (scope locks if any, gather or the delta cache,
 * apply, scatter, the memory fence a lock-free signaller needs, re-queueing
 * under 'all' activation) and `runRange(order, lo, hi)` (the sweep and
 * chromatic modes: run the active vertices of positions lo..hi-1). Only the
 * branches the program and mode need are written: no lock, cache, vector or
 * edge-id code where there is none, and a plain `+` where the accumulator has
 * no `sum`. Counts go to `tally` ([updates, edges]).
 */
import type { Graph } from '../graph/graph.js';
import type { Signal } from '../program.js';
import { lockScope, unlockScope } from './locks.js';
import type { VertexQueue } from './scheduler.js';

export interface AsyncKernelShape {
  gatherIn: boolean;
  gatherOut: boolean;
  scatterIn: boolean;
  scatterOut: boolean;
  /** gather reads its edge id (declared with three or more parameters). */
  gatherUsesEdge: boolean;
  vector: boolean;
  customSum: boolean;
  allActive: boolean;
  locks: boolean;
  cached: boolean;
  /** Fence after apply before scattering (lock-free signalling on several threads). */
  fenced: boolean;
  /** Queue modes with 'all' activation: a vertex queues itself again. */
  requeue: boolean;
  /** runVertex(v, key): the scheduler's key is the accumulator, -Infinity: gather (ProgramDefinition.gatherFromSignals). */
  fromSignals?: boolean;
}

export interface AsyncKernelEnv {
  graph: Graph;
  gather: ((v: number, u: number, e: number, acc: never) => number | void) | undefined;
  sum: ((a: number, b: number) => number) | null;
  zero: number;
  apply: (v: number, acc: never) => boolean;
  scatter: ((v: number, u: number, e: number, signal: Signal) => void) | undefined;
  signal: Signal;
  accVector: Float64Array | null;
  cache: Float64Array | null;
  cacheValid: Uint8Array | null;
  locks: Int32Array | null;
  active: Uint8Array | null;
  queue: VertexQueue | null;
  fenceWord: Int32Array;
  /** [updates, edges] of this thread. */
  tally: Float64Array;
  /** Wraps what a program function threw (program-failure.ts); default: rethrow as is. */
  fail?: (error: unknown, phase: string, vertex: number) => Error;
}

export interface AsyncKernels {
  /** `key`: the vertex's scheduler key, read only by the fromSignals shape. */
  runVertex(v: number, key?: number): void;
  /** Run the active vertices at positions lo..hi-1 (of `order`, or the ids themselves); returns how many ran. */
  runRange(order: Uint32Array | null, lo: number, hi: number): number;
}

let copies = 0;

/** Compile this run's per-vertex code for one thread. */
export function compileAsyncKernels(shape: AsyncKernelShape, env: AsyncKernelEnv): AsyncKernels {
  const make = new Function('env', 'lockScope', 'unlockScope', `"use strict"; // async kernels copy ${++copies}\n${asyncKernelSource(shape)}`);
  return make(env, lockScope, unlockScope) as AsyncKernels;
}

/** The kernels' source for a shape. */
function asyncKernelSource(shape: AsyncKernelShape): string {
  const inEdgeId = shape.gatherUsesEdge ? 'inEdgeIds[i]' : '0';
  const add = (call: string): string => (shape.vector ? `${call};` : shape.customSum ? `acc = sum(acc, ${call});` : `acc += ${call};`);
  const accArg = shape.vector ? 'accVector' : '0';
  const gatherLoops = [
    shape.gatherIn
      ? `{ const end = inOffsets[v + 1]; for (let i = inOffsets[v]; i < end; i++) ${add(`gather(v, inSources[i], ${inEdgeId}, ${accArg})`)} tally[1] += end - inOffsets[v]; }`
      : '',
    shape.gatherOut ? `{ const end = outOffsets[v + 1]; for (let e = outOffsets[v]; e < end; e++) ${add(`gather(v, outTargets[e], e, ${accArg})`)} tally[1] += end - outOffsets[v]; }` : '',
  ].join('\n    ');
  let gatherApply: string;
  if (shape.vector) {
    gatherApply = `accVector.fill(0);\n    ${gatherLoops}\n    phase = 'apply';\n    const changed = apply(v, accVector);`;
  } else if (shape.cached) {
    gatherApply = `let acc = zero;
    if (cacheValid[v] === 1) acc = cache[v];
    else {
      ${gatherLoops}
      cache[v] = acc;
      cacheValid[v] = 1;
    }
    phase = 'apply';
    const changed = apply(v, acc);`;
  } else if (shape.fromSignals) {
    gatherApply = `let acc = key;
    if (acc === -Infinity) {
      acc = zero;
      ${gatherLoops}
    }
    const changed = apply(v, acc);`;
  } else {
    gatherApply = `let acc = zero;\n    ${gatherLoops}\n    phase = 'apply';\n    const changed = apply(v, acc);`;
  }
  const scatters = shape.scatterIn || shape.scatterOut;
  const scatterBlock = scatters
    ? `if (changed${shape.allActive ? ' || true' : ''}) {
      ${shape.fenced ? 'Atomics.store(fenceWord, 0, 0);' : ''}
      ${shape.scatterIn ? '{ const end = inOffsets[v + 1]; for (let i = inOffsets[v]; i < end; i++) scatter(v, inSources[i], inEdgeIds[i], signal); tally[1] += end - inOffsets[v]; }' : ''}
      ${shape.scatterOut ? '{ const end = outOffsets[v + 1]; for (let e = outOffsets[v]; e < end; e++) scatter(v, outTargets[e], e, signal); tally[1] += end - outOffsets[v]; }' : ''}
    }`
    : '';
  const activeStep = shape.allActive
    ? 'runVertex(v); ran++;'
    : `if (active[v] !== 0) { ${shape.fenced ? 'Atomics.store(active, v, 0);' : 'active[v] = 0;'} runVertex(v); ran++; }`;
  return `const { graph, gather, sum, zero, apply, scatter, signal, accVector, cache, cacheValid, locks, active, queue, fenceWord, tally } = env;
const fail = env.fail ?? ((error) => error);
const { inOffsets, inSources, inEdgeIds, outOffsets, outTargets } = graph;
const scopeIn = ${shape.gatherIn || shape.scatterIn};
const scopeOut = ${shape.gatherOut || shape.scatterOut};
return { runVertex, runRange };

function runVertex(v, key) {
  let phase = 'gather';
  try {
    ${shape.locks ? 'lockScope(locks, graph, v, scopeIn, scopeOut);' : ''}
    ${gatherApply}
    tally[0]++;
    phase = 'scatter';
    ${scatterBlock}
    ${shape.requeue ? 'queue.signal(v);' : ''}
    ${shape.locks ? 'unlockScope(locks, graph, v, scopeIn, scopeOut);' : ''}
  } catch (error) {
    throw fail(error, phase, v);
  }
}

function runRange(order, lo, hi) {
  let ran = 0;
  if (order === null) {
    for (let v = lo; v < hi; v++) { ${activeStep} }
  } else {
    for (let i = lo; i < hi; i++) { const v = order[i]; ${activeStep} }
  }
  return ran;
}`;
}
