/**
 * `gasworks sgd --cluster HOSTS`: the flags of distributed training and the
 * run itself (apps/sgd/cluster/train-cluster.ts), its per-round lines and
 * summary; registered on the `sgd` command by sgd.ts, which hands over here
 * when --cluster is given.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { evaluateModel } from '../../sgd/logistic.js';
import { optimumSummary } from '../../sgd/optimum-summary.js';
import type { SgdParams } from '../../sgd/loop.js';
import { CLUSTER_CONSISTENCIES, CLUSTER_DEFAULTS, type ClusterConsistency } from '../../sgd/cluster/options.js';
import { fraction, hostPortList, positiveInt } from '../arguments.js';
import { addClusterSecurityOptions, clusterSecurityFrom, type ClusterSecurityFlags } from '../cluster-flags.js';
import { formatBytes, printJson, summaryTable } from '../output.js';

export interface SgdClusterFlags extends ClusterSecurityFlags {
  cluster?: string[];
  parallelism: string;
  machineThreads: number;
  psShards?: number;
  psPartition: string;
  ps: string;
  topology: string;
  localEpochs: number;
  participation: number;
  nonIid?: boolean;
  compare?: string;
  plot: string;
  spare?: string[];
  checkpointEvery?: number;
}

const participation = (value: string): number => (value === '1' ? 1 : fraction(value));

export function addSgdClusterOptions(cmd: Command): Command {
  cmd
    .option('--cluster <host:port,...>', `train across machines: the addresses of \`gasworks worker\` processes; -c then also takes allreduce and fedavg (${CLUSTER_CONSISTENCIES.join(', ')})`, hostPortList)
    .option('--parallelism <kind>', 'with --cluster: data (examples split over machines) or model (features split; bsp only)', CLUSTER_DEFAULTS.parallelism)
    .option('--machine-threads <n>', 'with --cluster: batches per machine per clock, as threads of one process take them, computed on up to the worker\'s --threads', positiveInt, CLUSTER_DEFAULTS.threadsPerMachine)
    .option('--ps-shards <n>', 'with --cluster, bsp/ssp/async/easgd: parameter-server shards, kept round-robin by the workers (default: one per worker)', positiveInt)
    .option('--ps-partition <how>', 'with --cluster: the shards hold key ranges (range) or hashed keys (hash)', CLUSTER_DEFAULTS.psPartition)
    .option('--spare <host:port,...>', 'with --cluster: workers standing by; one takes a lost worker\'s place and the run resumes from the last checkpoint', hostPortList)
    .option('--checkpoint-every <n>', 'with --cluster: checkpoint the model every n epochs (rounds); default: only the start', positiveInt)
    .option('--ps <store>', "with --cluster, bsp/ssp/async/easgd: the parameter server's store: workers (its shards on the workers) or redis://host:port (Redis or Valkey; the workers reach it)", 'workers')
    .option('--topology <shape>', 'with --cluster -c allreduce: ring or tree', CLUSTER_DEFAULTS.topology)
    .option('--local-epochs <n>', 'with --cluster -c fedavg: epochs each machine trains per round (--epochs counts rounds)', positiveInt, CLUSTER_DEFAULTS.localEpochs)
    .option('--participation <x>', 'with --cluster -c fedavg: the share of machines that train in each round, in (0, 1]', participation, CLUSTER_DEFAULTS.participation)
    .option('--non-iid', 'with --cluster -c fedavg: split the examples by label (each machine sees mostly one class)')
    .option('--compare <modes>', `with --cluster: run several modes one after another (such as bsp,ssp,async,allreduce,fedavg) and plot test log-loss against time and bytes sent (--plot)`)
    .option('--plot <file.svg>', 'with --compare: where the SVG plot goes', 'sgd-compare.svg');
  return addClusterSecurityOptions(cmd);
}

function oneOf(flag: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) throw new UsageError(`sgd: ${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
}

/** Refuse cluster-only flags on a one-machine run. */
export function checkNoClusterFlags(flags: SgdClusterFlags, cmd: Command): void {
  for (const name of ['spare', 'checkpointEvery', 'compare', 'plot', 'ps', 'parallelism', 'machineThreads', 'psShards', 'psPartition', 'topology', 'localEpochs', 'participation', 'nonIid', 'tokenFile', 'tlsCert', 'tlsKey', 'tlsCa']) {
    const source = cmd.getOptionValueSource(name);
    if (source === 'cli') throw new UsageError(`sgd: --${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for cluster runs (give --cluster too)`);
  }
}

type RunFlags = SgdClusterFlags & SgdParams & { consistency: string; json?: boolean; train: string; workers?: number };

