/**
 * The per-chunk kernels of the synchronous engine, generated for each run:
 * `gather(start, end, current)`, `apply(start, end, current, partials, base)`
 * and `scatter(start, end)`. The generator writes only the code a program
 * needs (scalar or vector accumulator, plain `+` or the program's `sum`, in
 * and/or out edges, edge ids or not, delta caching, signalled activation, and
 * one fused line per aggregator map) and compiles it with `new Function`.
 *
 * Why generate, and why per run: V8 makes a call through a function variable
 * fast only by inlining the one target it has seen at that call site. The
 * program's gather, apply and maps are fresh closures on every run (`create`
 * is called again), and one process runs many programs, so kernels shared by
 * all runs would see many targets, deoptimise and run without inlining,
 * several times slower per edge. Fresh kernels have call sites of their own.
 * They are kept small on purpose: each is a separate function that TurboFan
 * compiles in a millisecond or two, where one big superstep function took
 * 40-60 ms to compile, three times per run (measured with --trace-opt), which
 * dominated short runs on small graphs. The superstep driver (barriers,
 * cursor, convergence) stays ordinary code in sync-loop.ts: it runs once per
 * chunk, not per edge.
 *
 * Counts go to `tally` (edges, updates, changed) once per chunk, not per edge.
 * Aggregator maps of 'gas' programs run right after their vertex's apply, in
 * the same pass: such a map reads only its own vertex, which no other apply
 * writes. Other programs' maps may read any vertex, so they run in a pass of
 * their own once every apply of the superstep is done (`lateAggregation`).
 */
import type { Aggregator, Signal } from '../program.js';
import { foldSource } from './aggregation.js';

export interface KernelShape {
  gatherIn: boolean;
  gatherOut: boolean;
  scatterIn: boolean;
  scatterOut: boolean;
  /** The program has a gather function. */
  hasGather: boolean;
  /** gather reads its edge id (declared with three or more parameters). */
  gatherUsesEdge: boolean;
  /** Vector accumulator of `size` doubles; else scalar. */
  vector: boolean;
  size: number;
  /** Scalar accumulator combined by the program's `sum` (else plain +). */
  customSum: boolean;
  /** Delta caching (scalar accumulators only). */
  cached: boolean;
  /** 'signalled' activation: a per-superstep active flag per vertex. */
  signalled: boolean;
  /** The program scatters: apply marks changed vertices for the scatter phase. */
  scatters: boolean;
  aggregators: Array<Aggregator['reduce']>;
  /**
   * Fold the aggregator maps into apply (the default), or leave them to
   * `aggregate`, a pass after every apply of the superstep: for programs whose
   * maps read other vertices (dataAccess other than 'gas'), which must see
   * their new data whatever the order of the applies.
   */
  lateAggregation?: boolean;
  /**
   * Out-edge ids come from `outEdge[e]`, not the CSR position e: the cluster
   * runtime runs the kernels over a machine's own edges, a sub-CSR whose
   * positions are not the graph's edge ids. Default false.
   */
  outEdgeIds?: boolean;
  /** The gather stops once `enough(acc)` (scalar, no delta caching; VertexFunctions.pull). Default false. */
  earlyExit?: boolean;
  /**
   * Direction-optimizing runs: compile `pullGather`, and make apply add the scatter degree of each
   * changed vertex to `scout[0]` (the edges a push would visit next). Default false.
   */
  pull?: boolean;
}

/** What the kernels read; arrays are shared, functions are this thread's. */
export interface KernelEnv {
  n: number;
  threads: number;
  inOff: Uint32Array;
  inSrc: Uint32Array;
  inEdge: Uint32Array;
  outOff: Uint32Array;
  outTgt: Uint32Array;
  /** Edge id of each out-edge position, when `shape.outEdgeIds`; else null. */
  outEdge?: Uint32Array | null;
  accs: Float64Array;
  changed: Uint8Array;
  cache: Float64Array | null;
  cacheValid: Uint8Array | null;
  deltas: Float64Array | null;
  zero: number;
  gather: ((v: number, u: number, e: number, acc: never) => number | void) | undefined;
  sum: ((a: number, b: number) => number) | undefined;
  apply: (v: number, acc: never) => boolean;
  scatter: ((v: number, u: number, e: number, signal: Signal) => void) | undefined;
  signal: Signal;
  maps: Array<(v: number) => number>;
  /** [edges, updates, changed], this thread's running totals. */
  tally: Float64Array;
  /** VertexFunctions.pull's tests, with shape.earlyExit / shape.pull. */
  enough?: (acc: number) => boolean;
  wants?: (v: number) => boolean;
  /** shape.pull: this superstep's scatter edges of changed vertices (one double, this thread's). */
  scout?: Float64Array;
  /** shape.pull: one bit per vertex, set for the vertices that changed in the superstep before a pulling one. */
  frontierBits?: Int32Array;
  /** Wraps what a program function threw (program-failure.ts); default: rethrow as is. */
  fail?: (error: unknown, phase: string, vertex: number) => Error;
}

