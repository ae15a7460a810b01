/**
 * The sparse frontier of the synchronous engine: every bundled 'signalled'
 * program gives the same answer from lists of active vertices ('sparse',
 * 'auto') as from a scan of every flag ('dense'), on 1 and 2 threads, on
 * graphs whose frontiers stay small (a grid, a path) or swell (R-MAT);
 * aggregators computed only at the end equal a recount from the output;
 * aggregators due every superstep see the same values superstep by
 * superstep in both modes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { Graph } from '../../../core/graph/graph.js';
import { grid2d } from '../../../core/graph/generators/grid.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import { closeWorkers, runProgram, type RunOptions } from '../../../core/engine/index.js';
import type { VertexProgram } from '../../../core/program.js';
import { levelsEveryStep, nobodyActive } from './sync-programs.js';
import { programs } from '../../../vertex-programs/index.js';

function path(n: number): Graph {
  const list = new EdgeList({ mapIds: false });
  list.setNumVertices(n);
  for (let v = 0; v + 1 < n; v++) list.add(v, v + 1);
  return buildGraph(list, { undirected: true });
}

const graphs: Array<[string, Graph]> = [
  ['grid 24 x 31', buildGraph(grid2d({ rows: 24, cols: 31 }), { undirected: true })],
  ['path 300', path(300)],
  ['R-MAT scale 9', buildGraph(rmatEdges({ scale: 9, edgeFactor: 8, seed: 4 }))],
  ['R-MAT scale 9, undirected', buildGraph(rmatEdges({ scale: 9, edgeFactor: 4, seed: 5 }), { undirected: true })],
];
const signalled = Object.values(programs).filter((p) => p.activation === 'signalled' && p.dataAccess !== 'shared-memory');

function columns(result: { vertex: Record<string, ArrayLike<number>> }): Record<string, number[]> {
  return Object.fromEntries(Object.entries(result.vertex).map(([name, column]) => [name, Array.from(column)]));
}

test('every signalled program: the same answer from sparse lists as from a dense scan, on 1 and 2 threads', async () => {
  assert.ok(signalled.length >= 7, `signalled programs: ${signalled.map((p) => p.name).join(', ')}`);
  for (const [name, graph] of graphs) {
    for (const program of signalled) {
      const dense = await runProgram(program, graph, { workers: 1, frontier: 'dense' });
      for (const workers of [1, 2]) {
        for (const frontier of ['sparse', 'auto'] as const) {
          const what = `${program.name} on ${name}, ${frontier}, ${workers} thread(s)`;
          const run = await runProgram(program, graph, { workers, frontier });
          // A program whose apply reads its neighbours (dataAccess other than 'gas': k-core, colouring)
          // sees some of them already updated, which depends on the order of the applies (a list's
          // order is the order of activation, a scan's the vertex order) and on the other thread:
          // the same fixed point, maybe by another path.
          if (program.dataAccess === 'gas') {
            assert.is(run.iterations, dense.iterations, `${what}: supersteps`);
            assert.is(run.vertexUpdates, dense.vertexUpdates, `${what}: updates`);
          }
          const got = columns(run);
          const want = columns(dense);
          // Delta caching adds a vertex's deltas in the order its neighbours scatter, which is the
          // frontier's order in a list and vertex order in a scan: the same sums, rounded apart.
          const exact = program.deltaCaching !== true;
          for (const column of Object.keys(want)) {
            if (exact) assert.equal(got[column], want[column], `${what}: ${column}`);
            else got[column].forEach((x, v) => assert.ok(Math.abs(x - want[column][v]) <= 1e-12 * Math.max(1, Math.abs(want[column][v])), `${what}: ${column}[${v}]`));
          }
          for (const [key, value] of Object.entries(dense.aggregates)) {
            assert.ok(Math.abs(run.aggregates[key] - value) <= (exact ? 0 : 1e-9), `${what}: aggregate ${key}`);
          }
        }
      }
    }
  }
  await closeWorkers();
});

test("aggregateAt 'end': computed once, equal to a recount of the output; progress reports carry none", async () => {
  const graph = graphs[0][1];
  const seen: Array<Record<string, number>> = [];
  const run = await runProgram(programs.bfs, graph, { workers: 2, params: { source: 5 }, onProgress: (p) => seen.push(p.aggregates) });
  const level = Array.from(run.vertex.level as Int32Array);
  assert.is(run.aggregates.reached, level.filter((x) => x >= 0).length);
  assert.is(run.aggregates.depth, Math.max(...level));
  assert.ok(seen.length > 10, `progress reports: ${seen.length}`);
  for (const values of seen) assert.equal(values, {});
  const sssp = await runProgram(programs.sssp, graphs[2][1], { workers: 1, frontier: 'sparse' });
  assert.is(sssp.aggregates.reached, Array.from(sssp.vertex.distance as Float64Array).filter((x) => x < Infinity).length);
  await closeWorkers();
});

test("aggregateAt 'end' with no superstep to run still gives the aggregates", async () => {
  for (const workers of [1, 2]) {
    const run = await runProgram(nobodyActive, graphs[1][1], { workers });
    assert.is(run.iterations, 0);
    assert.equal(run.aggregates, { top: -5, count: 300 }, `${workers} thread(s)`);
  }
  await closeWorkers();
});

test('aggregators due every superstep: the same values superstep by superstep, sparse or dense', async () => {
  for (const [name, graph] of graphs) {
    const trace = async (options: RunOptions): Promise<Array<Record<string, number>>> => {
      const steps: Array<Record<string, number>> = [];
      await runProgram(levelsEveryStep, graph, { ...options, onProgress: (p) => steps.push({ ...p.aggregates }) });
      return steps;
    };
    // One thread: progress is reported between supersteps. (From worker threads it is posted and
    // read later, by when the next superstep may have moved the aggregates on: final values only.)
    const dense = await trace({ workers: 1, frontier: 'dense' });
    assert.ok(dense.length > 2, `${name}: supersteps ${dense.length}`);
    assert.equal(await trace({ workers: 1, frontier: 'sparse' }), dense, `${name}, 1 thread`);
    const final = await runProgram(levelsEveryStep, graph, { workers: 2, frontier: 'sparse' });
    assert.equal(final.aggregates, dense[dense.length - 1], `${name}, 2 threads: final aggregates`);
  }
  await closeWorkers();
});

test('frontier and aggregateAt mistakes are named', async () => {
  let message = '';
  await runProgram(programs.bfs, graphs[1][1], { frontier: 'lists' as never }).catch((e: Error) => (message = e.message));
  assert.match(message, /frontier must be 'auto', 'dense' or 'sparse'; got "lists"/);
  message = '';
  await runProgram(programs.bfs, graphs[1][1], { engine: 'async', frontier: 'sparse' }).catch((e: Error) => (message = e.message));
  assert.match(message, /option "frontier" is for the sync engine; this run uses engine 'async'/);
  const withConverged = { ...levelsEveryStep, aggregateAt: 'end' as const, converged: () => false } as unknown as VertexProgram;
  message = '';
  await runProgram(withConverged, graphs[1][1]).catch((e: Error) => (message = e.message));
  assert.match(message, /aggregateAt 'end' leaves converged without aggregates/);
});

test.run();
