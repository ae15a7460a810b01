/**
 * Convergence and aggregates on the asynchronous engine. A program that
 * normalises by an aggregate (HITS-like) reads fresh values through
 * ctx.aggregates in every thread, and stays bounded; a program's convergence
 * test sees every sweep, so a PageRank with a tolerance stops when it has
 * converged (ranks match a serial power iteration) instead of running to the
 * cap; a run that does end at its cap reports converged: false, and the
 * command line says so with a warning.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runProgram, closeWorkers } from '../../../core/engine/index.js';
import { buildGraph } from '../../../core/graph/build.js';
import { grid2d } from '../../../core/graph/generators/grid.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import type { VertexProgram } from '../../../core/program.js';
import { normalised } from './normalised-program.js';
import pagerank from '../../../vertex-programs/pagerank.js';
import { pagerankReference } from '../../vertex-programs/reference.js';
import { gasworks } from '../../apps/cli/cli-runner.js';

test('ctx.aggregates is fresh in every thread of an async run: a normalised iteration stays bounded', async () => {
  const graph = buildGraph(grid2d({ rows: 20, cols: 20 }), { undirected: true });
  for (const workers of [1, 2]) {
    // The sweep modes (in-place sweeps, and chromatic ones) refresh after every sweep. (The queue
    // modes aggregate on a clock: a normaliser there goes stale between two aggregations.)
    for (const [label, options] of [['sweep', {}], ['chromatic', { consistency: 'edge', edgeConsistency: 'chromatic' }]] as const) {
      const scheduler = label;
      const r = await runProgram(normalised, graph, { engine: 'async', workers, maxIterations: 80, ...options });
      const x = r.vertex.x as Float64Array;
      let sum = 0;
      for (const value of x) {
        assert.ok(Number.isFinite(value), `${workers} ${scheduler}: x finite`);
        sum += value;
      }
      // Each vertex has at most 4 neighbours: a fresh total keeps the sum near 4 (a stale one
      // of 1 would multiply it by about 4 per sweep: 1e48 after 80).
      assert.ok(sum > 1 && sum < 8, `${workers} ${scheduler}: sum ${sum}`);
    }
  }
  await closeWorkers();
});

test('async PageRank with a tolerance stops when converged, with ranks of a serial power iteration', async () => {
  const graph = buildGraph(rmatEdges({ scale: 10, edgeFactor: 8, seed: 5 }));
  const reference = pagerankReference(graph, 0.85, 300);
  const sync = await runProgram(pagerank, graph, { workers: 2, params: { tolerance: 1e-9 }, maxIterations: 500 });
  assert.ok(sync.converged, 'sync converged');
  for (const workers of [1, 2]) {
    const r = await runProgram(pagerank, graph, { engine: 'async', workers, params: { tolerance: 1e-9 }, maxIterations: 500 });
    assert.ok(r.converged, `async -w ${workers}: converged`);
    // Gauss-Seidel sweeps converge at least as fast as the synchronous (Jacobi) supersteps.
    assert.ok(r.iterations <= sync.iterations + 2, `async -w ${workers}: ${r.iterations} sweeps; sync ${sync.iterations} supersteps`);
    assert.ok(r.iterations > 10, `async -w ${workers}: ${r.iterations} sweeps is too few to have converged`);
    let l1 = 0;
    const rank = r.vertex.rank as Float64Array;
    for (let v = 0; v < rank.length; v++) l1 += Math.abs(rank[v] - reference[v]);
    assert.ok(l1 < 1e-6, `async -w ${workers}: L1 distance to the reference ${l1}`);
  }
  let l1 = 0;
  const rank = sync.vertex.rank as Float64Array;
  for (let v = 0; v < rank.length; v++) l1 += Math.abs(rank[v] - reference[v]);
  assert.ok(l1 < 1e-6, `sync: L1 distance to the reference ${l1}`);
  await closeWorkers();
});

test('a run that ends at its cap: converged false, and the command line warns', async () => {
  const graph = buildGraph(rmatEdges({ scale: 8, edgeFactor: 8, seed: 5 }));
  for (const engine of ['sync', 'async'] as const) {
    const r = await runProgram(pagerank as unknown as VertexProgram, graph, { engine, workers: 1, params: { tolerance: 1e-12 }, maxIterations: 4 });
    assert.is(r.converged, false, engine);
    assert.is(r.iterations, 4, engine);
  }
  for (const engine of ['sync', 'async']) {
    const r = gasworks(['run', 'pagerank', '-g', 'rmat:8', '--engine', engine, '--tolerance', '1e-12', '-i', '4', '--json', '--aggregate-every', 'sweep'].filter((a, i, all) => engine === 'async' || (a !== '--aggregate-every' && all[i - 1] !== '--aggregate-every')));
    assert.is(r.status, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).converged, false);
    assert.match(r.stderr, /^gasworks: warning: pagerank stopped at the cap of 4 iterations without converging \(converged: false\); raise --iterations or loosen --tolerance\n$/);
  }
  const fixed = gasworks(['run', 'pagerank', '-g', 'rmat:8', '-i', '4', '--json']);
  assert.is(fixed.stderr, '', 'tolerance 0 runs to the cap on purpose: no warning');
});

test.run();