/** --compare: each mode with the same flags, the test log-loss after every round; a table and the plot. */
async function runComparison(flags: RunFlags, train: SparseDataset, test: SparseDataset, testLabel: string): Promise<void> {
  const modes = flags.compare!.split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (modes.length === 0) throw new UsageError('sgd: --compare must list modes, such as bsp,ssp,async,allreduce,fedavg; got nothing');
  for (const mode of modes) oneOf('--compare', mode, CLUSTER_CONSISTENCIES);
  if (!flags.plot.endsWith('.svg')) throw new UsageError(`sgd: --plot must name an .svg file; got "${flags.plot}"`);
  const security = clusterSecurityFrom('sgd', flags);
  const { trainLogisticCluster } = await import('../../sgd/cluster/train-cluster.js');
  const { comparePlotSvg } = await import('../../sgd/cluster/compare-plot.js');
  const { writeFileAtomic } = await import('../../../core/io/atomic-write.js');
  const points: Array<{ mode: string; round: number; seconds: number; bytes: number; testLogLoss: number }> = [];
  const runs: Array<Record<string, unknown>> = [];
  for (const mode of modes) {
    let seconds = 0;
    let bytes = 0;
    const rounds: Array<{ seconds: number; bytes: number }> = [];
    const result = await trainLogisticCluster(train, {
      ...clusterOptions(flags, security),
      consistency: mode as ClusterConsistency,
      parallelism: 'data',
      onRound: (r) => rounds.push(r),
      onModel: (round, weights) => {
        seconds += rounds[round].seconds;
        bytes += rounds[round].bytes;
        points.push({ mode, round: round + 1, seconds, bytes, testLogLoss: evaluateModel(weights, train.numFeatures, test).logLoss });
      },
    });
    const quality = evaluateModel(result.weights, result.numFeatures, test);
    runs.push({ consistency: mode, accuracy: quality.accuracy, logLoss: quality.logLoss, auc: quality.auc, bytesSent: result.bytesSent, maxStaleness: result.maxStaleness, seconds: result.seconds, rounds: result.rounds });
  }
  await writeFileAtomic(flags.plot, await comparePlotSvg(points, `${flags.train}: ${flags.cluster!.length} machines`));
  if (flags.json) {
    printJson({ train: flags.train, test: testLabel, machines: flags.cluster!.length, plot: flags.plot, runs, ...optimumSummary(train, test, flags.lambda) });
    return;
  }
  process.stdout.write(
    summaryTable(`gasworks sgd --cluster --compare: ${flags.train}`, [
      ...runs.map((r): [string, string] => [String(r.consistency), `accuracy ${(r.accuracy as number).toFixed(4)}, log-loss ${(r.logLoss as number).toFixed(4)}, AUC ${(r.auc as number).toFixed(4)}; ${formatBytes(r.bytesSent as number)}, ${(r.seconds as number).toFixed(2)} s`]),
      ['plot', flags.plot],
    ]) + '\n',
  );
}

function clusterOptions(flags: RunFlags, security: ReturnType<typeof clusterSecurityFrom>) {
  return {
    workers: flags.cluster!,
    security,
    spares: flags.spare,
    checkpointEvery: flags.checkpointEvery,
    onRecovery: (r: { lost: number[]; round: number; resumedAt: number }) =>
      process.stderr.write(`sgd: lost machine${r.lost.length === 1 ? '' : 's'} ${r.lost.join(', ')} in round ${r.round + 1}; a spare took its place, resuming after round ${r.resumedAt}\n`),
    threadsPerMachine: flags.machineThreads,
    psShards: flags.psShards,
    psPartition: flags.psPartition as 'range' | 'hash',
    ps: flags.ps,
    topology: flags.topology as 'ring' | 'tree',
    localEpochs: flags.localEpochs,
    participation: flags.participation,
    nonIid: flags.nonIid ?? false,
    epochs: flags.epochs, learningRate: flags.learningRate, decay: flags.decay, lambda: flags.lambda, batchSize: flags.batchSize,
    staleness: flags.staleness, tau: flags.tau, alpha: flags.alpha, seed: flags.seed,
  };
}

