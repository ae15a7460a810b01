/**
 * REV2 on the engine against a serial REV2 written from the paper's
 * equations (same order: goodness and fairness from the previous
 * reliabilities, then reliabilities from the new values), on 1 and 2
 * workers; a small network where the outcome is known; the AUC against a
 * brute-force pair count (property test) and precision at k by hand; and
 * Bitcoin OTC with its ground truth, when present.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { closeWorkers, runProgram } from '../../../core/engine/index.js';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { Graph } from '../../../core/graph/graph.js';
import { loadLabels, loadSignedNetwork } from '../../../core/graph/loaders/signed.js';
import { Random } from '../../../core/util/random.js';
import { evaluateScores, scoreAccounts } from '../../../apps/fraud/detect.js';
import { precisionAtK, rocAuc } from '../../../apps/metrics/classification.js';
import rev2 from '../../../apps/fraud/rev2.js';
import { dataset } from '../../helpers.js';

function network(edges: Array<[number, number, number]>, n: number): Graph {
  const list = new EdgeList({ mapIds: false, weighted: true });
  list.setNumVertices(n);
  for (const [u, v, w] of edges) list.add(u, v, w);
  return buildGraph(list);
}

function randomNetwork(n: number, m: number, seed: number): Graph {
  const random = new Random(seed);
  const edges: Array<[number, number, number]> = [];
  const seen = new Set<string>();
  while (edges.length < m) {
    const u = random.nextInt(n);
    const v = random.nextInt(n);
    if (u === v || seen.has(`${u},${v}`)) continue;
    seen.add(`${u},${v}`);
    edges.push([u, v, random.nextInt(21) - 10]);
  }
  return network(edges, n);
}

/** REV2 from its equations, on plain arrays over the edge list. */
function serialRev2(g: Graph, iterations: number, alpha = 1, beta = 1, gamma1 = 1, gamma2 = 1): { F: number[]; G: number[]; R: number[] } {
  const n = g.numVertices;
  const src = g.edgeSources();
  const w = g.weights!;
  const m = g.numEdges;
  const largest = Math.max(...Array.from(w, Math.abs));
  const score = Array.from(w, (x) => x / largest);
  let F = new Array<number>(n).fill(1);
  let G = new Array<number>(n).fill(1);
  const R = new Array<number>(m).fill(1);
  for (let it = 0; it < iterations; it++) {
    const meanF = F.reduce((a, b) => a + b, 0) / n;
    const meanG = G.reduce((a, b) => a + b, 0) / n;
    const sumG = new Array<number>(n).fill(0);
    const inDeg = new Array<number>(n).fill(0);
    const sumF = new Array<number>(n).fill(0);
    const outDeg = new Array<number>(n).fill(0);
    for (let e = 0; e < m; e++) {
      const u = src[e];
      const v = g.outTargets[e];
      sumG[v] += R[e] * score[e];
      inDeg[v]++;
      sumF[u] += R[e];
      outDeg[u]++;
    }
    G = G.map((_, v) => (sumG[v] + beta * meanG) / (inDeg[v] + beta));
    F = F.map((_, u) => (sumF[u] + alpha * meanF) / (outDeg[u] + alpha));
    for (let e = 0; e < m; e++) R[e] = (gamma1 * F[src[e]] + gamma2 * (1 - Math.abs(score[e] - G[g.outTargets[e]]) / 2)) / (gamma1 + gamma2);
  }
  return { F, G, R };
}

test('REV2 on the engine equals the serial equations (1 and 2 workers)', async () => {
  const g = randomNetwork(120, 900, 3);
  const expected = serialRev2(g, 12);
  for (const workers of [1, 2]) {
    const r = await runProgram(rev2, g, { workers, maxIterations: 12, params: { tolerance: 0 } });
    assert.is(r.iterations, 12);
    let worst = 0;
    for (let v = 0; v < g.numVertices; v++) {
      worst = Math.max(worst, Math.abs(r.vertex.fairness[v] - expected.F[v]), Math.abs(r.vertex.goodness[v] - expected.G[v]));
    }
    for (let e = 0; e < g.numEdges; e++) worst = Math.max(worst, Math.abs(r.edge.reliability[e] - expected.R[e]));
    assert.ok(worst < 1e-12, `${workers} workers: max |difference| ${worst}`);
  }
});

