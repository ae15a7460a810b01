/**
 * `gasworks recommend tune`: search rank, lambda, iterations, learning rate
 * and alpha for one algorithm by k-fold cross-validation (or a given
 * split), grid or seeded random, scored by test RMSE or precision / NDCG at
 * k; a progress bar, a table best first, an SVG plot of the score against
 * each parameter, and the `recommend train` command that reproduces the best.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { writeFileAtomic } from '../../../core/io/atomic-write.js';
import { openRatings, PLANTED_HELP } from '../../recommender/source.js';
import { lowerIsBetter, TUNE_DEFAULTS, tuneFactorModel, type TuneParameter, type TuneResult, type TuneSpace } from '../../recommender/tune.js';
import type { FactorAlgorithm } from '../../recommender/train.js';
import { positiveInt } from '../arguments.js';
import { printJson } from '../output.js';
import { plainTable } from '../plain-table.js';
import { startProgress } from '../progress.js';

interface TuneFlags {
  ratings: string;
  test?: string;
  algo: string;
  search: string;
  trials: number;
  folds: number;
  metric?: string;
  k: number;
  seed: number;
  workers: number;
  rank?: number[];
  lambda?: number[];
  iterations?: number[];
  learningRate?: number[];
  alpha?: number[];
  plot: string | false;
  json?: boolean;
  quiet?: boolean;
}

/** "10,20,40" -> [10, 20, 40]. */
function numberList(value: string): number[] {
  const values = value.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || !(v >= 0))) throw new InvalidArgumentError('expected a comma-separated list of numbers >= 0, such as 0.01,0.1,1.');
  return values;
}

const FLAGS: Record<TuneParameter, string> = { rank: '--rank', lambda: '--lambda', iterations: '-i', learningRate: '--learning-rate', alpha: '--alpha' };

/** The `recommend train` command that fits the best setting. */
export function trainCommand(result: TuneResult, ratings: string, test: string | undefined): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['gasworks recommend train', '-r', quote(ratings), ...(test ? ['-t', quote(test)] : []), '-a', result.algo];
  for (const [name, value] of Object.entries(result.best.params)) parts.push(FLAGS[name as TuneParameter], String(value));
  parts.push('--seed', String(result.seed));
  return parts.join(' ');
}

