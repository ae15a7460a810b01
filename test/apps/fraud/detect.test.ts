/**
 * REV2 on the engine against a serial REV2 written from the paper's
 * equations (same order: goodness and fairness from the previous
 * reliabilities, then reliabilities from the new values), on 1 and 2
 * workers; small networks where the outcome is known (REV2, and signed
 * belief propagation from a seed); and Bitcoin OTC with its ground truth,
 * when present.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers, runProgram } from '../../../core/engine/index.js';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { Graph } from '../../../core/graph/graph.js';
import { loadLabels, loadSignedNetwork } from '../../../core/graph/loaders/signed.js';
import { Random } from '../../../core/util/random.js';
import { evaluateScores, scoreAccounts, splitLabels } from '../../../apps/fraud/detect.js';
import rev2 from '../../../apps/fraud/rev2.js';
import { UsageError } from '../../../core/errors.js';
import { dataset, needsData } from '../../helpers.js';

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

test('REV2 with every parameter away from its default (and from each other) equals the serial equations', async () => {
  // At the defaults alpha = beta = gamma1 = gamma2 = 1, a program that used one in place of
  // another would still pass; distinct values pin each to its own term.
  const g = randomNetwork(90, 600, 11);
  const params = { alpha: 0.3, beta: 2.5, gamma1: 0.7, gamma2: 1.9, tolerance: 0 };
  const expected = serialRev2(g, 9, params.alpha, params.beta, params.gamma1, params.gamma2);
  const r = await runProgram(rev2, g, { workers: 1, maxIterations: 9, params });
  let worst = 0;
  for (let v = 0; v < g.numVertices; v++) {
    worst = Math.max(worst, Math.abs(r.vertex.fairness[v] - expected.F[v]), Math.abs(r.vertex.goodness[v] - expected.G[v]));
  }
  for (let e = 0; e < g.numEdges; e++) worst = Math.max(worst, Math.abs(r.edge.reliability[e] - expected.R[e]));
  assert.ok(worst < 1e-12, `max |difference| ${worst}`);
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

test('signed BP from seeds: a rater panned by the honest raters is marked, splitLabels partitions each run alike', async () => {
  // Honest 0-3 rate one another +10 and rate 4 -10; 4 rates 5 +10. Seed: 0 benign.
  const edges: Array<[number, number, number]> = [];
  for (const u of [0, 1, 2, 3]) {
    for (const v of [0, 1, 2, 3]) if (u !== v) edges.push([u, v, 10]);
    edges.push([u, 4, -10]);
  }
  edges.push([4, 5, 10]);
  const g = network(edges, 6);
  const s = await scoreAccounts(g, { method: 'bp', seeds: { ids: Float64Array.of(0), labels: Int8Array.of(1) } });
  assert.ok(s.converged, 'converges');
  for (const u of [1, 2, 3]) assert.ok(s.scores[u] < 0.5, `honest ${u}: P(fraud) ${s.scores[u]}`);
  assert.ok(s.scores[4] > 0.5, `panned account: P(fraud) ${s.scores[4]}`);
  assert.ok(s.scores[5] > 0.5, `its friend: P(fraud) ${s.scores[5]}`);
  const labels = { ids: Float64Array.from({ length: 100 }, (_, i) => i * 3), labels: Int8Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? -1 : 1)) };
  const { seeds, heldOut } = splitLabels(labels, 0.3, 5);
  assert.is(seeds.ids.length + heldOut.ids.length, 100);
  // Stratified: 30% of the 34 fraudulent and of the 66 benign labels.
  assert.is(seeds.labels.filter((x) => x < 0).length, 10);
  assert.is(seeds.labels.filter((x) => x > 0).length, 20);
  const tiny = splitLabels({ ids: Float64Array.of(1, 2, 3), labels: Int8Array.of(-1, 1, 1) }, 0.1, 1);
  assert.is(tiny.seeds.labels.filter((x) => x < 0).length, 1, 'a class gets at least one seed');
  assert.equal(new Set([...seeds.ids, ...heldOut.ids]), new Set(labels.ids));
  assert.equal(splitLabels(labels, 0.3, 5).seeds.ids, seeds.ids);
  for (const [options, message] of [
    [{ method: 'bp' }, /needs labelled seed accounts/],
    [{ method: 'bp', seeds: { ids: Float64Array.of(900), labels: Int8Array.of(-1) } }, /none of the 1 seed ids is an account of the network/],
  ] as const) {
    try {
      await scoreAccounts(g, options as Parameters<typeof scoreAccounts>[1]);
      assert.unreachable(`${JSON.stringify(options)} should be rejected`);
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match(String(error), message);
    }
  }
});

needsData(test, 'fraud/bitcoin/soc-sign-bitcoinotc.csv.gz', 'fraud/bitcoin/otc_gt.csv')('Bitcoin OTC against its ground truth: REV2 and the baseline rank fraudulent accounts first', async () => {
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
  // Signed BP from a tenth of the labels, judged on the rest (measured 0.956).
  const { seeds, heldOut } = splitLabels(labels, 0.1, 1);
  const bp = evaluateScores(g, (await scoreAccounts(g, { method: 'bp', seeds, workers: 2 })).scores, heldOut).auc;
  assert.ok(bp > 0.9, `signed BP AUC ${bp}`);
  assert.ok(fairness > 0.6, `REV2 fairness AUC ${fairness}`);
  assert.ok(negative > 0.95, `negative-ratings AUC ${negative}`);
  await closeWorkers();
});

test.run();
