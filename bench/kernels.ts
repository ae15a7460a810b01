/**
 * Benchmark: the recommender's dense kernels on the CPU (typed arrays) against
 * their gpu.js versions (kernels/gpu.ts, on whatever backend gpu.js finds:
 * a GPU, else WebAssembly with SIMD and worker threads), in the same run:
 * ALS trained end to end by the engine (1 thread), by the batched CPU
 * kernels and by the gpu.js kernels; and the ranking metrics' scoring of
 * every item for every user. On MovieLens 100K u1 when present, and on
 * planted ratings at `users` users x users / 5 items. Medians of `runs`
 * after a warm-up; ratios against the CPU kernels. Writes
 * bench/results/kernels.{json,md}.
 *
 * Usage: node --expose-gc dist/bench/kernels.js [users=20000] [runs=3]
 */
import { existsSync } from 'node:fs';
import { closeWorkers } from '../core/engine/index.js';
import { loadRatings, type Ratings } from '../core/graph/loaders/movielens.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { rankingQuality, rankingQualityOnGpu } from '../apps/recommender/metrics.js';
import { plantedRatings } from '../apps/recommender/source.js';
import { splitRatings } from '../apps/recommender/split.js';
import { trainFactorModel } from '../apps/recommender/train.js';
import { datasetsDir, resultsPath } from './paths.js';
import { timeRuns } from './stats.js';

const users = Number(process.argv[2] ?? 20000);
const runs = Number(process.argv[3] ?? 3);
const RANK = 10;
const ITERATIONS = 5;

interface Row {
  data: string;
  what: string;
  seconds: number;
  ratio: number;
  backend: string;
}
const rows: Row[] = [];

async function measure(data: string, train: Ratings, test: Ratings): Promise<void> {
  const log = (m: string): void => void process.stderr.write(m + '\n');
  let backend = '';
  const train1 = async (kernels: 'engine' | 'cpu' | 'gpu'): Promise<number> => {
    const result = await trainFactorModel(train, { rank: RANK, iterations: ITERATIONS, workers: 1, kernels });
    backend = result.backend;
    return result.computeSeconds;
  };
  const cpu = await timeRuns(runs, () => train1('cpu'));
  const engine = await timeRuns(runs, () => train1('engine'));
  const gpu = await timeRuns(runs, () => train1('gpu'));
  const gpuBackend = backend;
  rows.push({ data, what: `ALS, ${ITERATIONS} iterations: engine, 1 thread`, seconds: engine, ratio: engine / cpu, backend: 'engine' });
  rows.push({ data, what: `ALS, ${ITERATIONS} iterations: batched CPU kernels`, seconds: cpu, ratio: 1, backend: 'cpu' });
  rows.push({ data, what: `ALS, ${ITERATIONS} iterations: gpu.js kernels`, seconds: gpu, ratio: gpu / cpu, backend: gpuBackend });
  log(`${data}: ALS engine ${engine.toFixed(3)} s, cpu kernels ${cpu.toFixed(3)} s, gpu.js ${gpu.toFixed(3)} s (${gpuBackend})`);

  const { model } = await trainFactorModel(train, { rank: RANK, iterations: 2, kernels: 'cpu' });
  const rankCpu = await timeRuns(runs, () => {
    const t = performance.now();
    rankingQuality(model, train, test, 10, 4);
    return (performance.now() - t) / 1000;
  });
  let rankBackend = '';
  const rankGpu = await timeRuns(runs, async () => {
    const t = performance.now();
    rankBackend = (await rankingQualityOnGpu(model, train, test, 10, 4)).backend;
    return (performance.now() - t) / 1000;
  });
  rows.push({ data, what: 'precision/recall/NDCG@10, scores on the CPU', seconds: rankCpu, ratio: 1, backend: 'cpu' });
  rows.push({ data, what: 'precision/recall/NDCG@10, scores on gpu.js', seconds: rankGpu, ratio: rankGpu / rankCpu, backend: rankBackend });
  log(`${data}: ranking cpu ${rankCpu.toFixed(3)} s, gpu.js ${rankGpu.toFixed(3)} s (${rankBackend})`);
}

const base = `${datasetsDir}/movielens/ml-100k.u1.base.gz`;
const held = `${datasetsDir}/movielens/ml-100k.u1.test.gz`;
if (existsSync(base) && existsSync(held)) {
  await measure('MovieLens 100K u1', await loadRatings(base), await loadRatings(held));
} else {
  process.stderr.write(`skip: MovieLens 100K not found under ${datasetsDir}\n`);
}
const planted = splitRatings(plantedRatings(users, Math.max(1, Math.floor(users / 5)), 5, 1), 0.2, 1);
await measure(`planted ${users} x ${Math.floor(users / 5)}`, planted.train, planted.test);
await closeWorkers();

const table =
  '| data | what | seconds (median) | / CPU kernels | ran on |\n| --- | --- | ---: | ---: | --- |\n' +
  rows.map((r) => `| ${r.data} | ${r.what} | ${r.seconds.toFixed(3)} | ${r.ratio.toFixed(2)} | ${r.backend} |`).join('\n') +
  '\n';
process.stdout.write(table);
await writeFileAtomic(resultsPath('kernels.json'), JSON.stringify({ users, runs, rank: RANK, iterations: ITERATIONS, rows }, null, 2) + '\n');
await writeFileAtomic(resultsPath('kernels.md'), `# Dense kernels: CPU against gpu.js\n\n\`node --expose-gc dist/bench/kernels.js ${users} ${runs}\`\n\n${table}`);
