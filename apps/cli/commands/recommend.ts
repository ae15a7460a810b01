/**
 * `gasworks recommend train`: the matrix factorisation recommender
 * (apps/recommender) from the command line. It fits a model on a ratings
 * file (or generated ratings), evaluates it on a test file or a seeded
 * hold-out split (RMSE, MAE, precision / recall / NDCG at k, beside the
 * popularity baseline's), and can save it. The lists (`top`, `similar`) are
 * in recommend-lists.ts, `tune` in recommend-tune.ts.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { defaultWorkers } from '../../../core/engine/index.js';
import { saveModel } from '../../recommender/model.js';
import { rankingQuality, rankingQualityOnGpu, ratingError } from '../../recommender/metrics.js';
import { popularityModel } from '../../recommender/baseline.js';
import { DivergedError } from '../../recommender/divergence.js';
import { openRatings, PLANTED_HELP } from '../../recommender/source.js';
import { splitRatings } from '../../recommender/split.js';
import { TRAIN_DEFAULTS, trainFactorModel } from '../../recommender/train.js';
import { registerRecommendLists } from './recommend-lists.js';
import { registerRecommendTune } from './recommend-tune.js';
import { addClusterSecurityOptions, clusterSecurityFrom, type ClusterSecurityFlags } from '../cluster-flags.js';
import { fraction, hostPortList, nonNegativeNumber, positiveInt, positiveNumber, workerCount } from '../arguments.js';
import { formatNumber, headedTable, printJson, summaryTable } from '../output.js';
import { progressEnabled, startProgress } from '../progress.js';

interface TrainFlags extends ClusterSecurityFlags {
  ratings: string;
  test?: string;
  testFraction: number;
  algo: string;
  rank?: number;
  lambda?: number;
  iterations?: number;
  learningRate?: number;
  alpha?: number;
  solver?: string;
  cgSteps?: number;
  biases: boolean;
  seed: number;
  workers?: number;
  cluster?: string[];
  kernels: string;
  schedule: string;
  strata?: number;
  k: number;
  save?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerRecommend(program: Command): void {
  const group = program.command('recommend').description('matrix factorisation recommender: train and evaluate a model, list top items');
  const train = group.command('train');
  addClusterSecurityOptions(train)
    .description('fit a factor model (ALS, SGD or implicit-feedback iALS) on ratings, report RMSE and top-k quality against the popularity baseline on held-out ratings, optionally save it')
    .option('-r, --ratings <ratings>', `training ratings: ${PLANTED_HELP}`, 'planted:2000:1000:5')
    .option('-t, --test <file>', 'test ratings, a file (default: hold out --test-fraction of --ratings)')
    .option('--test-fraction <x>', 'share of the ratings held out for testing when no --test is given', fraction, 0.2)
    .option('-a, --algo <algo>', 'rating models: als (alternating least squares), sgd (stochastic gradient descent, Hogwild! on several workers), svdpp (SVD++: SGD with implicit feedback, the lowest RMSE); ials (implicit-feedback ALS: ranks items, the best top-N lists)', 'als')
    .option('--rank <n>', `latent factors per user and item (default: als ${TRAIN_DEFAULTS.rank.als}, sgd ${TRAIN_DEFAULTS.rank.sgd}, svdpp ${TRAIN_DEFAULTS.rank.svdpp}, ials ${TRAIN_DEFAULTS.rank.ials})`, positiveInt)
    .option('--lambda <x>', `regularisation (default: als ${TRAIN_DEFAULTS.lambda.als}, weighted by rating counts, > 0; sgd ${TRAIN_DEFAULTS.lambda.sgd} and svdpp ${TRAIN_DEFAULTS.lambda.svdpp}, per step; ials ${TRAIN_DEFAULTS.lambda.ials})`, nonNegativeNumber)
    .option('-i, --iterations <n>', `ALS / iALS iterations, each updating users then items (default ${TRAIN_DEFAULTS.iterations.als} / ${TRAIN_DEFAULTS.iterations.ials}), or SGD / SVD++ epochs (default ${TRAIN_DEFAULTS.iterations.sgd} / ${TRAIN_DEFAULTS.iterations.svdpp})`, positiveInt)
    .option('--learning-rate <x>', `SGD / SVD++ step size (default ${TRAIN_DEFAULTS.learningRates.sgd} / ${TRAIN_DEFAULTS.learningRates.svdpp})`, positiveNumber)
    .option('--alpha <x>', `iALS: confidence of a rating r is 1 + alpha * r (default ${TRAIN_DEFAULTS.alpha})`, nonNegativeNumber)
    .option('--solver <how>', `ALS and iALS: cholesky (exact solves) or cg (conjugate gradient, Takacs et al. 2011: cheaper at large ranks) (default ${TRAIN_DEFAULTS.solver})`)
    .option('--cg-steps <n>', `ALS and iALS with --solver cg: steps per solve (default ${TRAIN_DEFAULTS.cgSteps})`, positiveInt)
    .option('--no-biases', 'no user and item biases')
    .option('--seed <n>', 'seed of the initial factors and of the hold-out split', positiveInt, TRAIN_DEFAULTS.seed)
    .option('-w, --workers <n>', `threads (default: one per core, ${defaultWorkers()} here)`, workerCount)
    .option('--cluster <host:port,...>', 'ALS and iALS, or SGD with --schedule strata (DSGD: user blocks stay, item blocks rotate), across machines: the addresses of `gasworks worker` processes (instead of --workers)', hostPortList)
    .option('--schedule <how>', 'SGD across threads: hogwild (lock-free, items shared between threads) or strata (stratified blocks no two threads share: the same model on any thread count)', 'hogwild')
    .option('--strata <n>', 'with --schedule strata: user and item ranges (the model depends on it)', positiveInt)
    .option('--kernels <where>', 'ALS: engine (the vertex program on --workers threads or --cluster), cpu (batched kernels, one thread) or gpu (gpu.js: a GPU where it finds one, else WebAssembly)', 'engine')
    .option('-k, --k <n>', 'list length for precision / recall / NDCG', positiveInt, 10)
    .option('-s, --save <file>', 'save the model (.gwm) for `gasworks recommend top`')
    .option('--json', 'print a JSON summary')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: TrainFlags) => {
      const loading = startProgress('loading ratings', 1, { quiet: flags.quiet });
      if (flags.algo !== 'als' && flags.algo !== 'sgd' && flags.algo !== 'ials' && flags.algo !== 'svdpp') throw new UsageError(`recommend train: --algo must be als, sgd, svdpp or ials; got "${flags.algo}"`);
      const algo = flags.algo;
      if (flags.learningRate !== undefined && algo !== 'sgd' && algo !== 'svdpp') throw new UsageError(`recommend train: --learning-rate is for --algo sgd and svdpp (${algo} takes no step size)`);
      if (algo !== 'ials' && flags.alpha !== undefined) throw new UsageError('recommend train: --alpha is for --algo ials');
      if (algo !== 'ials' && algo !== 'als') {
        for (const [flag, value] of [['--solver', flags.solver], ['--cg-steps', flags.cgSteps]] as const) {
          if (value !== undefined) throw new UsageError(`recommend train: ${flag} is for --algo als and ials`);
        }
      }
      if (flags.solver === 'cg' && flags.kernels !== 'engine') throw new UsageError(`recommend train: --solver cg runs on the engine; --kernels ${flags.kernels} solves by Cholesky`);
      if (flags.solver !== undefined && flags.solver !== 'cholesky' && flags.solver !== 'cg') throw new UsageError(`recommend train: --solver must be cholesky or cg; got "${flags.solver}"`);
      if (flags.cgSteps !== undefined && flags.solver !== 'cg') throw new UsageError('recommend train: --cg-steps goes with --solver cg');
      if ((algo === 'ials' || algo === 'svdpp') && !flags.biases) throw new UsageError(`recommend train: --no-biases is for als and sgd (${algo === 'ials' ? 'ials has none' : 'svdpp always learns them'})`);
      // Planted ratings are a new problem for every seed: their test set is held out from --ratings, never generated apart.
      if (flags.test?.startsWith('planted:')) throw new UsageError('recommend train: --test takes a ratings file; for planted ratings leave --test out and --test-fraction is held out');
      if (flags.schedule !== 'hogwild' && flags.schedule !== 'strata') throw new UsageError(`recommend train: --schedule must be hogwild or strata; got "${flags.schedule}"`);
      if (flags.schedule === 'strata' && algo !== 'sgd') throw new UsageError('recommend train: --schedule strata is for --algo sgd');
      if (flags.strata !== undefined && flags.schedule !== 'strata') throw new UsageError('recommend train: --strata goes with --schedule strata');
      const kernels = flags.kernels;
      if (kernels !== 'engine' && kernels !== 'cpu' && kernels !== 'gpu') throw new UsageError(`recommend train: --kernels must be engine, cpu or gpu; got "${kernels}"`);
      if (kernels !== 'engine' && algo !== 'als') throw new UsageError(`recommend train: --kernels ${kernels} is for ALS; ${algo.toUpperCase()} runs on the engine`);
      if (kernels !== 'engine' && (flags.cluster || flags.workers !== undefined)) throw new UsageError(`recommend train: --kernels ${kernels} runs on one thread of this machine; leave out --workers and --cluster`);
      const iterations = flags.iterations ?? TRAIN_DEFAULTS.iterations[algo];
      const lambda = flags.lambda ?? TRAIN_DEFAULTS.lambda[algo];
      const ratings = await openRatings(flags.ratings, (read, total) => loading.update(read, total));
      loading.stop();
      const { train, test } = flags.test
        ? { train: ratings, test: await openRatings(flags.test) }
        : splitRatings(ratings, flags.testFraction, flags.seed);
      if (flags.cluster && flags.workers !== undefined) throw new UsageError('recommend train: --workers is for one machine; with --cluster each listed worker is one machine');
      const showProgress = progressEnabled(flags);
      const result = await trainFactorModel(train, {
        algo,
        rank: flags.rank,
        lambda,
        iterations,
        learningRate: flags.learningRate,
        alpha: flags.alpha,
        solver: flags.solver as 'cholesky' | 'cg' | undefined,
        cgSteps: flags.cgSteps,
        biases: flags.biases,
        seed: flags.seed,
        ...(flags.cluster ? { cluster: flags.cluster, security: clusterSecurityFrom('recommend train', flags) } : kernels === 'engine' ? { workers: flags.workers ?? defaultWorkers() } : {}),
        kernels,
        schedule: flags.schedule as 'hogwild' | 'strata',
        strata: flags.strata,
        onIteration: showProgress ? (i, rmse) => process.stderr.write(`\r\x1b[K${algo}: iteration ${i}/${iterations} | train ${algo === 'ials' ? 'objective' : 'RMSE'} ${rmse.toFixed(4)}`) : undefined,
      }).catch((error: unknown) => {
        if (showProgress) process.stderr.write('\r\x1b[K');
        // The library names its options; the user typed flags.
        if (error instanceof DivergedError) throw new DivergedError('recommend train', error.algo, error.epoch, error.setting, error.value, (s) => (s === 'lambda' ? '--lambda' : '--learning-rate'));
        throw error;
      });
      if (showProgress) process.stderr.write('\r\x1b[K');
      const scale = minMax(train.values);
      const error = ratingError(result.model, test, scale);
      const ranking = kernels === 'gpu' ? await rankingQualityOnGpu(result.model, train, test, flags.k, 4) : rankingQuality(result.model, train, test, flags.k, 4);
      // The most-rated unseen items, under the same protocol: what the model's lists must beat.
      const baseline = rankingQuality(popularityModel(train), train, test, flags.k, 4);
      if (flags.save) await saveModel(flags.save, result.model);
      const summary = {
        ratings: flags.ratings,
        test: flags.test ?? `${flags.testFraction} held out (seed ${flags.seed})`,
        users: train.numUsers,
        items: train.numItems,
        trainRatings: train.count,
        testRatings: test.count,
        algo: result.model.algo,
        params: result.model.params,
        trainRmse: result.trainRmse[result.trainRmse.length - 1],
        trainRmseByIteration: result.trainRmse,
        // iALS scores preferences, not ratings: no rating error to report.
        testRmse: algo === 'ials' ? null : error.rmse,
        testMae: algo === 'ials' ? null : error.mae,
        testUnknown: error.unknown,
        ratingScale: scale,
        k: flags.k,
        precisionAtK: ranking.precision,
        recallAtK: ranking.recall,
        ndcgAtK: ranking.ndcg,
        rankedUsers: ranking.users,
        baseline: { name: 'popularity', precisionAtK: baseline.precision, recallAtK: baseline.recall, ndcgAtK: baseline.ndcg, rankedUsers: baseline.users },
        computeSeconds: result.computeSeconds,
        kernels: result.backend,
        ...(flags.save ? { model: flags.save } : {}),
      };
      if (flags.json) {
        printJson(summary);
        return;
      }
      const rows: Array<[string, string | number]> = [
        ['ratings', `${formatNumber(train.count)} train / ${formatNumber(test.count)} test (${summary.test})`],
        ['users x items', `${formatNumber(train.numUsers)} x ${formatNumber(train.numItems)}`],
        ['model', describeModel(result.model.algo, result.model.params)],
        algo === 'ials' ? ['train objective', `${summary.trainRmse.toFixed(4)} (root mean over all user x item cells)`] : ['train RMSE', summary.trainRmse.toFixed(4)],
        [
          'test RMSE / MAE',
          algo === 'ials' ? 'none (iALS ranks items; it predicts no ratings)' : `${error.rmse.toFixed(4)} / ${error.mae.toFixed(4)}${error.unknown ? ` (${error.unknown} with an unseen user or item)` : ''}`,
        ],
        [`precision / recall / NDCG @${flags.k}`, `${ranking.precision.toFixed(4)} / ${ranking.recall.toFixed(4)} / ${ranking.ndcg.toFixed(4)} over ${ranking.users} users`],
        [
          `popularity baseline @${flags.k}`,
          `${baseline.precision.toFixed(4)} / ${baseline.recall.toFixed(4)} / ${baseline.ndcg.toFixed(4)} (most-rated unseen items; model precision ${(ranking.precision / baseline.precision).toFixed(2)}x)`,
        ],
        ['compute time', `${result.computeSeconds.toFixed(3)} s (${result.backend === 'engine' ? 'engine' : `kernels: ${result.backend}`})`],
      ];
      if (flags.save) rows.push(['model file', flags.save]);
      process.stdout.write(summaryTable(`gasworks recommend train: ${flags.ratings}`, rows) + '\n');
    });

  registerRecommendLists(group);
  registerRecommendTune(group);
}

function minMax(values: Float64Array): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (let k = 0; k < values.length; k++) {
    if (values[k] < low) low = values[k];
    if (values[k] > high) high = values[k];
  }
  return [low, high];
}

/** "ALS, rank 10, lambda 0.1, 10 iterations, biases": a model's settings as a table cell. */
export function describeModel(algo: string, params: Record<string, number | boolean | string>): string {
  const parts = [`${algo === 'ials' ? 'iALS' : algo.toUpperCase()}, rank ${params.rank}, lambda ${params.lambda}`];
  if (params.learningRate !== undefined) parts.push(`learning rate ${params.learningRate}`);
  if (params.alpha !== undefined) parts.push(`alpha ${params.alpha}`);
  if (params.solver === 'cg') parts.push(`conjugate gradient (${params.cgSteps} steps)`);
  parts.push(`${params.iterations} ${algo === 'sgd' || algo === 'svdpp' ? 'epochs' : 'iterations'}`);
  if (params.biases === true) parts.push('biases');
  if (params.strata !== undefined) parts.push(`${params.strata} strata`);
  return parts.join(', ');
}
