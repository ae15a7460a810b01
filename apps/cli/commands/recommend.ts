/**
 * `gasworks recommend train` and `gasworks recommend top`: the matrix
 * factorisation recommender (apps/recommender) from the command line. `train`
 * fits a model on a ratings file (or generated ratings), evaluates it on a
 * test file or a seeded hold-out split (RMSE, MAE, precision / recall / NDCG
 * at k), and can save it; `top` loads a saved model and lists a user's best
 * items, skipping those the user rated in an optional ratings file.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { defaultWorkers } from '../../../core/engine/index.js';
import { indexOfId, loadModel, saveModel } from '../../recommender/model.js';
import { rankingQuality, rankingQualityOnGpu, ratingError } from '../../recommender/metrics.js';
import { recommend } from '../../recommender/recommend.js';
import { openRatings, PLANTED_HELP } from '../../recommender/source.js';
import { splitRatings } from '../../recommender/split.js';
import { TRAIN_DEFAULTS, trainFactorModel } from '../../recommender/train.js';
import { addClusterSecurityOptions, clusterSecurityFrom, type ClusterSecurityFlags } from '../cluster-flags.js';
import { fraction, hostPortList, nonNegativeNumber, positiveInt, positiveNumber, refuseOptions, workerCount } from '../arguments.js';
import { formatNumber, headedTable, printJson, summaryTable } from '../output.js';
import { progressEnabled, startProgress } from '../progress.js';

interface TrainFlags extends ClusterSecurityFlags {
  ratings: string;
  test?: string;
  testFraction: number;
  algo: string;
  rank: number;
  lambda?: number;
  iterations?: number;
  learningRate: number;
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

interface TopFlags {
  model: string;
  user: string;
  n: number;
  ratings?: string;
  json?: boolean;
}

export function registerRecommend(program: Command): void {
  const group = program.command('recommend').description('matrix factorisation recommender: train and evaluate a model, list top items');
  const train = group.command('train');
  addClusterSecurityOptions(train)
    .description('fit a factor model (ALS or SGD) on ratings, report RMSE and top-k quality on held-out ratings, optionally save it')
    .option('-r, --ratings <ratings>', `training ratings: ${PLANTED_HELP}`, 'planted:2000:1000:5')
    .option('-t, --test <file>', 'test ratings, a file (default: hold out --test-fraction of --ratings)')
    .option('--test-fraction <x>', 'share of the ratings held out for testing when no --test is given', fraction, 0.2)
    .option('-a, --algo <algo>', 'als (alternating least squares) or sgd (stochastic gradient descent, Hogwild! on several workers)', 'als')
    .option('--rank <n>', 'latent factors per user and item', positiveInt, TRAIN_DEFAULTS.rank)
    .option('--lambda <x>', `regularisation (default: als ${TRAIN_DEFAULTS.lambda.als}, weighted by rating counts, > 0; sgd ${TRAIN_DEFAULTS.lambda.sgd}, per step)`, nonNegativeNumber)
    .option('-i, --iterations <n>', `ALS iterations, each updating users then items (default ${TRAIN_DEFAULTS.iterations.als}), or SGD epochs (default ${TRAIN_DEFAULTS.iterations.sgd})`, positiveInt)
    .option('--learning-rate <x>', 'SGD step size', positiveNumber, TRAIN_DEFAULTS.learningRate)
    .option('--no-biases', 'no user and item biases')
    .option('--seed <n>', 'seed of the initial factors and of the hold-out split', positiveInt, TRAIN_DEFAULTS.seed)
    .option('-w, --workers <n>', `threads (default: one per core, ${defaultWorkers()} here)`, workerCount)
    .option('--cluster <host:port,...>', 'ALS across machines: the addresses of `gasworks worker` processes (instead of --workers)', hostPortList)
    .option('--schedule <how>', 'SGD across threads: hogwild (lock-free, items shared between threads) or strata (stratified blocks no two threads share: the same model on any thread count)', 'hogwild')
    .option('--strata <n>', 'with --schedule strata: user and item ranges (the model depends on it)', positiveInt)
    .option('--kernels <where>', 'ALS: engine (the vertex program on --workers threads or --cluster), cpu (batched kernels, one thread) or gpu (gpu.js: a GPU where it finds one, else WebAssembly)', 'engine')
    .option('-k, --k <n>', 'list length for precision / recall / NDCG', positiveInt, 10)
    .option('-s, --save <file>', 'save the model (.gwm) for `gasworks recommend top`')
    .option('--json', 'print a JSON summary')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: TrainFlags, command: Command) => {
      if (flags.algo !== 'als' && flags.algo !== 'sgd') throw new UsageError(`recommend train: --algo must be als or sgd; got "${flags.algo}"`);
      if (flags.algo === 'als') refuseOptions(command, 'recommend train', ['learningRate'], 'is for --algo sgd (ALS solves each step exactly)');
      const loading = startProgress('loading ratings', 1, { quiet: flags.quiet });
      const algo = flags.algo;
      // Planted ratings are a new problem for every seed: their test set is held out from --ratings, never generated apart.
      if (flags.test?.startsWith('planted:')) throw new UsageError('recommend train: --test takes a ratings file; for planted ratings leave --test out and --test-fraction is held out');
      if (flags.schedule !== 'hogwild' && flags.schedule !== 'strata') throw new UsageError(`recommend train: --schedule must be hogwild or strata; got "${flags.schedule}"`);
      if (flags.schedule === 'strata' && algo !== 'sgd') throw new UsageError('recommend train: --schedule strata is for --algo sgd');
      if (flags.strata !== undefined && flags.schedule !== 'strata') throw new UsageError('recommend train: --strata goes with --schedule strata');
      const kernels = flags.kernels;
      if (kernels !== 'engine' && kernels !== 'cpu' && kernels !== 'gpu') throw new UsageError(`recommend train: --kernels must be engine, cpu or gpu; got "${kernels}"`);
      if (kernels !== 'engine' && algo !== 'als') throw new UsageError(`recommend train: --kernels ${kernels} is for ALS; SGD runs on the engine`);
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
        biases: flags.biases,
        seed: flags.seed,
        ...(flags.cluster ? { cluster: flags.cluster, security: clusterSecurityFrom('recommend train', flags) } : kernels === 'engine' ? { workers: flags.workers ?? defaultWorkers() } : {}),
        kernels,
        schedule: flags.schedule as 'hogwild' | 'strata',
        strata: flags.strata,
        onIteration: showProgress ? (i, rmse) => process.stderr.write(`\r\x1b[K${algo}: iteration ${i}/${iterations} | train RMSE ${rmse.toFixed(4)}`) : undefined,
      });
      if (showProgress) process.stderr.write('\r\x1b[K');
      const scale = minMax(train.values);
      const error = ratingError(result.model, test, scale);
      const ranking = kernels === 'gpu' ? await rankingQualityOnGpu(result.model, train, test, flags.k, 4) : rankingQuality(result.model, train, test, flags.k, 4);
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
        testRmse: error.rmse,
        testMae: error.mae,
        testUnknown: error.unknown,
        ratingScale: scale,
        k: flags.k,
        precisionAtK: ranking.precision,
        recallAtK: ranking.recall,
        ndcgAtK: ranking.ndcg,
        rankedUsers: ranking.users,
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
        ['model', `${algo.toUpperCase()}, rank ${flags.rank}, lambda ${lambda}${algo === 'sgd' ? `, learning rate ${flags.learningRate}` : ''}, ${iterations} ${algo === 'sgd' ? 'epochs' : 'iterations'}${flags.biases ? ', biases' : ''}`],
        ['train RMSE', summary.trainRmse.toFixed(4)],
        ['test RMSE / MAE', `${error.rmse.toFixed(4)} / ${error.mae.toFixed(4)}${error.unknown ? ` (${error.unknown} with an unseen user or item)` : ''}`],
        [`precision / recall / NDCG @${flags.k}`, `${ranking.precision.toFixed(4)} / ${ranking.recall.toFixed(4)} / ${ranking.ndcg.toFixed(4)} over ${ranking.users} users`],
        ['compute time', `${result.computeSeconds.toFixed(3)} s (${result.backend === 'engine' ? 'engine' : `kernels: ${result.backend}`})`],
      ];
      if (flags.save) rows.push(['model file', flags.save]);
      process.stdout.write(summaryTable(`gasworks recommend train: ${flags.ratings}`, rows) + '\n');
    });

  group
    .command('top')
    .description("list a user's best items from a saved model")
    .requiredOption('-m, --model <file>', 'a model saved by `gasworks recommend train --save`')
    .requiredOption('-u, --user <id>', "the user's id as in the ratings file")
    .option('-n, --n <n>', 'how many items', positiveInt, 10)
    .option('-r, --ratings <ratings>', "skip the items the user rated here (usually the training file)")
    .option('--json', 'print JSON')
    .action(async (flags: TopFlags) => {
      const model = await loadModel(flags.model);
      const userId = Number(flags.user);
      const u = Number.isFinite(userId) ? indexOfId(model.userIds, userId) : -1;
      if (u < 0) throw new UsageError(`recommend top: user ${flags.user} is not in the model (${model.numUsers} users, ids ${model.userIds[0]} to ${model.userIds[model.numUsers - 1]})`);
      let exclude: Uint8Array | null = null;
      if (flags.ratings) {
        const rated = await openRatings(flags.ratings);
        exclude = new Uint8Array(model.numItems);
        for (let k = 0; k < rated.count; k++) {
          if (rated.userIds[rated.users[k]] !== userId) continue;
          const i = indexOfId(model.itemIds, rated.itemIds[rated.items[k]]);
          if (i >= 0) exclude[i] = 1;
        }
      }
      const top = recommend(model, u, flags.n, exclude);
      if (flags.json) {
        printJson({ user: userId, items: top });
        return;
      }
      process.stdout.write(
        headedTable(
          `top ${top.length} items for user ${userId}`,
          ['rank', 'item', 'predicted'],
          top.map((t, r) => [r + 1, String(t.item), t.score.toFixed(3)]),
        ) + '\n',
      );
    });
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
