/**
 * Implicit-feedback ALS against an independent dense reference: on a tiny
 * set, every half-step solved in closed form over the full user x item
 * matrix of confidences (c = 1 + alpha r on ratings, 1 elsewhere) by
 * Gaussian elimination, from the same initial factors; the Cholesky program
 * matches it on 1 and 2 workers, the conjugate-gradient solver with as many
 * steps as the rank matches it too, and the reported objective is the dense
 * one. On MovieLens 100K u1 (when present) its top-10 lists beat the
 * popularity baseline by at least 1.5x, as brute-force ranking computes it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeWorkers } from '../../../core/engine/index.js';
import { loadRatings, type Ratings } from '../../../core/graph/loaders/movielens.js';
import { hash32 } from '../../../core/util/random.js';
import { initFactors } from '../../../apps/recommender/factors.js';
import { popularityModel } from '../../../apps/recommender/baseline.js';
import { rankingQuality } from '../../../apps/recommender/metrics.js';
import { trainFactorModel } from '../../../apps/recommender/train.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { dataset } from '../../helpers.js';
import { bruteRanking, triples } from './ranking-reference.js';

const U = 7;
const I = 5;
const RANK = 3;

/** Every user rates 2-4 items, every item is rated; values 1-5; ids 1..U, 1..I. */
function tinyRatings(): Ratings {
  const rows: Array<[number, number, number]> = [];
  for (let u = 0; u < U; u++) {
    for (let i = 0; i < I; i++) {
      if ((u + i) % I === 0 || hash32(u * I + i, 9) % 3 === 0) rows.push([u, i, 1 + (hash32(u * I + i, 4) % 5)]);
    }
  }
  return {
    users: Uint32Array.from(rows.map((r) => r[0])),
    items: Uint32Array.from(rows.map((r) => r[1])),
    values: Float64Array.from(rows.map((r) => r[2])),
    times: null,
    numUsers: U,
    numItems: I,
    userIds: Float64Array.from({ length: U }, (_, u) => u + 1),
    itemIds: Float64Array.from({ length: I }, (_, i) => i + 1),
    count: rows.length,
  };
}

/** Solve A x = b (n x n, arrays of rows) by Gaussian elimination with partial pivoting. */
function gaussSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

/** Dense iALS: X (U x RANK), Y (I x RANK) after `iterations` of (users, then items). */
function denseIals(r: Ratings, alpha: number, lambda: number, iterations: number): { X: number[][]; Y: number[][]; objective: number } {
  const P = Array.from({ length: U }, () => new Array<number>(I).fill(0));
  const C = Array.from({ length: U }, () => new Array<number>(I).fill(1));
  for (let k = 0; k < r.count; k++) {
    P[r.users[k]][r.items[k]] = 1;
    C[r.users[k]][r.items[k]] = 1 + alpha * r.values[k];
  }
  // The initial factors are an input: read them where the program starts (vertex v's row).
  const start = new Float64Array((U + I) * (RANK + 1));
  for (let v = 0; v < U + I; v++) initFactors(start, v, RANK, 1);
  const row = (v: number): number[] => Array.from(start.subarray(v * (RANK + 1), v * (RANK + 1) + RANK));
  const X = Array.from({ length: U }, (_, u) => row(u));
  const Y = Array.from({ length: I }, (_, i) => row(U + i));
  const solveSide = (mine: number[][], other: number[][], conf: (a: number, b: number) => number, pref: (a: number, b: number) => number): void => {
    for (let a = 0; a < mine.length; a++) {
      const A = Array.from({ length: RANK }, (_, i) => Array.from({ length: RANK }, (_, j) => (i === j ? lambda : 0)));
      const b = new Array<number>(RANK).fill(0);
      for (let o = 0; o < other.length; o++) {
        const c = conf(a, o);
        for (let i = 0; i < RANK; i++) {
          b[i] += c * pref(a, o) * other[o][i];
          for (let j = 0; j < RANK; j++) A[i][j] += c * other[o][i] * other[o][j];
        }
      }
      mine[a] = gaussSolve(A, b);
    }
  };
  for (let it = 0; it < iterations; it++) {
    solveSide(X, Y, (u, i) => C[u][i], (u, i) => P[u][i]);
    solveSide(Y, X, (i, u) => C[u][i], (i, u) => P[u][i]);
  }
  let objective = 0;
  for (let u = 0; u < U; u++) {
    for (let i = 0; i < I; i++) {
      let p = 0;
      for (let k = 0; k < RANK; k++) p += X[u][k] * Y[i][k];
      objective += C[u][i] * (P[u][i] - p) ** 2;
    }
  }
  for (const v of [...X, ...Y]) for (const x of v) objective += lambda * x * x;
  return { X, Y, objective };
}