export interface SyncKernels {
  gather(start: number, end: number, current: Uint8Array | null): void;
  apply(start: number, end: number, current: Uint8Array | null, partials: Float64Array, base: number): void;
  scatter(start: number, end: number): void;
  /**
   * Fold the aggregator maps of vertices [start, end) into partials[base + i]: the pass of
   * `lateAggregation`, and of supersteps that run from a sparse frontier (whose applies fold nothing).
   */
  aggregate(start: number, end: number, partials: Float64Array, base: number): void;
  /** The same three phases over the vertices list[from .. to - 1] (a sparse frontier; 'signalled' only). */
  gatherList(list: Uint32Array, from: number, to: number, current: Uint8Array): void;
  applyList(list: Uint32Array, from: number, to: number, current: Uint8Array): void;
  scatterList(list: Uint32Array, from: number, to: number): void;
  /**
   * shape.pull: a bottom-up gather over [start, end): every vertex v with wants(v) gathers from the
   * neighbours in `frontierBits` (stopping once enough) and, when its accumulator is not the zero,
   * is marked in `current` for apply.
   */
  pullGather(start: number, end: number, current: Uint8Array): void;
}

let copies = 0;

/** Compile this run's kernels for one thread. */
export function compileKernels(shape: KernelShape, env: KernelEnv): SyncKernels {
  const source = kernelSource(shape);
  const make = new Function('env', `"use strict"; // sync kernels copy ${++copies}\n${source}`);
  return make(env) as SyncKernels;
}

/** The kernels' source for a shape. */
function kernelSource(shape: KernelShape): string {
  const { vector, signalled } = shape;
  const lines: string[] = [
    'const { n, threads, inOff, inSrc, inEdge, outOff, outTgt, outEdge, accs, changed, cache, cacheValid, deltas, zero, gather, sum, apply, scatter, signal, tally, enough, wants, scout, frontierBits } = env;',
    'const fail = env.fail ?? ((error) => error);',
    ...shape.aggregators.map((_, i) => `const map${i} = env.maps[${i}];`),
    vector ? `const size = ${shape.size}; const vacc = new Float64Array(size);` : '',
    'return { gather: gatherChunk, apply: applyChunk, scatter: scatterChunk, aggregate: aggregateChunk, gatherList, applyList, scatterList, pullGather: pullGatherChunk };',
    '',
    guarded('gather', gatherChunkSource(shape, false)),
    guarded('apply', applyChunkSource(shape, false)),
    guarded('scatter', scatterChunkSource(shape, false)),
    aggregateChunkSource(shape),
    guarded('gather', gatherChunkSource(shape, true)),
    guarded('apply', applyChunkSource(shape, true)),
    guarded('scatter', scatterChunkSource(shape, true)),
    guarded('gather', pullGatherSource(shape)),
  ];
  return lines.join('\n');
}

/** The edge id of out-edge position `e` in the generated code. */
function outEdgeId(shape: KernelShape): string {
  return shape.outEdgeIds === true ? 'outEdge[e]' : 'e';
}

/**
 * A kernel's header and vertex loop: over the range [start, end), or (list) over the vertices
 * list[from .. to - 1] of a sparse frontier, whose every entry is active. The loop assigns the
 * function-level `v` that `guarded` declares, so its catch can name the vertex.
 */
function loopOver(name: string, list: boolean, extra: string): { header: string; loop: string } {
  return list
    ? { header: `function ${name}List(list, from, to${extra})`, loop: 'for (let x = from; x < to; x++) { v = list[x];' }
    : { header: `function ${name}Chunk(start, end${extra})`, loop: 'for (v = start; v < end; v++) {' };
}

