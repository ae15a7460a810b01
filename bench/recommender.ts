/**
 * Benchmark: the recommender's ALS and SGD (Hogwild! on the engine, and stratified) against hand-written
 * serial loops with the same arithmetic on typed arrays (the baseline for
 * framework overhead), on 1 and 2 workers, over planted low-rank ratings at
 * scale; and test RMSE on MovieLens 100K u1 when the dataset is present.
 * Medians of `runs` after a warm-up. Writes bench/results/recommender.{json,md}.
 *
 * Usage: node --expose-gc dist/bench/recommender.js [users=100000] [runs=3]
 */
import { existsSync } from 'node:fs';
import { closeWorkers } from '../core/engine/index.js';
import { loadRatings, type Ratings } from '../core/graph/loaders/movielens.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { choleskyFactor, choleskySolveFactored } from '../kernels/cholesky.js';
import { initFactors } from '../apps/recommender/factors.js';
import { ratingError } from '../apps/recommender/metrics.js';
import { plantedRatings } from '../apps/recommender/source.js';
import { trainFactorModel } from '../apps/recommender/train.js';
import { datasetsDir, resultsPath } from './paths.js';
import { timeRuns } from './stats.js';

const RANK = 10;
const ITERATIONS = 5;

/** Ratings grouped by user and by item (CSR), item ids offset by the user count, as the engine's graph holds them. */
function groups(r: Ratings): { userOffsets: Uint32Array; userItems: Uint32Array; userValues: Float64Array; itemOffsets: Uint32Array; itemUsers: Uint32Array; itemValues: Float64Array } {
  const U = r.numUsers;
  const I = r.numItems;
  const userOffsets = new Uint32Array(U + 1);
  const itemOffsets = new Uint32Array(I + 1);
  for (let k = 0; k < r.count; k++) {
    userOffsets[r.users[k] + 1]++;
    itemOffsets[r.items[k] + 1]++;
  }
  for (let u = 0; u < U; u++) userOffsets[u + 1] += userOffsets[u];
  for (let i = 0; i < I; i++) itemOffsets[i + 1] += itemOffsets[i];
  const userItems = new Uint32Array(r.count);
  const userValues = new Float64Array(r.count);
  const itemUsers = new Uint32Array(r.count);
  const itemValues = new Float64Array(r.count);
  const uf = userOffsets.slice(0, U);
  const itf = itemOffsets.slice(0, I);
  for (let k = 0; k < r.count; k++) {
    const u = r.users[k];
    const i = r.items[k];
    userItems[uf[u]] = U + i;
    userValues[uf[u]++] = r.values[k];
    itemUsers[itf[i]] = u;
    itemValues[itf[i]++] = r.values[k];
  }
  return { userOffsets, userItems, userValues, itemOffsets, itemUsers, itemValues };
}

/** Hand-written ALS with biases (the program's model, init and regularisation), serial; returns seconds. */
function handAls(r: Ratings, lambda: number): number {
  const g = groups(r);
  const U = r.numUsers;
  const n = U + r.numItems;
  const width = RANK + 1;
  const unknowns = RANK + 1;
  const factors = new Float64Array(n * width);
  for (let v = 0; v < n; v++) initFactors(factors, v, RANK, 1);
  let mean = 0;
  for (let k = 0; k < r.count; k++) mean += r.values[k];
  mean /= r.count;
  const a = new Float64Array(unknowns * unknowns);
  const b = new Float64Array(unknowns);
  const solveSide = (from: number, to: number, offsets: Uint32Array, others: Uint32Array, values: Float64Array, base: number, otherBase: number): void => {
    for (let v = from; v < to; v++) {
      const lo = offsets[v - base];
      const hi = offsets[v - base + 1];
      if (lo === hi) continue;
      a.fill(0);
      b.fill(0);
      for (let q = lo; q < hi; q++) {
        const w = (others[q] + otherBase) * width;
        const t = values[q] - mean - factors[w + RANK];
        for (let i = 0; i < unknowns; i++) {
          const zi = i < RANK ? factors[w + i] : 1;
          b[i] += t * zi;
          for (let j = i; j < unknowns; j++) a[i * unknowns + j] += zi * (j < RANK ? factors[w + j] : 1);
        }
      }
      for (let i = 0; i < unknowns; i++) {
        for (let j = 0; j < i; j++) a[i * unknowns + j] = a[j * unknowns + i];
        a[i * unknowns + i] += lambda * (hi - lo);
      }
      choleskyFactor(a, 0, unknowns);
      choleskySolveFactored(a, 0, b, 0, unknowns);
      for (let i = 0; i < unknowns; i++) factors[v * width + i] = b[i];
    }
  };
  const t0 = performance.now();
  for (let it = 0; it < ITERATIONS; it++) {
    solveSide(0, U, g.userOffsets, g.userItems, g.userValues, 0, 0);
    solveSide(U, n, g.itemOffsets, g.itemUsers, g.itemValues, U, 0);
  }
  return (performance.now() - t0) / 1000;
}

