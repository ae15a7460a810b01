/**
 * `gasworks sgd`: parallel SGD for sparse logistic regression (apps/sgd) on a
 * LIBSVM file, or on planted data when none is given, under the chosen
 * consistency model; the training log-loss per epoch, then accuracy,
 * log-loss and ROC AUC on a test file or on a seeded hold-out of the data.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { defaultWorkers } from '../../../core/engine/index.js';
import { loadLibsvm } from '../../../core/graph/loaders/libsvm.js';
import { evaluateModel } from '../../sgd/logistic.js';
import { EXAMPLES_HELP, openExamples } from '../../sgd/source.js';
import { CONSISTENCIES, SGD_DEFAULTS, trainLogistic } from '../../sgd/train.js';
import type { SgdConsistency, SgdParams } from '../../sgd/loop.js';
import { fraction, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, refuseOptions, unitInterval, workerCount } from '../arguments.js';
import { splitExamples } from '../../sgd/split.js';
import { optimumSummary } from '../../sgd/optimum-summary.js';
import { printJson, summaryTable } from '../output.js';
import { addSgdClusterOptions, checkNoClusterFlags, runSgdCluster, type SgdClusterFlags } from './sgd-cluster.js';

interface SgdFlags extends SgdParams, SgdClusterFlags {
  train: string;
  test?: string;
  testFraction: number;
  consistency: string;
  workers?: number;
  json?: boolean;
}

export function registerSgd(program: Command): void {
  const cmd = program
    .command('sgd')
    .description('parallel SGD for sparse logistic regression (LIBSVM data) with BSP, SSP, asynchronous (Hogwild!) or elastic-averaging consistency')
    .option('--train <data>', `training examples: ${EXAMPLES_HELP}`, 'planted:50000:1000:20')
    .option('--test <file>', 'test examples, a LIBSVM file (default: hold out --test-fraction of --train)')
    .option('--test-fraction <x>', 'share of --train held out for testing when no --test is given', fraction, 0.2)
    .option('-c, --consistency <model>', `${CONSISTENCIES.join(', ')}`, SGD_DEFAULTS.consistency)
    .option('-w, --workers <n>', `threads (default: one per core, ${defaultWorkers()} here)`, workerCount)
    .option('-e, --epochs <n>', 'passes over the data', positiveInt, SGD_DEFAULTS.epochs)
    .option('--learning-rate <x>', 'step size of the first epoch', positiveNumber, SGD_DEFAULTS.learningRate)
    .option('--decay <x>', 'epoch e steps by learningRate / (1 + decay * e)', nonNegativeNumber, SGD_DEFAULTS.decay)
    .option('--lambda <x>', 'L2 regularisation', nonNegativeNumber, SGD_DEFAULTS.lambda)
    .option('--batch-size <n>', 'bsp and ssp: examples per thread per step (clock)', positiveInt, SGD_DEFAULTS.batchSize)
    .option('--staleness <n>', 'ssp: how many clocks a thread may run ahead of the slowest', nonNegativeInt, SGD_DEFAULTS.staleness)
    .option('--tau <n>', 'easgd: examples between elastic exchanges', positiveInt, SGD_DEFAULTS.tau)
    .option('--alpha <x>', 'easgd: elastic moving rate, in (0, 1]', unitInterval, SGD_DEFAULTS.alpha)
    .option('--seed <n>', 'seed of the shuffles', positiveInt, SGD_DEFAULTS.seed)
    .option('--json', 'print a JSON summary')
    .option('-q, --quiet', 'print no progress (this command shows none; taken as by every command)');
  addSgdClusterOptions(cmd);
  cmd.action(async (flags: SgdFlags, command: Command) => {
      if (flags.cluster === undefined) checkNoClusterFlags(flags, cmd);
      if (flags.cluster === undefined && !(CONSISTENCIES as readonly string[]).includes(flags.consistency)) {
        throw new UsageError(`sgd: --consistency must be one of ${CONSISTENCIES.join(', ')}; got "${flags.consistency}"`);
      }
      // Each model's own flags are refused under another model, not silently ignored.
      if (flags.consistency !== 'ssp') refuseOptions(command, 'sgd', ['staleness'], `is for -c ssp; got -c ${flags.consistency}`);
      if (flags.consistency !== 'easgd') refuseOptions(command, 'sgd', ['tau', 'alpha'], `is for -c easgd; got -c ${flags.consistency}`);
      if (flags.cluster === undefined && flags.consistency !== 'bsp' && flags.consistency !== 'ssp') refuseOptions(command, 'sgd', ['batchSize'], `is for -c bsp and -c ssp; got -c ${flags.consistency}`);
      // Planted data is a new problem for every seed: its test set is held out from --train, never generated apart.
      if (flags.test?.startsWith('planted:')) throw new UsageError('sgd: --test takes a LIBSVM file; for planted data leave --test out and --test-fraction is held out');
      const all = await openExamples(flags.train);
      const { train, test } = flags.test ? { train: all, test: await loadLibsvm(flags.test) } : splitExamples(all, flags.testFraction, flags.seed);
      if (flags.cluster !== undefined) return runSgdCluster(flags, train, test, flags.test ?? `${flags.testFraction} of --train held out (seed ${flags.seed})`);
      const result = await trainLogistic(train, {
        consistency: flags.consistency as SgdConsistency,
        workers: flags.workers ?? defaultWorkers(),
        epochs: flags.epochs,
        learningRate: flags.learningRate,
        decay: flags.decay,
        lambda: flags.lambda,
        batchSize: flags.batchSize,
        staleness: flags.staleness,
        tau: flags.tau,
        alpha: flags.alpha,
        seed: flags.seed,
      });
      const quality = evaluateModel(result.weights, result.numFeatures, test);
      const summary = {
        train: flags.train,
        test: flags.test ?? `${flags.testFraction} of --train held out (seed ${flags.seed})`,
        examples: train.numExamples,
        testExamples: test.numExamples,
        features: train.numFeatures,
        consistency: result.consistency,
        workers: flags.workers ?? defaultWorkers(),
        params: result.params,
        trainLogLossByEpoch: result.history,
        accuracy: quality.accuracy,
        logLoss: quality.logLoss,
        auc: quality.auc,
        ...(flags.json ? optimumSummary(train, test, result.params.lambda) : {}),
        seconds: result.seconds,
      };
      if (flags.json) {
        printJson(summary);
        return;
      }
      process.stdout.write(
        summaryTable(`gasworks sgd: ${flags.train}`, [
          ['data', `${train.numExamples} training examples, ${train.numFeatures} features; ${test.numExamples} test examples${flags.test ? '' : ` (held out, ${flags.testFraction})`}`],
          ['consistency', `${result.consistency} on ${summary.workers} worker${summary.workers === 1 ? '' : 's'}, ${flags.epochs} epochs`],
          ['training log-loss by epoch', result.history.map((x) => x.toFixed(4)).join(' ')],
          ['test accuracy / log-loss / AUC', `${quality.accuracy.toFixed(4)} / ${quality.logLoss.toFixed(4)} / ${quality.auc.toFixed(4)}`],
          ['time', `${result.seconds.toFixed(3)} s`],
        ]) + '\n',
      );
    });
}