function assertClose(got: Float64Array, expected: number[][], tolerance: number, what: string): void {
  for (let a = 0; a < expected.length; a++) {
    assert.is(got[a * (RANK + 1) + RANK], 0, `${what} ${a}: bias`);
    for (let k = 0; k < RANK; k++) {
      const g = got[a * (RANK + 1) + k];
      const e = expected[a][k];
      assert.ok(Math.abs(g - e) <= tolerance * Math.max(1, Math.abs(e)), `${what} ${a}, factor ${k}: ${g} vs dense ${e}`);
    }
  }
}

test('iALS (Cholesky) solves the dense normal equations, on 1 and 2 workers; its objective is the dense one', async () => {
  const r = tinyRatings();
  const alpha = 2;
  const lambda = 0.3;
  const expected = denseIals(r, alpha, lambda, 3);
  for (const workers of [1, 2]) {
    const run = await trainFactorModel(r, { algo: 'ials', rank: RANK, alpha, lambda, iterations: 3, workers });
    assert.is(run.model.mean, 0);
    assertClose(run.model.users, expected.X, 1e-9, `x${workers} user`);
    assertClose(run.model.items, expected.Y, 1e-9, `x${workers} item`);
    assert.is(run.trainRmse.length, 3);
    const reported = run.trainRmse[2] ** 2 * U * I;
    assert.ok(Math.abs(reported - expected.objective) < 1e-9 * expected.objective, `objective ${reported} vs dense ${expected.objective}`);
  }
});

test('iALS with the conjugate-gradient solver: rank steps reach the dense solution; 1 step still lowers the objective', async () => {
  const r = tinyRatings();
  const expected = denseIals(r, 1, 0.5, 4);
  const exact = await trainFactorModel(r, { algo: 'ials', rank: RANK, alpha: 1, lambda: 0.5, iterations: 4, solver: 'cg', cgSteps: RANK, workers: 1 });
  assertClose(exact.model.users, expected.X, 1e-6, 'cg user');
  assertClose(exact.model.items, expected.Y, 1e-6, 'cg item');
  assert.is(exact.model.params.solver, 'cg');
  const oneStep = await trainFactorModel(r, { algo: 'ials', rank: RANK, alpha: 1, lambda: 0.5, iterations: 6, solver: 'cg', cgSteps: 1, workers: 1 });
  for (let k = 1; k < oneStep.trainRmse.length; k++) assert.ok(oneStep.trainRmse[k] <= oneStep.trainRmse[k - 1] + 1e-12, `objective rose at iteration ${k + 1}`);
});

test('iALS reports each iteration\'s objective as of that iteration on 2 workers too (the engine\'s progress snapshots)', async () => {
  // Big enough that thread 0's message reaches the main thread after the next superstep has begun.
  const r = plantedRatings(300, 200, 4, 1);
  const options = { algo: 'ials' as const, rank: 2, alpha: 1, lambda: 1, iterations: 4, solver: 'cg' as const, cgSteps: 1 };
  const one = await trainFactorModel(r, { ...options, workers: 1 });
  const two = await trainFactorModel(r, { ...options, workers: 2 });
  one.trainRmse.forEach((x, i) => assert.ok(Math.abs(x - two.trainRmse[i]) < 1e-12, `iteration ${i + 1}: ${x} on 1 worker, ${two.trainRmse[i]} on 2`));
});

test('iALS on MovieLens 100K u1: precision@10 at least 1.5x the popularity baseline, as brute force ranks it', async () => {
  const base = dataset('movielens/ml-100k.u1.base.gz', 'iALS on u1');
  const held = dataset('movielens/ml-100k.u1.test.gz', 'iALS on u1');
  if (base === null || held === null) return;
  const train = await loadRatings(base);
  const testSet = await loadRatings(held);
  const { model } = await trainFactorModel(train, { algo: 'ials', workers: 2 });
  const got = rankingQuality(model, train, testSet, 10, 4);
  const width = model.rank + 1;
  const row = new Map<number, number>();
  model.itemIds.forEach((id, i) => row.set(id, i));
  const userRow = new Map<number, number>();
  model.userIds.forEach((id, u) => userRow.set(id, u));
  const score = (user: number, item: number): number => {
    const a = userRow.get(user)! * width;
    const b = row.get(item)! * width;
    let s = 0;
    for (let k = 0; k < model.rank; k++) s += model.users[a + k] * model.items[b + k];
    return s;
  };
  const brute = bruteRanking(triples(train), triples(testSet), Array.from(model.itemIds), score, 10);
  assert.ok(Math.abs(brute.precision - got.precision) < 1e-12, `precision ${got.precision} vs brute force ${brute.precision}`);
  const baseline = rankingQuality(popularityModel(train), train, testSet, 10, 4);
  assert.ok(got.precision >= 1.5 * baseline.precision, `iALS precision@10 ${got.precision} vs baseline ${baseline.precision}`);
});

test.after(async () => closeWorkers());

test.run();