/** Hand-written SGD epochs (the program's update, users in order), serial; returns seconds. */
function handSgd(r: Ratings, eta: number, lambda: number): number {
  const g = groups(r);
  const U = r.numUsers;
  const width = RANK + 1;
  const factors = new Float64Array((U + r.numItems) * width);
  for (let v = 0; v < U + r.numItems; v++) initFactors(factors, v, RANK, 1);
  let mean = 0;
  for (let k = 0; k < r.count; k++) mean += r.values[k];
  mean /= r.count;
  const t0 = performance.now();
  for (let epoch = 0; epoch < ITERATIONS; epoch++) {
    for (let u = 0; u < U; u++) {
      const a = u * width;
      for (let q = g.userOffsets[u]; q < g.userOffsets[u + 1]; q++) {
        const b = g.userItems[q] * width;
        let prediction = mean + factors[a + RANK] + factors[b + RANK];
        for (let k = 0; k < RANK; k++) prediction += factors[a + k] * factors[b + k];
        const error = g.userValues[q] - prediction;
        factors[a + RANK] += eta * (error - lambda * factors[a + RANK]);
        factors[b + RANK] += eta * (error - lambda * factors[b + RANK]);
        for (let k = 0; k < RANK; k++) {
          const x = factors[a + k];
          const y = factors[b + k];
          factors[a + k] = x + eta * (error * y - lambda * x);
          factors[b + k] = y + eta * (error * x - lambda * y);
        }
      }
    }
  }
  return (performance.now() - t0) / 1000;
}


async function main(): Promise<void> {
  const users = Number(process.argv[2] ?? 100000);
  const runs = Number(process.argv[3] ?? 3);
  const ratings = plantedRatings(users, Math.max(20, users / 5), RANK, 1);
  console.log(`bench/recommender: planted ratings, ${ratings.numUsers} users x ${ratings.numItems} items, ${ratings.count} ratings, rank ${RANK}, ${ITERATIONS} iterations`);
  const rows: Array<{ what: string; workers: number; secondsPerIteration: number; vsHand: number }> = [];
  for (const algo of ['als', 'sgd'] as const) {
    const hand = await timeRuns(runs, () => (algo === 'als' ? handAls(ratings, 0.1) : handSgd(ratings, 0.01, 0.05)));
    rows.push({ what: `hand-written serial ${algo}`, workers: 1, secondsPerIteration: hand / ITERATIONS, vsHand: 1 });
    for (const workers of [1, 2]) {
      const engine = await timeRuns(runs, async () => (await trainFactorModel(ratings, { algo, rank: RANK, iterations: ITERATIONS, workers })).computeSeconds);
      rows.push({ what: `engine ${algo}`, workers, secondsPerIteration: engine / ITERATIONS, vsHand: hand / engine });
    }
    if (algo === 'sgd') {
      // Stratified SGD (sgd-strata.ts): blocks no two threads share, against Hogwild!'s shared items.
      for (const workers of [1, 2]) {
        const strata = await timeRuns(runs, async () => (await trainFactorModel(ratings, { algo, rank: RANK, iterations: ITERATIONS, workers, schedule: 'strata' })).computeSeconds);
        rows.push({ what: 'stratified sgd (8 strata)', workers, secondsPerIteration: strata / ITERATIONS, vsHand: hand / strata });
      }
    }
    for (const row of rows.slice(algo === 'sgd' ? -5 : -3)) console.log(`  ${row.what} x${row.workers}: ${(row.secondsPerIteration * 1000).toFixed(1)} ms/iteration, ${row.vsHand.toFixed(2)}x the hand loop's speed`);
  }
  const quality: Record<string, number> = {};
  const base = `${datasetsDir}/movielens/ml-100k.u1.base.gz`;
  const held = `${datasetsDir}/movielens/ml-100k.u1.test.gz`;
  if (existsSync(base) && existsSync(held)) {
    const train = await loadRatings(base);
    const test = await loadRatings(held);
    for (const algo of ['als', 'sgd'] as const) {
      quality[algo] = ratingError((await trainFactorModel(train, { algo, workers: 1 })).model, test, [1, 5]).rmse;
      console.log(`  MovieLens 100K u1, ${algo} defaults: test RMSE ${quality[algo].toFixed(4)}`);
    }
  } else {
    console.log(`bench/recommender: skip MovieLens: ${base} not found`);
  }
  await closeWorkers();
  const md = [
    `# Recommender: engine vs hand-written loops (planted ratings: ${ratings.numUsers} users, ${ratings.numItems} items, ${ratings.count} ratings, rank ${RANK})`,
    '',
    `Medians of ${runs} runs after a warm-up; ${ITERATIONS} iterations (ALS: users then items; SGD: epochs).`,
    '',
    '| implementation | workers | ms / iteration | speed vs hand-written |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.what} | ${r.workers} | ${(r.secondsPerIteration * 1000).toFixed(1)} | ${r.vsHand.toFixed(2)}x |`),
    '',
    ...Object.entries(quality).map(([algo, rmse]) => `MovieLens 100K u1, ${algo} with its defaults: test RMSE ${rmse.toFixed(4)}`),
    '',
  ].join('\n');
  await writeFileAtomic(resultsPath('recommender.json'), JSON.stringify({ ratings: ratings.count, users: ratings.numUsers, items: ratings.numItems, rank: RANK, iterations: ITERATIONS, runs, rows, quality }, null, 2) + '\n');
  await writeFileAtomic(resultsPath('recommender.md'), md);
  console.log(md);
}

await main();
