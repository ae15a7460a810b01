/**
 * Parameters checked against their meaning, for every bundled program
 * (property, fast-check): random values, in range or not (negative, huge,
 * NaN, Infinity, fractions where a whole number is meant), either run to an
 * answer with no NaN (nor an infinity, but for unreachable SSSP distances) or
 * are refused with a one-line UsageError. And the declared ranges are what
 * the engine enforces, for a user's own program too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runProgram } from '../../core/engine/index.js';
import { isUserError } from '../../core/errors.js';
import { defineProgram, isVertexProgram, type Params, type VertexProgram } from '../../core/program.js';
import * as bundled from '../../vertex-programs/index.js';
import rev2 from '../../apps/fraud/rev2.js';
import { graphOf, smallGraph } from './graphs.js';

const programs: VertexProgram[] = [...(Object.values(bundled) as unknown[]).filter(isVertexProgram), rev2 as unknown as VertexProgram];

/** What an answer must be to make sense, beyond having no NaN: [column, lowest, highest]. */
const MEANING: Record<string, Array<[string, number, number]>> = {
  pagerank: [['rank', 0, 1 + 1e-9]],
  'personalized-pagerank': [['rank', 0, 1 + 1e-9]],
  'pagerank-delta': [['rank', 0, Number.MAX_VALUE]],
  'belief-propagation': [['belief', 0, 1]],
  rev2: [['fairness', 0, 1], ['goodness', -1, 1]],
};

/** Any number a user might type, in range or not. */
const anyNumber = fc.oneof(
  fc.double({ min: -2, max: 2 }),
  fc.integer({ min: -3, max: 30 }),
  fc.constantFrom(0, 1, 0.5, 1e-300, 1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);

function paramsArbitrary(program: VertexProgram): fc.Arbitrary<Params> {
  const fields: Record<string, fc.Arbitrary<Params[string]>> = {};
  for (const [key, fallback] of Object.entries(program.params)) {
    if (typeof fallback === 'number') fields[key] = anyNumber;
    else if (typeof fallback === 'boolean') fields[key] = fc.boolean();
  }
  return fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Params>;
}

test('every bundled program declares ranges for its numeric parameters', () => {
  assert.ok(programs.length >= 12, `${programs.length} programs`);
  for (const program of programs) {
    for (const [key, fallback] of Object.entries(program.params)) {
      if (typeof fallback !== 'number') continue;
      assert.ok(program.paramRanges?.[key] !== undefined, `${program.name}: parameter ${key} has no declared range`);
    }
  }
});

for (const program of programs) {
  test(`${program.name}: random parameters run to an answer without NaN, or are refused in one line (property)`, async () => {
    let refused = 0;
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(smallGraph, paramsArbitrary(program), async (sample, params) => {
        const graph = graphOf(sample, { weighted: true, undirected: program.name === 'belief-propagation' || program.name === 'triangle-count' });
        let result;
        try {
          result = await runProgram(program, graph, { workers: 1, params, maxIterations: 40 });
        } catch (error) {
          assert.ok(isUserError(error), `${program.name} ${JSON.stringify(params)}: not a user error: ${(error as Error).stack}`);
          assert.not.match((error as Error).message, /\n/, 'one line');
          refused++;
          return;
        }
        ran++;
        for (const [name, column] of Object.entries(result.vertex)) {
          const values = column as ArrayLike<number>;
          for (let i = 0; i < values.length; i++) {
            const x = values[i];
            const ok = Number.isFinite(x) || (program.name === 'sssp' && name === 'distance' && x === Number.POSITIVE_INFINITY);
            assert.ok(ok, `${program.name} ${JSON.stringify(params)}: ${name}[${i}] = ${x}`);
          }
        }
        for (const [name, lo, hi] of MEANING[program.name] ?? []) {
          const values = result.vertex[name] as ArrayLike<number>;
          for (let i = 0; i < values.length; i++) assert.ok(values[i] >= lo && values[i] <= hi, `${program.name} ${JSON.stringify(params)}: ${name}[${i}] = ${values[i]} outside [${lo}, ${hi}]`);
        }
        for (const [name, x] of Object.entries(result.aggregates)) assert.not.ok(Number.isNaN(x), `${program.name}: aggregate ${name} NaN`);
      }),
      { seed: 16, numRuns: 40 },
    );
    const numeric = Object.values(program.params).some((x) => typeof x === 'number');
    assert.ok(ran > 0, `${program.name}: some runs ran`);
    if (numeric) assert.ok(refused > 0, `${program.name}: some values refused`);
  });
}

test("a user's program: declared ranges and its validator are checked by every engine", async () => {
  const program = defineProgram({
    name: 'ranged',
    url: import.meta.url,
    vertex: { x: 'f64' },
    params: { rate: { default: 0.5, above: 0, max: 1 }, steps: { default: 3, min: 1, integer: true }, lo: 0, hi: 1 },
    validate: (p) => (p.lo < p.hi ? undefined : `lo must be below hi; got lo ${p.lo}, hi ${p.hi}`),
    accumulator: { kind: 'scalar' },
    gatherEdges: 'none',
    scatterEdges: 'none',
    activation: 'all',
    create: ({ vertex, params }) => ({ apply: (v) => ((vertex.x[v] = params.rate), false) }),
  }) as unknown as VertexProgram;
  const graph = graphOf({ n: 3, edges: [[0, 1, 1]] });
  const cases: Array<[Params, RegExp | null]> = [
    [{}, null],
    [{ rate: 1 }, null],
    [{ rate: 0 }, /parameter "rate" of program ranged must be a number in \(0, 1\]; got 0/],
    [{ rate: Number.NaN }, /"rate" .*got NaN/],
    [{ steps: 2.5 }, /"steps" of program ranged must be a whole number >= 1; got 2.5/],
    [{ lo: 2 }, /program ranged: lo must be below hi; got lo 2, hi 1/],
  ];
  for (const engine of ['sync', 'async'] as const) {
    for (const [params, refusal] of cases) {
      const outcome = await runProgram(program, graph, { engine, workers: 1, params, maxIterations: 1 }).then(
        () => null,
        (error: Error) => error.message,
      );
      if (refusal === null) assert.is(outcome, null, `${engine} ${JSON.stringify(params)}`);
      else assert.match(outcome ?? 'ran', refusal, `${engine} ${JSON.stringify(params)}`);
    }
  }
  assert.throws(
    () => defineProgram({ name: 'bad-default', url: import.meta.url, vertex: { x: 'f64' }, params: { d: { default: 2, max: 1 } }, accumulator: { kind: 'scalar' }, gatherEdges: 'none', scatterEdges: 'none', activation: 'all', create: () => ({ apply: () => false }) }),
    /default of parameter "d" must be a number <= 1; got 2/,
  );
});

test.run();
