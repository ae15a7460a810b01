/**
 * Benchmark: the recommender's ALS and SGD (Hogwild! on the engine, and stratified) against hand-written
 * serial loops with the same arithmetic on typed arrays (the baseline for
 * framework overhead), on 1 and 2 workers, over planted low-rank ratings at
 * scale; and test RMSE on MovieLens 100K u1 when the dataset is present
 * (section `engine`, bench/results/recommender.{json,md}).
 * Section `ml1m`: time per iteration of every algorithm on MovieLens
 * 1M-shaped generated ratings beside LIBMF's figure in DESIGN.md
 * (recommender-ml1m.{json,md}). Section `quality`: on MovieLens 100K u1-u5
 * and on three seeded 90/10 per-user splits of u.data, the popularity
 * baseline's and iALS's precision / NDCG at 10 and the rating models' test
 * RMSE with their defaults (recommender-quality.{json,md}).
 * Section `speed` (not run by default): ALS at rank 50 on MovieLens 100K u1
 * (Cholesky, 20 iterations; CG, 5 and 10) beside LIBMF's time to its test
 * RMSE from DESIGN.md, and iALS with its defaults on planted-ml1m (both
 * solvers), on 1 and 2 workers run alternately, with the 1 -> 2 speed-up per
 * round (recommender-speed.{json,md}).
 * Medians of `runs` after a warm-up.
 *
 * Usage: node --expose-gc dist/bench/recommender.js [users=100000] [runs=3] [sections=engine,ml1m,quality]
 */
import { existsSync } from 'node:fs';
import { closeWorkers } from '../core/engine/index.js';
import { loadRatings, type Ratings } from '../core/graph/loaders/movielens.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { choleskyFactor, choleskySolveFactored } from '../kernels/cholesky.js';
import { initFactors } from '../apps/recommender/factors.js';
import { rankingQuality, ratingError } from '../apps/recommender/metrics.js';
import { openRatings, plantedRatings } from '../apps/recommender/source.js';
import { popularityModel } from '../apps/recommender/baseline.js';
import { splitRatings, splitRatingsPerUser } from '../apps/recommender/split.js';
import { trainFactorModel } from '../apps/recommender/train.js';
import { datasetsDir, resultsPath } from './paths.js';
import { median, timeRuns } from './stats.js';

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


