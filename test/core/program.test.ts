/**
 * The vertex-program API's contract, at the type level and at run time. The
 * type checks are lines tsc must accept, and `@ts-expect-error` lines it must
 * reject (a misspelt column, a scalar accumulator used as a vector); `tsc
 * --noEmit` fails when any of those expectations breaks. The run-time tests
 * check defineProgram's validation and findProgram's module lookup.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineProgram, isVertexProgram, type AccumulatorSpec, type VertexProgram } from '../../core/program.js';
import { findProgram } from '../../core/engine/load-program.js';

const vectorProgram = defineProgram({
  name: 'types-vector',
  url: import.meta.url,
  vertex: { factors: 'f64x4', count: 'u32' },
  params: { rate: 0.1 },
  accumulator: { kind: 'vector', size: 4 },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, params }) {
    const factors: Float64Array = vertex.factors;
    const count: Uint32Array = vertex.count;
    // @ts-expect-error a misspelt column is a compile error
    void vertex.factor;
    // @ts-expect-error a column has its schema's array type: 'f64x4' is a Float64Array, not a Uint32Array
    const wrongType: Uint32Array = vertex.factors;
    void wrongType;
    const rate: number = params.rate;
    // @ts-expect-error a parameter the program does not declare
    void params.rte;
    return {
      gather(_v, u, _e, acc) {
        // acc is inferred as Float64Array from the vector spec: no generic arguments needed.
        const a: Float64Array = acc;
        for (let i = 0; i < 4; i++) a[i] += factors[u * 4 + i] * rate;
      },
      apply(v, acc) {
        factors.set(acc, v * 4);
        count[v]++;
        return true;
      },
    };
  },
});

const scalarProgram = defineProgram({
  name: 'types-scalar',
  url: import.meta.url,
  vertex: { rank: 'f64' },
  edge: { weight: 'f32' },
  params: { damping: 0.85 },
  accumulator: { kind: 'scalar', zero: 0 },
  gatherEdges: 'in',
  scatterEdges: 'out',
  activation: 'signalled',
  deltaCaching: true,
  create({ vertex, edge }) {
    const { rank } = vertex;
    const weight: Float32Array = edge.weight;
    // @ts-expect-error edge columns are checked too
    void edge.wieght;
    return {
      gather: (_v, u, e) => rank[u] * weight[e],
      apply(v, acc) {
        const x: number = acc;
        // @ts-expect-error a scalar accumulator is a number, not an array
        void acc.length;
        rank[v] = x;
        return true;
      },
      scatter(v, u, _e, signal) {
        signal(u, rank[v]);
      },
    };
  },
  aggregators: ({ vertex }) => ({ total: { map: (v) => vertex.rank[v], reduce: 'sum' } }),
  converged: (aggregates, superstep, params) => aggregates.total > params.damping || superstep > 10,
  output: 'rank',
});

defineProgram({
  name: 'types-bad-output',
  url: import.meta.url,
  vertex: { rank: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  create: () => ({ apply: () => true }),
  // @ts-expect-error output must name a vertex column
  output: 'rnk',
});

// Programs of any schema fit where the engine takes a VertexProgram.
const asGeneric: VertexProgram = scalarProgram as unknown as VertexProgram;

test('defineProgram freezes the definition and tags it', () => {
  assert.ok(isVertexProgram(vectorProgram));
  assert.ok(isVertexProgram(asGeneric));
  assert.ok(Object.isFrozen(scalarProgram));
  assert.is((vectorProgram.accumulator as AccumulatorSpec).kind, 'vector');
  assert.not.ok(isVertexProgram({ name: 'x' }));
});

test('defineProgram rejects a missing module url and delta caching with a vector accumulator', () => {
  assert.throws(
    () =>
      defineProgram({
        name: 'no-url',
        url: '',
        vertex: { x: 'f64' },
        params: {},
        accumulator: { kind: 'scalar' },
        gatherEdges: 'none',
        scatterEdges: 'none',
        activation: 'all',
        create: () => ({ apply: () => true }),
      }),
    /import\.meta\.url/,
  );
  assert.throws(
    () =>
      defineProgram({
        name: 'vector-delta',
        url: import.meta.url,
        vertex: { x: 'f64' },
        params: {},
        accumulator: { kind: 'vector', size: 2 },
        deltaCaching: true,
        gatherEdges: 'none',
        scatterEdges: 'none',
        activation: 'all',
        create: () => ({ apply: () => true }),
      }),
    /delta caching/,
  );
});

test('gatherFromSignals: refused with a vector accumulator or with delta caching', () => {
  for (const extra of [{ accumulator: { kind: 'vector', size: 2 } }, { accumulator: { kind: 'scalar' }, deltaCaching: true }] as const) {
    assert.throws(
      () =>
        defineProgram({
          name: 'from-signals',
          url: import.meta.url,
          vertex: { x: 'f64' },
          params: {},
          gatherFromSignals: true,
          gatherEdges: 'in',
          scatterEdges: 'out',
          activation: 'signalled',
          create: () => ({ apply: () => true }),
          ...extra,
        } as Parameters<typeof defineProgram>[0]),
      /program from-signals: gatherFromSignals needs a scalar accumulator and no delta caching/,
    );
  }
});

test('mirrorColumns: only for gas programs, only columns the program has', () => {
  const base = {
    url: import.meta.url,
    vertex: { x: 'f64', y: 'f64' },
    params: {},
    accumulator: { kind: 'scalar' },
    gatherEdges: 'in',
    scatterEdges: 'none',
    activation: 'all',
    create: () => ({ apply: () => true }),
  } as const;
  assert.not.throws(() => defineProgram({ ...base, name: 'ok', dataAccess: 'gas', mirrorColumns: ['y'] }));
  assert.throws(() => defineProgram({ ...base, name: 'not-gas', mirrorColumns: ['y'] }), /not-gas: mirrorColumns is for dataAccess 'gas' programs/);
  assert.throws(() => defineProgram({ ...base, name: 'unknown', dataAccess: 'gas', mirrorColumns: ['z' as never] }), /unknown: mirrorColumns names "z", which is not a vertex column \(x, y\)/);
});

test('findProgram: default export first, then by name, else a clear error', () => {
  const url = import.meta.url;
  assert.is(findProgram({ default: scalarProgram, other: vectorProgram }, url), scalarProgram);
  assert.is(findProgram({ a: 1, other: vectorProgram }, url), vectorProgram);
  assert.is(findProgram({ default: scalarProgram, other: vectorProgram }, url, 'types-vector'), vectorProgram);
  assert.throws(() => findProgram({ a: 1 }, url), /exports no vertex program/);
  assert.throws(() => findProgram({ default: scalarProgram }, url, 'nope'), /no vertex program named "nope"/);
});

test.run();