export function registerRecommendTune(group: Command): void {
  group
    .command('tune')
    .description('search rank, lambda, iterations, learning rate, alpha by k-fold cross-validation (or a given split); prints a table, the best as a train command, and plots the scores (vega-lite SVG)')
    .requiredOption('-r, --ratings <ratings>', `the ratings: ${PLANTED_HELP}`)
    .option('-t, --test <file>', 'a given test split (default: k-fold cross-validation on --ratings)')
    .option('-a, --algo <algo>', 'als, sgd, svdpp or ials', 'als')
    .option('--search <how>', 'grid (every combination) or random (--trials of them, seeded)', 'grid')
    .option('--trials <n>', 'random search: settings to try', positiveInt, TUNE_DEFAULTS.trials)
    .option('--folds <n>', 'cross-validation folds', positiveInt, TUNE_DEFAULTS.folds)
    .option('--metric <m>', 'rmse (rating models; lower is better), precision or ndcg at k (default: rmse, precision for ials)')
    .option('-k, --k <n>', 'list length for precision and NDCG', positiveInt, TUNE_DEFAULTS.k)
    .option('--rank <list>', 'ranks to try, e.g. 10,20,40', numberList)
    .option('--lambda <list>', 'lambdas to try', numberList)
    .option('-i, --iterations <list>', 'iterations (ALS, iALS) or epochs (SGD, SVD++) to try', numberList)
    .option('--learning-rate <list>', 'sgd, svdpp: step sizes to try', numberList)
    .option('--alpha <list>', 'ials: confidence weights to try', numberList)
    .option('--seed <n>', 'seed of the folds, of random search and of the initial factors', positiveInt, TUNE_DEFAULTS.seed)
    .option('-w, --workers <n>', 'threads per model fit', positiveInt, 1)
    .option('--plot <file>', 'the SVG plot of score against each parameter', 'recommend-tune.svg')
    .option('--no-plot', 'no plot')
    .option('--json', 'print JSON')
    .option('-q, --quiet', 'no progress bar')
    .action(async (flags: TuneFlags) => {
      const who = 'recommend tune';
      const algo = flags.algo as FactorAlgorithm;
      if (!['als', 'sgd', 'svdpp', 'ials'].includes(algo)) throw new UsageError(`${who}: --algo must be als, sgd, svdpp or ials; got "${flags.algo}"`);
      if (flags.search !== 'grid' && flags.search !== 'random') throw new UsageError(`${who}: --search must be grid or random; got "${flags.search}"`);
      if (flags.metric !== undefined && !['rmse', 'precision', 'ndcg'].includes(flags.metric)) throw new UsageError(`${who}: --metric must be rmse, precision or ndcg; got "${flags.metric}"`);
      if (flags.metric === 'rmse' && algo === 'ials') throw new UsageError(`${who}: --metric rmse is for rating models; ials ranks items (use precision or ndcg)`);
      if (flags.test !== undefined && flags.folds !== TUNE_DEFAULTS.folds) throw new UsageError(`${who}: --folds is for cross-validation; with --test the split is given`);
      if (flags.folds < 2) throw new UsageError(`${who}: --folds must be at least 2; got ${flags.folds}`);
      if (flags.learningRate && algo !== 'sgd' && algo !== 'svdpp') throw new UsageError(`${who}: --learning-rate is for --algo sgd and svdpp`);
      if (flags.alpha && algo !== 'ials') throw new UsageError(`${who}: --alpha is for --algo ials`);
      for (const name of ['rank', 'iterations'] as const) {
        if (flags[name]?.some((v) => !Number.isInteger(v) || v < 1)) throw new UsageError(`${who}: ${FLAGS[name]} takes positive integers; got ${flags[name]!.join(',')}`);
      }
      for (const name of ['lambda', 'learningRate'] as const) {
        if (flags[name]?.some((v) => !(v > 0))) throw new UsageError(`${who}: ${FLAGS[name]} takes numbers > 0; got ${flags[name]!.join(',')}`);
      }
      const given: TuneSpace = {};
      for (const name of ['rank', 'lambda', 'iterations', 'learningRate', 'alpha'] as const) if (flags[name] !== undefined) given[name] = flags[name];
      const space: TuneSpace = Object.keys(given).length > 0 ? given : TUNE_DEFAULTS.space[algo];
      const ratings = await openRatings(flags.ratings);
      const test = flags.test !== undefined ? await openRatings(flags.test) : undefined;
      const progress = startProgress(`${who}: ${algo}`, 1, { quiet: flags.quiet || flags.json });
      let result: TuneResult;
      try {
        result = await tuneFactorModel(ratings, {
          algo,
          space,
          search: flags.search,
          trials: flags.trials,
          folds: flags.folds,
          test,
          metric: flags.metric as 'rmse' | 'precision' | 'ndcg' | undefined,
          k: flags.k,
          seed: flags.seed,
          workers: flags.workers,
          onFit: (done, total) => progress.update(done, total),
        });
      } finally {
        progress.stop();
      }
      const command = trainCommand(result, flags.ratings, flags.test);
      if (flags.plot !== false) {
        const { tunePlotSvg } = await import('../../recommender/tune-plot.js');
        await writeFileAtomic(flags.plot, await tunePlotSvg(result));
      }
      if (flags.json) {
        printJson({ ...result, command, ...(flags.plot !== false ? { plot: flags.plot } : {}) });
        return;
      }
      const names = Object.keys(result.trials[0].params) as TuneParameter[];
      const sorted = [...result.trials].sort((a, b) => (lowerIsBetter(result.metric) ? a.score - b.score : b.score - a.score));
      const metric = result.metric === 'rmse' ? 'test RMSE' : `${result.metric}@${result.k}`;
      const perFold = result.folds > 1;
      const rows = sorted.map((t, r) => [
        String(r + 1),
        ...names.map((n) => String(t.params[n])),
        t.diverged ? 'diverged' : t.score.toFixed(4),
        ...(perFold ? [t.folds.map((s) => (t.diverged && !(s > 0 && s < Infinity) ? 'diverged' : s.toFixed(4))).join(' ')] : []),
      ]);
      const headers = ['#', ...names.map((n) => FLAGS[n].replace(/^-+/, '').replace(/^i$/, 'iterations')), metric, ...(perFold ? ['per fold'] : [])];
      const title = `${who}: ${algo}, ${result.trials.length} settings, ${result.folds > 1 ? `${result.folds}-fold cross-validation` : 'given split'}, ${result.search} search (seed ${result.seed})`;
      process.stdout.write(plainTable(title, headers, rows, headers.map((h) => (h === 'per fold' ? 'left' : 'right'))) + '\n');
      process.stdout.write(`\nbest: ${metric} ${result.best.score.toFixed(4)}${flags.plot !== false ? `; plot: ${flags.plot}` : ''}\n${command}\n`);
    });
}