test('REV2: a rater who contradicts the others is the least fair; a product they all pan is the least good', async () => {
  // Raters 0-3 rate products 5 and 6 alike (+10 and -10); rater 4 rates them the other way round.
  const edges: Array<[number, number, number]> = [];
  for (const u of [0, 1, 2, 3]) edges.push([u, 5, 10], [u, 6, -10]);
  edges.push([4, 5, -10], [4, 6, 10]);
  const g = network(edges, 7);
  const s = await scoreAccounts(g, { method: 'rev2', score: 'fairness' });
  assert.ok(s.converged, 'converges');
  for (const u of [0, 1, 2, 3]) assert.ok(s.fairness![4] < s.fairness![u] - 0.1, `fairness of 4 (${s.fairness![4]}) vs ${u} (${s.fairness![u]})`);
  assert.ok(s.goodness![6] < 0 && s.goodness![5] > 0, `goodness ${s.goodness![5]}, ${s.goodness![6]}`);
  const ranked = Array.from(s.scores.subarray(0, 5));
  assert.is(ranked.indexOf(Math.max(...ranked)), 4);
});

test('rocAuc equals the pair count (ties half) on random scores (property); precisionAtK by hand', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 2, maxLength: 40 }), (items) => {
      const scores = items.map(([s]) => s);
      const fraud = items.map(([, f]) => (f ? 1 : 0));
      let pairs = 0;
      let wins = 0;
      for (let i = 0; i < items.length; i++) {
        for (let j = 0; j < items.length; j++) {
          if (fraud[i] !== 1 || fraud[j] !== 0) continue;
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
      }
      const auc = rocAuc(scores, fraud);
      if (pairs === 0) assert.ok(Number.isNaN(auc));
      else assert.ok(Math.abs(auc - wins / pairs) < 1e-12, `auc ${auc} vs ${wins / pairs}`);
    }),
    { seed: 5, numRuns: 300 },
  );
  assert.is(precisionAtK([0.9, 0.1, 0.8, 0.7], [1, 1, 0, 1], 2), 0.5);
  assert.is(precisionAtK([0.9, 0.1, 0.8, 0.7], [1, 1, 0, 1], 10), 0.75);
});

test('Bitcoin OTC against its ground truth: REV2 and the baseline rank fraudulent accounts first', async () => {
  const path = dataset('fraud/bitcoin/soc-sign-bitcoinotc.csv.gz', 'Bitcoin OTC fraud');
  const gt = dataset('fraud/bitcoin/otc_gt.csv', 'Bitcoin OTC fraud');
  if (!path || !gt) return;
  const g = await loadSignedNetwork(path);
  const labels = await loadLabels(gt);
  const auc = async (options: Parameters<typeof scoreAccounts>[1]): Promise<number> => evaluateScores(g, (await scoreAccounts(g, { ...options, workers: 2 })).scores, labels).auc;
  const combined = await auc({ method: 'rev2' });
  const fairness = await auc({ method: 'rev2', score: 'fairness' });
  const negative = await auc({ method: 'negative' });
  // Measured: 0.993, 0.693, 0.991. Fairness alone is what the REV2 paper ranks raters by.
  assert.ok(combined > 0.95, `REV2 combined AUC ${combined}`);
  assert.ok(fairness > 0.6, `REV2 fairness AUC ${fairness}`);
  assert.ok(negative > 0.95, `negative-ratings AUC ${negative}`);
  await closeWorkers();
});

test.run();