/**
 * A kernel function's source with its body in one try: what the program's function throws leaves
 * as `fail(error, phase, v)`, naming the vertex. One try per chunk, nothing added per edge.
 */
function guarded(phase: string, source: string): string {
  const open = source.indexOf('{');
  const close = source.lastIndexOf('}');
  return `${source.slice(0, open)}{ let v = -1; try {${source.slice(open + 1, close)}} catch (error) { throw fail(error, '${phase}', v); } }`;
}

function gatherChunkSource(shape: KernelShape, list: boolean): string {
  const skip = shape.signalled && !list ? 'if (current[v] === 0) continue;' : '';
  const { header, loop } = loopOver('gather', list, ', current');
  if (!shape.hasGather) {
    // No gather: accumulators are the zero of their kind.
    const fill = shape.vector ? 'for (let i = 0; i < size; i++) accs[v * size + i] = 0;' : 'accs[v] = zero;';
    return `${header} { ${loop} ${skip} ${fill} } }`;
  }
  const inEdgeId = shape.gatherUsesEdge ? 'inEdge[q]' : '0';
  if (shape.vector) {
    return `${header} {
  let edges = 0;
  ${loop}
    ${skip}
    for (let i = 0; i < size; i++) vacc[i] = 0;
    ${shape.gatherIn ? `{ const stop = inOff[v + 1]; for (let q = inOff[v]; q < stop; q++) gather(v, inSrc[q], ${inEdgeId}, vacc); edges += stop - inOff[v]; }` : ''}
    ${shape.gatherOut ? `{ const stop = outOff[v + 1]; for (let e = outOff[v]; e < stop; e++) gather(v, outTgt[e], ${outEdgeId(shape)}, vacc); edges += stop - outOff[v]; }` : ''}
    const base = v * size;
    for (let i = 0; i < size; i++) accs[base + i] = vacc[i];
  }
  tally[0] += edges;
}`;
  }
  const gatherBody = scalarGatherBody(shape);
  // Delta caching: a valid cached accumulator plus every thread's pending deltas replaces the gather.
  const body = shape.cached
    ? `if (cacheValid[v] === 1) {
      acc = cache[v];
      for (let t = 0; t < threads; t++) { acc += deltas[t * n + v]; deltas[t * n + v] = 0; }
    } else {
      ${gatherBody}
      for (let t = 0; t < threads; t++) deltas[t * n + v] = 0;
      cacheValid[v] = 1;
    }
    cache[v] = acc;`
    : gatherBody;
  return `${header} {
  let edges = 0;
  let acc = zero;
  ${loop}
    ${skip}
    ${body}
    accs[v] = acc;
  }
  tally[0] += edges;
}`;
}

/**
 * A scalar gather of v into `acc` (counting `edges`): in-edges then out-edges as the shape says,
 * stopping once enough(acc) when the shape has an early exit.
 */
function scalarGatherBody(shape: KernelShape, frontierOnly = false): string {
  const inEdgeId = shape.gatherUsesEdge ? 'inEdge[q]' : '0';
  // A pulling gather skips the neighbours outside the last superstep's frontier bitmap.
  const skip = (u: string): string => (frontierOnly ? `{ const u = ${u}; if ((frontierBits[u >>> 5] & (1 << (u & 31))) === 0) continue; }` : '');
  const combine = (call: string): string => (shape.customSum ? `acc = sum(acc, ${call});` : `acc += ${call};`);
  if (shape.earlyExit !== true) {
    return [
      'acc = zero;',
      shape.gatherIn
        ? `{ const stop = inOff[v + 1]; for (let q = inOff[v]; q < stop; q++) ${combine(`gather(v, inSrc[q], ${inEdgeId}, 0)`)} edges += stop - inOff[v]; }`
        : '',
      shape.gatherOut ? `{ const stop = outOff[v + 1]; for (let e = outOff[v]; e < stop; e++) ${combine(`gather(v, outTgt[e], ${outEdgeId(shape)}, 0)`)} edges += stop - outOff[v]; }` : '',
    ].join('\n      ');
  }
  // Early exit: count the edges actually visited; the out-edges only when the in-edges were not enough.
  return [
    'acc = zero; let full = false;',
    shape.gatherIn
      ? `{ const first = inOff[v]; const stop = inOff[v + 1]; let q = first; for (; q < stop; q++) { ${skip('inSrc[q]')} ${combine(`gather(v, inSrc[q], ${inEdgeId}, 0)`)} if (enough(acc)) { full = true; q++; break; } } edges += q - first; }`
      : '',
    shape.gatherOut
      ? `if (!full) { const first = outOff[v]; const stop = outOff[v + 1]; let e = first; for (; e < stop; e++) { ${skip('outTgt[e]')} ${combine(`gather(v, outTgt[e], ${outEdgeId(shape)}, 0)`)} if (enough(acc)) { e++; break; } } edges += e - first; }`
      : '',
  ].join('\n      ');
}