export async function runSgdCluster(flags: RunFlags, train: SparseDataset, test: SparseDataset, testLabel: string): Promise<void> {
  if (flags.compare !== undefined) {
    if (flags.workers !== undefined) throw new UsageError('sgd: --workers is for one machine; with --cluster each listed worker is one machine');
    if (flags.ps !== 'workers') throw new UsageError('sgd: --compare runs with the parameter server on the workers; leave --ps out');
    return runComparison(flags, train, test, testLabel);
  }
  oneOf('--consistency', flags.consistency, CLUSTER_CONSISTENCIES);
  oneOf('--parallelism', flags.parallelism, ['data', 'model']);
  oneOf('--ps-partition', flags.psPartition, ['range', 'hash']);
  oneOf('--topology', flags.topology, ['ring', 'tree']);
  if (flags.workers !== undefined) throw new UsageError('sgd: --workers is for one machine; with --cluster each listed worker is one machine (--machine-threads sets the batches per machine)');
  if (flags.parallelism === 'model' && flags.consistency !== 'bsp') throw new UsageError(`sgd: --parallelism model runs bsp (a batch's margins are summed across machines every step); got -c ${flags.consistency}`);
  if (flags.ps !== 'workers' && !/^rediss?:\/\/\S+$/.test(flags.ps)) throw new UsageError(`sgd: --ps must be workers or a redis://host:port URL; got "${flags.ps}"`);
  if (flags.ps !== 'workers' && !['bsp', 'ssp', 'async', 'easgd'].includes(flags.consistency)) throw new UsageError(`sgd: --ps ${flags.ps} is a parameter server's store, for -c bsp, ssp, async or easgd; got -c ${flags.consistency}`);
  const security = clusterSecurityFrom('sgd', flags);
  const { trainLogisticCluster } = await import('../../sgd/cluster/train-cluster.js');
  const lines: string[] = [];
  // Each round: its training loss, seconds and bytes, and the model's quality on the test set.
  const perRound: Array<{ round: number; loss: number; seconds: number; bytes: number; testAccuracy: number; testAuc: number; testLogLoss: number }> = [];
  let pending: { round: number; loss: number; seconds: number; bytes: number } | null = null;
  const result = await trainLogisticCluster(train, {
    ...clusterOptions(flags, security),
    consistency: flags.consistency as ClusterConsistency,
    parallelism: flags.parallelism as 'data' | 'model',
    onRound: (r) => (pending = { round: r.round, loss: r.loss, seconds: r.seconds, bytes: r.bytes }),
    onModel: (round, weights) => {
      const q = evaluateModel(weights, train.numFeatures, test);
      const r = pending!;
      perRound.push({ ...r, testAccuracy: q.accuracy, testAuc: q.auc, testLogLoss: q.logLoss });
      lines.push(`${round + 1}: loss ${r.loss.toFixed(4)}, test accuracy ${q.accuracy.toFixed(4)}, AUC ${q.auc.toFixed(4)}, ${r.seconds.toFixed(3)} s, ${formatBytes(r.bytes)}`);
    },
  });
  const quality = evaluateModel(result.weights, result.numFeatures, test);
  if (flags.json) {
    printJson({
      train: flags.train, test: testLabel, examples: train.numExamples, testExamples: test.numExamples, features: train.numFeatures,
      consistency: result.consistency, parallelism: result.parallelism, machines: result.machines, cluster: flags.cluster, params: result.params,
      trainLogLossByEpoch: result.history, rounds: perRound,
      accuracy: quality.accuracy, logLoss: quality.logLoss, auc: quality.auc, ...optimumSummary(train, test, result.params.lambda),
      bytesSent: result.bytesSent, maxStaleness: result.maxStaleness, stalenessHistogram: result.staleness, stragglers: result.stragglers, recoveries: result.recoveries, workers: result.workers, seconds: result.seconds,
    });
    return;
  }
  process.stdout.write(
    summaryTable(`gasworks sgd --cluster: ${flags.train}`, [
      ['data', `${train.numExamples} training examples, ${train.numFeatures} features; ${test.numExamples} test examples`],
      ['consistency', `${result.consistency}, ${result.parallelism} parallel, on ${result.machines} machine${result.machines === 1 ? '' : 's'}, ${flags.epochs} ${result.consistency === 'fedavg' ? 'rounds' : 'epochs'}`],
      ['rounds', lines.join('\n')],
      ['test accuracy / log-loss / AUC', `${quality.accuracy.toFixed(4)} / ${quality.logLoss.toFixed(4)} / ${quality.auc.toFixed(4)}`],
      ['bytes sent', formatBytes(result.bytesSent)],
      ['largest staleness read', `${result.maxStaleness} clock${result.maxStaleness === 1 ? '' : 's'}`],
      ...result.stragglers.map((s): [string, string] => ['straggler', `machine ${s.machine} (${s.worker}): ${s.busySeconds.toFixed(3)} s of work per round, the typical machine ${s.typicalSeconds.toFixed(3)} s`]),
      ['time', `${result.seconds.toFixed(3)} s`],
    ]) + '\n',
  );
}
