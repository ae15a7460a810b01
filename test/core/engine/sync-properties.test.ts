/**
 * Properties of the synchronous engine on seeded random weighted graphs
 * (fast-check, seed 42; self-loops and repeated edges included) and small
 * R-MAT graphs, each checked exactly against a brute-force pass over the edge
 * list, inline (1 worker) and on 2 worker threads: gather over in-, out- and
 * all edges with edge ids that index graph.weights, a custom `sum`, a vector
 * accumulator, aggregates visible in apply, stopping at a fixed point with
 * 'all' activation, and the empty graph.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { Graph } from '../../../core/graph/graph.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import { closeWorkers, runProgram } from '../../../core/engine/index.js';
import type { VertexProgram } from '../../../core/program.js';
import { aggregateEcho, minIncident, minLabelAllActive, neighbourVectorSum, successorSum, weightedInSum, weightedOutSum } from './sync-edge-programs.js';
import { inDegree, minLabel } from './sync-programs.js';

const WORKERS = [1, 2];

interface Edges {
  n: number;
  src: number[];
  dst: number[];
  w: number[];
}

/** Random weighted edge lists (integer weights 1..9) on 1..30 vertices. */
const edgesArbitrary: fc.Arbitrary<Edges> = fc
  .record({ n: fc.integer({ min: 1, max: 30 }), raw: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 9 })), { maxLength: 90 }) })
  .map(({ n, raw }) => ({ n, src: raw.map((r) => r[0] % n), dst: raw.map((r) => r[1] % n), w: raw.map((r) => r[2]) }));

function graphOf(edges: Edges, undirected = false): Graph {
  const list = new EdgeList({ mapIds: false, weighted: true });
  list.setNumVertices(edges.n);
  for (let i = 0; i < edges.src.length; i++) list.add(edges.src[i], edges.dst[i], edges.w[i]);
  return buildGraph(list, { undirected });
}

/** The graph's own edge list (after building: undirected graphs hold both directions), by CSR edge id. */
function edgeListOf(g: Graph): Edges {
  const out: Edges = { n: g.numVertices, src: [], dst: [], w: [] };
  for (let u = 0; u < g.numVertices; u++) {
    for (let e = g.outOffsets[u]; e < g.outOffsets[u + 1]; e++) {
      out.src.push(u);
      out.dst.push(g.outTargets[e]);
      out.w.push(g.weights ? g.weights[e] : 1);
    }
  }
  return out;
}

function rmatWeighted(scale: number, seed: number): Graph {
  return buildGraph(rmatEdges({ scale, edgeFactor: 6, seed, maxWeight: 10 }));
}

/** Every check below, on one graph, for 1 and 2 workers. */
async function checkGraph(g: Graph): Promise<void> {
  const { n, src, dst, w } = edgeListOf(g);
  const inSum = new Float64Array(n);
  const outSum = new Float64Array(n);
  const least = new Float64Array(n).fill(Infinity);
  const vectors = new Float64Array(3 * n);
  for (let e = 0; e < src.length; e++) {
    const [u, v] = [src[e], dst[e]];
    inSum[v] += w[e];
    outSum[u] += w[e] * (v + 1);
    least[u] = Math.min(least[u], w[e] * 4096 + v);
    least[v] = Math.min(least[v], w[e] * 4096 + u);
    // Gather 'all' visits an edge from both ends (a self-loop twice).
    vectors[3 * u] += v;
    vectors[3 * u + 1] += v * v;
    vectors[3 * u + 2] += w[e];
    vectors[3 * v] += u;
    vectors[3 * v + 1] += u * u;
    vectors[3 * v + 2] += w[e];
  }
  for (const workers of WORKERS) {
    const a = await runProgram(weightedInSum, g, { workers, maxIterations: 1 });
    assert.equal(Array.from(a.vertex.total), Array.from(inSum), `in-edge weights, ${workers} worker(s)`);
    assert.is(a.edgesTraversed, src.length);
    const b = await runProgram(weightedOutSum, g, { workers, maxIterations: 1 });
    assert.equal(Array.from(b.vertex.total), Array.from(outSum), `out-edge weights, ${workers} worker(s)`);
    const c = await runProgram(minIncident, g, { workers, maxIterations: 1 });
    assert.equal(Array.from(c.vertex.least), Array.from(least), `custom min sum over all edges, ${workers} worker(s)`);
    assert.is(c.edgesTraversed, 2 * src.length);
    const d = await runProgram(neighbourVectorSum, g, { workers, maxIterations: 2 });
    assert.equal(Array.from(d.vertex.sums), Array.from(vectors), `vector accumulator, ${workers} worker(s)`);
    assert.is(d.vertexUpdates, 2 * n);
  }
}