/** The bottom-up gather of a direction-optimizing run (see SyncKernels.pullGather). */
function pullGatherSource(shape: KernelShape): string {
  if (shape.pull !== true) return 'function pullGatherChunk(start, end, current) {}';
  // v is the guard's (guarded()): a failure names the vertex.
  return `function pullGatherChunk(start, end, current) {
  let edges = 0;
  let acc = zero;
  for (v = start; v < end; v++) {
    if (!wants(v)) continue;
    ${scalarGatherBody(shape, true)}
    if (acc !== zero) { accs[v] = acc; current[v] = 1; }
  }
  tally[0] += edges;
}`;
}

/** The aggregation pass (see SyncKernels.aggregate). */
function aggregateChunkSource(shape: KernelShape): string {
  const aggs = shape.aggregators;
  if (aggs.length === 0) return 'function aggregateChunk(start, end, partials, base) {}';
  return `function aggregateChunk(start, end, partials, base) {
  ${aggs.map((_, i) => `let a${i} = partials[base + ${i}];`).join(' ')}
  for (let v = start; v < end; v++) { ${foldSource(aggs)} }
  ${aggs.map((_, i) => `partials[base + ${i}] = a${i};`).join(' ')}
}`;
}

function applyChunkSource(shape: KernelShape, list: boolean): string {
  // A sparse frontier's applies fold nothing: its supersteps aggregate in a pass of their own.
  const aggs = shape.lateAggregation === true || list ? [] : shape.aggregators;
  const load = aggs.map((_, i) => `let a${i} = partials[base + ${i}];`).join(' ');
  const fold = foldSource(aggs);
  const store = aggs.map((_, i) => `partials[base + ${i}] = a${i};`).join(' ');
  const call = shape.vector
    ? '{ const at = v * size; for (let i = 0; i < size; i++) vacc[i] = accs[at + i]; isChanged = apply(v, vacc); }'
    : 'isChanged = apply(v, accs[v]);';
  const scoutDegree = [shape.scatterOut ? 'outOff[v + 1] - outOff[v]' : '', shape.scatterIn ? 'inOff[v + 1] - inOff[v]' : ''].filter(Boolean).join(' + ') || '0';
  const onChange = shape.scatters
    ? `{ changedCount++; changed[v] = 1; ${shape.pull === true ? `scouted += ${scoutDegree};` : ''} }`
    : 'changedCount++;';
  const one = `${call} updates++; if (isChanged) ${onChange}`;
  const step = shape.signalled ? `if (current[v] !== 0) { current[v] = 0; ${one} }` : one;
  const { header, loop } = loopOver('apply', list, list ? ', current' : ', current, partials, base');
  return `${header} {
  let updates = 0;
  let changedCount = 0;
  let scouted = 0;
  let isChanged = false;
  ${load}
  ${loop}
    ${step}
    ${fold}
  }
  ${store}
  tally[1] += updates;
  tally[2] += changedCount;
  ${shape.pull === true ? 'scout[0] += scouted;' : ''}
}`;
}

function scatterChunkSource(shape: KernelShape, list: boolean): string {
  const { header, loop } = loopOver('scatter', list, '');
  if (!shape.scatters) return `${header} {}`;
  return `${header} {
  let edges = 0;
  ${loop}
    if (changed[v] === 0) continue;
    changed[v] = 0;
    ${shape.scatterOut ? `{ const stop = outOff[v + 1]; for (let e = outOff[v]; e < stop; e++) scatter(v, outTgt[e], ${outEdgeId(shape)}, signal); edges += stop - outOff[v]; }` : ''}
    ${shape.scatterIn ? '{ const stop = inOff[v + 1]; for (let q = inOff[v]; q < stop; q++) scatter(v, inSrc[q], inEdge[q], signal); edges += stop - inOff[v]; }' : ''}
  }
  tally[0] += edges;
}`;
}