async function engineSection(users: number, runs: number): Promise<void> {
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

/** LIBMF's figure for MovieLens-1M-shaped ratings, rank 10, 20 iterations, from DESIGN.md (not run here). */
const LIBMF_ML1M = { seconds: [1.4, 1.8], iterations: 20, note: 'LIBMF 1.4-1.8 s for 20 iterations at rank 10 on this busy machine (DESIGN.md)' };

async function ml1mSection(runs: number): Promise<void> {
  const ratings = await openRatings('planted-ml1m');
  const { train } = splitRatings(ratings, 0.2, 1);
  console.log(`bench/recommender ml1m: ${train.numUsers} users x ${train.numItems} items, ${train.count} training ratings (80%), rank ${RANK}, ${ITERATIONS} iterations`);
  const rows: Array<{ algo: string; workers: number; msPerIteration: number; vsLibmf: number }> = [];
  const libmfMs = ((LIBMF_ML1M.seconds[0] + LIBMF_ML1M.seconds[1]) / 2 / LIBMF_ML1M.iterations) * 1000;
  for (const algo of ['als', 'sgd', 'svdpp', 'ials'] as const) {
    for (const workers of [1, 2]) {
      const seconds = await timeRuns(runs, async () => (await trainFactorModel(train, { algo, rank: RANK, iterations: ITERATIONS, workers })).computeSeconds);
      const ms = (seconds / ITERATIONS) * 1000;
      rows.push({ algo, workers, msPerIteration: ms, vsLibmf: ms / libmfMs });
      console.log(`  ${algo} x${workers}: ${ms.toFixed(1)} ms/iteration (${(ms / libmfMs).toFixed(2)}x LIBMF's ${libmfMs.toFixed(0)} ms)`);
    }
  }
  const md = [
    `# Recommender on MovieLens-1M-shaped generated ratings (planted-ml1m: ${train.numUsers} users, ${train.numItems} items, ${train.count} training ratings), rank ${RANK}`,
    '',
    `Medians of ${runs} runs of ${ITERATIONS} iterations (epochs for SGD and SVD++) after a warm-up. LIBMF: ${LIBMF_ML1M.note}, ${libmfMs.toFixed(0)} ms per iteration (midpoint).`,
    '',
    '| algorithm | workers | ms / iteration | vs LIBMF |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.algo} | ${r.workers} | ${r.msPerIteration.toFixed(1)} | ${r.vsLibmf.toFixed(2)}x |`),
    '',
  ].join('\n');
  await writeFileAtomic(resultsPath('recommender-ml1m.json'), JSON.stringify({ ratings: train.count, rank: RANK, iterations: ITERATIONS, runs, libmf: LIBMF_ML1M, rows }, null, 2) + '\n');
  await writeFileAtomic(resultsPath('recommender-ml1m.md'), md);
  console.log(md);
}

/** LIBMF's figure for MovieLens 100K u1 at rank 50, from DESIGN.md (not run here). */
const LIBMF_U1_RANK50 = { seconds: 0.31, testRmse: 0.9205, note: 'LIBMF (SGD), rank 50, 20 iterations: 0.31 s to test RMSE 0.9205 (DESIGN.md)' };

interface SpeedRow {
  what: string;
  seconds1: number;
  seconds2: number;
  /** Median over rounds of (1-worker time / 2-worker time), each round's two runs back to back. */
  speedup: number;
  quality: string;
}

/** Median seconds on 1 and 2 workers and the median per-round speed-up, the two run alternately. */
async function alternate(runs: number, train: (workers: number) => Promise<{ seconds: number; quality: string }>): Promise<Omit<SpeedRow, 'what'>> {
  await train(1);
  await train(2);
  const one: number[] = [];
  const two: number[] = [];
  const ratios: number[] = [];
  let quality = '';
  for (let r = 0; r < runs; r++) {
    const a = await train(1);
    const b = await train(2);
    one.push(a.seconds);
    two.push(b.seconds);
    ratios.push(a.seconds / b.seconds);
    quality = a.quality === b.quality ? a.quality : `${a.quality} / ${b.quality}`;
  }
  return { seconds1: median(one), seconds2: median(two), speedup: median(ratios), quality };
}

async function speedSection(runs: number): Promise<void> {
  const rows: SpeedRow[] = [];
  const dir = `${datasetsDir}/movielens`;
  if (existsSync(`${dir}/ml-100k.u1.base.gz`)) {
    const train = await loadRatings(`${dir}/ml-100k.u1.base.gz`);
    const test = await loadRatings(`${dir}/ml-100k.u1.test.gz`);
    const configs = [
      { what: 'ALS rank 50, Cholesky, 20 iterations', options: { iterations: 20 } },
      { what: 'ALS rank 50, CG 3 steps, 10 iterations', options: { iterations: 10, solver: 'cg' as const } },
      { what: 'ALS rank 50, CG 3 steps, 5 iterations', options: { iterations: 5, solver: 'cg' as const } },
    ];
    for (const { what, options } of configs) {
      const row = await alternate(runs, async (workers) => {
        const run = await trainFactorModel(train, { algo: 'als', rank: 50, workers, ...options });
        return { seconds: run.computeSeconds, quality: `test RMSE ${ratingError(run.model, test).rmse.toFixed(4)}` };
      });
      rows.push({ what: `MovieLens 100K u1, ${what}`, ...row });
      console.log(`  ${what}: ${row.seconds1.toFixed(2)} s on 1 worker (${(row.seconds1 / LIBMF_U1_RANK50.seconds).toFixed(1)}x LIBMF), ${row.seconds2.toFixed(2)} s on 2, speed-up ${row.speedup.toFixed(2)}x, ${row.quality}`);
    }
  } else console.log(`bench/recommender speed: skip MovieLens 100K: ${dir}/ml-100k.u1.base.gz not found`);
  const ml1m = await openRatings('planted-ml1m');
  for (const solver of ['cholesky', 'cg'] as const) {
    const row = await alternate(runs, async (workers) => {
      const run = await trainFactorModel(ml1m, { algo: 'ials', solver, workers });
      return { seconds: run.computeSeconds, quality: `objective ${run.trainRmse[run.trainRmse.length - 1].toFixed(6)}` };
    });
    const what = `planted-ml1m (${ml1m.count} ratings), iALS defaults (rank 40, 10 iterations), solver ${solver}`;
    rows.push({ what, ...row });
    console.log(`  ${what}: ${row.seconds1.toFixed(2)} s on 1 worker, ${row.seconds2.toFixed(2)} s on 2, speed-up ${row.speedup.toFixed(2)}x, ${row.quality}`);
  }
  const md = [
    '# ALS and iALS speed, 1 and 2 workers run alternately',
    '',
    `Medians of ${runs} rounds after a warm-up; compute seconds; speed-up: median over rounds of the 1-worker time over the 2-worker time. ${LIBMF_U1_RANK50.note}.`,
    '',
    '| what | 1 worker (s) | 2 workers (s) | 1 -> 2 | quality |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.what} | ${r.seconds1.toFixed(2)} | ${r.seconds2.toFixed(2)} | ${r.speedup.toFixed(2)}x | ${r.quality} |`),
    '',
  ].join('\n');
  await writeFileAtomic(resultsPath('recommender-speed.json'), JSON.stringify({ runs, libmf: LIBMF_U1_RANK50, rows }, null, 2) + '\n');
  await writeFileAtomic(resultsPath('recommender-speed.md'), md);
  console.log(md);
}

interface QualityRow {
  split: string;
  baselinePrecision: number;
  baselineNdcg: number;
  ialsPrecision: number;
  ialsNdcg: number;
  rmse: Record<string, number>;
}

async function qualitySection(): Promise<void> {
  const dir = `${datasetsDir}/movielens`;
  if (!existsSync(`${dir}/ml-100k.u.data.gz`)) {
    console.log(`bench/recommender quality: skip: ${dir}/ml-100k.u.data.gz not found`);
    return;
  }
  const splits: Array<{ name: string; train: Ratings; test: Ratings }> = [];
  for (let s = 1; s <= 5; s++) splits.push({ name: `u${s}`, train: await loadRatings(`${dir}/ml-100k.u${s}.base.gz`), test: await loadRatings(`${dir}/ml-100k.u${s}.test.gz`) });
  const all = await loadRatings(`${dir}/ml-100k.u.data.gz`);
  for (const seed of [1, 2, 3]) splits.push({ name: `90/10 per user, seed ${seed}`, ...splitRatingsPerUser(all, 0.1, seed) });
  const rows: QualityRow[] = [];
  for (const { name, train, test } of splits) {
    const baseline = rankingQuality(popularityModel(train), train, test, 10, 4);
    const ials = rankingQuality((await trainFactorModel(train, { algo: 'ials', workers: 1 })).model, train, test, 10, 4);
    const rmse: Record<string, number> = {};
    for (const algo of ['als', 'sgd', 'svdpp'] as const) rmse[algo] = ratingError((await trainFactorModel(train, { algo, workers: 1 })).model, test, [1, 5]).rmse;
    rows.push({ split: name, baselinePrecision: baseline.precision, baselineNdcg: baseline.ndcg, ialsPrecision: ials.precision, ialsNdcg: ials.ndcg, rmse });
    console.log(`  ${name}: p@10 baseline ${baseline.precision.toFixed(4)}, iALS ${ials.precision.toFixed(4)} (${(ials.precision / baseline.precision).toFixed(2)}x); RMSE ${Object.entries(rmse).map(([a, x]) => `${a} ${x.toFixed(4)}`).join(', ')}`);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const folds = rows.slice(0, 5);
  const md = [
    '# Recommender quality on MovieLens 100K (defaults; relevant = rated 4+, unseen items only)',
    '',
    '| split | popularity p@10 | iALS p@10 | iALS / popularity | popularity NDCG@10 | iALS NDCG@10 | ALS RMSE | SGD RMSE | SVD++ RMSE |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.split} | ${r.baselinePrecision.toFixed(4)} | ${r.ialsPrecision.toFixed(4)} | ${(r.ialsPrecision / r.baselinePrecision).toFixed(2)}x | ${r.baselineNdcg.toFixed(4)} | ${r.ialsNdcg.toFixed(4)} | ${r.rmse.als.toFixed(4)} | ${r.rmse.sgd.toFixed(4)} | ${r.rmse.svdpp.toFixed(4)} |`),
    `| u1-u5 mean | ${mean(folds.map((r) => r.baselinePrecision)).toFixed(4)} | ${mean(folds.map((r) => r.ialsPrecision)).toFixed(4)} | | | | ${mean(folds.map((r) => r.rmse.als)).toFixed(4)} | ${mean(folds.map((r) => r.rmse.sgd)).toFixed(4)} | ${mean(folds.map((r) => r.rmse.svdpp)).toFixed(4)} |`,
    '',
  ].join('\n');
  await writeFileAtomic(resultsPath('recommender-quality.json'), JSON.stringify(rows, null, 2) + '\n');
  await writeFileAtomic(resultsPath('recommender-quality.md'), md);
  console.log(md);
}

async function main(): Promise<void> {
  const users = Number(process.argv[2] ?? 100000);
  const runs = Number(process.argv[3] ?? 3);
  const sections = new Set((process.argv[4] ?? 'engine,ml1m,quality').split(','));
  try {
    if (sections.has('engine')) await engineSection(users, runs);
    if (sections.has('ml1m')) await ml1mSection(runs);
    if (sections.has('quality')) await qualitySection();
    if (sections.has('speed')) await speedSection(runs);
  } finally {
    await closeWorkers();
  }
}

await main();