test('gather in/out/all: edge ids index graph.weights; custom sum; vector accumulator (fast-check, seed 42)', async () => {
  await fc.assert(
    fc.asyncProperty(edgesArbitrary, fc.boolean(), async (edges, undirected) => {
      await checkGraph(graphOf(edges, undirected));
    }),
    { seed: 42, numRuns: 25 },
  );
});

test('gather in/out/all on weighted R-MAT graphs', async () => {
  for (const seed of [1, 2]) await checkGraph(rmatWeighted(9, seed));
});

test("ctx.aggregates in apply holds the previous superstep's values", async () => {
  const g = rmatWeighted(7, 3);
  const n = g.numVertices;
  for (const steps of [1, 2, 5]) {
    // Serial: x = (previous total mod 97) + v, total = sum of x; -1 before the first superstep.
    let previous = -1;
    let x = new Float64Array(n);
    for (let s = 0; s < steps; s++) {
      x = new Float64Array(n);
      let total = 0;
      for (let v = 0; v < n; v++) {
        x[v] = (previous % 97) + v;
        total += x[v];
      }
      previous = total;
    }
    for (const workers of WORKERS) {
      const r = await runProgram(aggregateEcho, g, { workers, maxIterations: steps });
      assert.equal(Array.from(r.vertex.x), Array.from(x), `${steps} supersteps, ${workers} worker(s)`);
      assert.is(r.aggregates.total, previous);
    }
  }
});

test('aggregator maps that read other vertices see every apply of the superstep (dataAccess vertices)', async () => {
  const g = rmatWeighted(7, 3);
  const n = g.numVertices;
  for (const steps of [1, 3]) {
    for (const workers of WORKERS) {
      const r = await runProgram(successorSum as unknown as VertexProgram, g, { workers, maxIterations: steps });
      assert.is(r.aggregates.next, n * steps, `${steps} supersteps, ${workers} worker(s)`);
    }
  }
});

test("'all' activation stops at the first superstep where no vertex changed", async () => {
  await fc.assert(
    fc.asyncProperty(edgesArbitrary, async (edges) => {
      const g = graphOf(edges);
      // Serial Jacobi min-label with every vertex active; count supersteps up to and including the quiet one.
      const { n, src, dst } = edgeListOf(g);
      let label = Float64Array.from({ length: n }, (_, v) => v);
      let supersteps = 0;
      for (;;) {
        const next = Float64Array.from(label);
        for (let e = 0; e < src.length; e++) {
          next[dst[e]] = Math.min(next[dst[e]], label[src[e]]);
          next[src[e]] = Math.min(next[src[e]], label[dst[e]]);
        }
        supersteps++;
        const changed = next.some((x, v) => x !== label[v]);
        label = next;
        if (!changed) break;
      }
      for (const workers of WORKERS) {
        const r = await runProgram(minLabelAllActive, g, { workers, maxIterations: 1000 });
        assert.equal(Array.from(r.vertex.label), Array.from(label));
        assert.is(r.iterations, supersteps);
        assert.is(r.converged, true);
        assert.is(r.vertexUpdates, supersteps * n);
        if (supersteps > 1) {
          const capped = await runProgram(minLabelAllActive, g, { workers, maxIterations: supersteps - 1 });
          assert.is(capped.iterations, supersteps - 1);
          assert.is(capped.converged, false);
        }
      }
    }),
    { seed: 42, numRuns: 20 },
  );
});

test('the empty graph: no superstep runs, the run converges at once', async () => {
  const list = new EdgeList({ mapIds: false });
  const g = buildGraph(list);
  assert.is(g.numVertices, 0);
  for (const workers of WORKERS) {
    for (const program of [inDegree, minLabel] as VertexProgram[]) {
      const r = await runProgram(program, g, { workers, maxIterations: 5 });
      assert.is(r.iterations, 0);
      assert.is(r.vertexUpdates, 0);
      assert.is(r.edgesTraversed, 0);
      assert.is(r.converged, true);
    }
  }
  // Vertices but no edges: one superstep of gathers over nothing.
  const isolated = new EdgeList({ mapIds: false });
  isolated.setNumVertices(4);
  const r = await runProgram(minIncident, buildGraph(isolated), { workers: 2, maxIterations: 3 });
  assert.equal(Array.from(r.vertex.least), [Infinity, Infinity, Infinity, Infinity]);
  assert.is(r.iterations, 3);
});

test.after(async () => {
  await closeWorkers();
});

test.run();
