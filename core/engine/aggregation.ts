/**
 * Aggregator code shared by the engines: each reduction's identity and how
 * it combines two values, the
 * source line that folds one vertex's map into a running value (the sync
 * kernels fuse these into apply; see sync-kernels.ts), and `compileAggregation`,
 * a whole pass over the vertices for the async engine's periodic aggregates.
 * The pass is generated per run, with one local and one line per aggregator,
 * so that each `map` call site sees one function and V8 inlines it; a generic
 * loop over the aggregators measured several times slower (its calls
 * through `map` were megamorphic).
 */
import type { Aggregator } from '../program.js';

export function identityOf(reduce: Aggregator['reduce']): number {
  return reduce === 'sum' ? 0 : reduce === 'min' ? Infinity : -Infinity;
}

/** Two values combined by a reduction (the per-thread partials of one aggregator). */
export function combine(reduce: Aggregator['reduce'], a: number, b: number): number {
  return reduce === 'sum' ? a + b : reduce === 'min' ? Math.min(a, b) : Math.max(a, b);
}

/** Source that folds `map<i>(v)` into `a<i>` for each reduction, in order. */
export function foldSource(reduces: ReadonlyArray<Aggregator['reduce']>): string {
  return reduces
    .map((reduce, i) => (reduce === 'sum' ? `a${i} += map${i}(v);` : reduce === 'min' ? `a${i} = Math.min(a${i}, map${i}(v));` : `a${i} = Math.max(a${i}, map${i}(v));`))
    .join(' ');
}

let copies = 0;

/**
 * Compile a map-reduce of every aggregator in one loop: `loop` is the loop's header, `vertex` the
 * expression for v inside it, `result` what the function returns or writes; each map is called
 * through a local of its own.
 */
function compileFold<F>(aggregators: Record<string, Aggregator>, signature: string, loop: string, vertex: string, result: (names: string[]) => string): F {
  const names = Object.keys(aggregators);
  const reduces = names.map((name) => aggregators[name].reduce);
  const source = [
    ...names.map((_, i) => `const map${i} = maps[${i}];`),
    `return function ${signature} {`,
    ...reduces.map((reduce, i) => `  let a${i} = ${identityOf(reduce)};`),
    `  ${loop} { const v = ${vertex}; ${foldSource(reduces)} }`,
    `  ${result(names)}`,
    '};',
  ].join('\n');
  const make = new Function('maps', `"use strict"; // aggregation copy ${++copies}\n${source}`);
  return make(names.map((name) => aggregators[name].map)) as F;
}

/** A function that map-reduces every aggregator over vertices 0..n-1 in one pass. */
export function compileAggregation(aggregators: Record<string, Aggregator>): (n: number) => Record<string, number> {
  return compileFold(aggregators, 'aggregateAll(n)', 'for (let x = 0; x < n; x++)', 'x', (names) => `return { ${names.map((name, i) => `${JSON.stringify(name)}: a${i}`).join(', ')} };`);
}

/** A function that map-reduces every aggregator over the vertices in `ids`, into out[i] (aggregator order). */
export function compileListAggregation(aggregators: Record<string, Aggregator>): (ids: Uint32Array, out: Float64Array) => void {
  return compileFold(aggregators, 'aggregateList(ids, out)', 'for (let x = 0; x < ids.length; x++)', 'ids[x]', (names) => names.map((_, i) => `out[${i}] = a${i};`).join(' '));
}
