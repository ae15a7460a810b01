/**
 * `gasworks fraud`: fraud scores for the accounts of a rating network
 * (apps/fraud): REV2 on the engine, signed belief propagation from labelled
 * seed accounts, or the negative-ratings baseline; with a labels file, the
 * ROC AUC and precision at k against it (for BP, against the labels that
 * were not seeds); the most suspicious
 * accounts, and optionally every account's score in an `id<TAB>score` file.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { defaultWorkers } from '../../../core/engine/index.js';
import { loadLabels, loadSignedNetwork } from '../../../core/graph/loaders/signed.js';
import { writeFileAtomic } from '../../../core/io/atomic-write.js';
import { evaluateScores, FRAUD_METHODS, REV2_SCORES, scoreAccounts, splitLabels, type FraudMethod, type Rev2Score } from '../../fraud/detect.js';
import { topByScore } from '../../metrics/top-k.js';
import { fraction, positiveInt, refuseOptions, workerCount } from '../arguments.js';
import { formatNumber, printJson, summaryTable } from '../output.js';

interface FraudFlags {
  network: string;
  labels?: string;
  method: string;
  score: string;
  top: number;
  k: string;
  seedFraction: number;
  seed: number;
  workers?: number;
  out?: string;
  json?: boolean;
}

export function registerFraud(program: Command): void {
  program
    .command('fraud')
    .description('score the accounts of a rating network for fraud (REV2, signed belief propagation from labelled seeds, or a baseline), evaluated against labels when given')
    .requiredOption('-n, --network <file>', 'signed rating network: source,target,rating[,time] lines (e.g. SNAP soc-sign-bitcoinotc.csv.gz), ratings in [-10, 10]')
    .option('-l, --labels <file>', 'ground truth: node_id,label lines, label -1 fraudulent, +1 benign (e.g. otc_gt.csv)')
    .option('-m, --method <method>', `${FRAUD_METHODS.join(' or ')}`, 'rev2')
    .option('--score <score>', `rev2: what ranks accounts, ${REV2_SCORES.join(', ')} (1 - fairness as a rater, badness as a ratee, or their mean)`, 'combined')
    .option('--seed-fraction <x>', 'bp: share of the labelled accounts used as seeds; the metrics use the others', fraction, 0.1)
    .option('--seed <n>', 'bp: seed of the seed / evaluation split', positiveInt, 1)
    .option('-t, --top <n>', 'list this many most suspicious accounts', positiveInt, 10)
    .option('-k, --k <list>', 'precision at these k, separated by commas', '10,50,100')
    .option('-w, --workers <n>', `threads (default: one per core, ${defaultWorkers()} here)`, workerCount)
    .option('-o, --out <file>', "write id<TAB>score lines for every account (the file's own ids)")
    .option('--json', 'print a JSON summary')
    .option('-q, --quiet', 'print no progress (this command shows none; taken as by every command)')
    .action(async (flags: FraudFlags, command: Command) => {
      if (!(FRAUD_METHODS as readonly string[]).includes(flags.method)) throw new UsageError(`fraud: --method must be one of ${FRAUD_METHODS.join(', ')}; got "${flags.method}"`);
      if (flags.method !== 'rev2') refuseOptions(command, 'fraud', ['score'], `is for --method rev2; got --method ${flags.method}`);
      if (flags.method !== 'bp') refuseOptions(command, 'fraud', ['seedFraction', 'seed'], `is for --method bp; got --method ${flags.method}`);
      if (!(REV2_SCORES as readonly string[]).includes(flags.score)) throw new UsageError(`fraud: --score must be one of ${REV2_SCORES.join(', ')}; got "${flags.score}"`);
      const ks = flags.k.split(',').map((x) => Number(x.trim()));
      if (!ks.every((x) => Number.isInteger(x) && x > 0)) throw new UsageError(`fraud: --k must be positive integers separated by commas; got "${flags.k}"`);
      const network = await loadSignedNetwork(flags.network);
      const labels = flags.labels ? await loadLabels(flags.labels) : null;
      if (flags.method === 'bp' && labels === null) throw new UsageError('fraud: --method bp starts from labelled accounts: give --labels');
      // BP is seeded with some labels; it is judged on the others.
      const split = flags.method === 'bp' ? splitLabels(labels!, flags.seedFraction, flags.seed) : null;
      const result = await scoreAccounts(network, {
        method: flags.method as FraudMethod,
        score: flags.score as Rev2Score,
        workers: flags.workers ?? defaultWorkers(),
        seeds: split?.seeds,
      });
      const judged = split ? split.heldOut : labels;
      const evaluation = judged ? evaluateScores(network, result.scores, judged, ks) : null;
      if (flags.out) {
        const lines: string[] = [];
        for (let v = 0; v < network.numVertices; v++) lines.push(`${network.key(v)}\t${result.scores[v]}`);
        await writeFileAtomic(flags.out, lines.join('\n') + '\n');
      }
      const top = Array.from(topByScore(result.scores, flags.top, null), (v) => ({
        account: network.fileId(v),
        score: result.scores[v],
        ...(result.fairness ? { fairness: result.fairness[v], goodness: result.goodness![v] } : {}),
        ratingsGiven: network.outDegree(v),
        ratingsReceived: network.inDegree(v),
      }));
      const summary = {
        network: flags.network,
        accounts: network.numVertices,
        ratings: network.numEdges,
        method: result.method,
        ...(result.method === 'rev2' ? { score: flags.score } : {}),
        iterations: result.iterations,
        converged: result.converged,
        computeSeconds: result.computeSeconds,
        ...(evaluation
          ? { labels: flags.labels, ...(split ? { seeds: split.seeds.ids.length, seedsInNetwork: result.seedsFound, evaluatedOn: 'labels not used as seeds' } : {}), auc: evaluation.auc, precisionAtK: evaluation.precision, fraudulent: evaluation.fraudulent, benign: evaluation.benign, labelsNotInNetwork: evaluation.missing }
          : {}),
        top,
        ...(flags.out ? { out: flags.out } : {}),
      };
      if (flags.json) {
        printJson(summary);
        return;
      }
      const rows: Array<[string, string | number]> = [
        ['network', `${formatNumber(network.numVertices)} accounts, ${formatNumber(network.numEdges)} ratings`],
        [
          'method',
          result.method === 'rev2'
            ? `REV2 (${flags.score}), ${result.iterations} iterations${result.converged ? ', converged' : ''}`
            : result.method === 'bp'
              ? `signed belief propagation from ${result.seedsFound} seed accounts, ${result.iterations} supersteps${result.converged ? ', converged' : ''}`
              : 'share of negative ratings received',
        ],
        ['compute time', `${result.computeSeconds.toFixed(3)} s`],
      ];
      if (evaluation) {
        rows.push(['labels', `${evaluation.fraudulent} fraudulent, ${evaluation.benign} benign${split ? ' (not seeds)' : ''}${evaluation.missing ? `, ${evaluation.missing} not in the network` : ''}`]);
        rows.push(['ROC AUC', evaluation.auc.toFixed(4)]);
        for (const k of ks) rows.push([`precision@${k}`, evaluation.precision[k].toFixed(3)]);
      }
      top.forEach((t, i) => rows.push([`#${i + 1} account ${t.account}`, `score ${t.score.toFixed(3)}, ${t.ratingsGiven} given, ${t.ratingsReceived} received`]));
      if (flags.out) rows.push(['scores', flags.out]);
      process.stdout.write(summaryTable(`gasworks fraud: ${flags.network}`, rows) + '\n');
    });
}
