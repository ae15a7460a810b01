/**
 * `gasworks status --cluster host:port,...`: each worker's jobs (program,
 * machine, vertices and edges held, superstep, lease left) and memory, as a
 * table, or `--json`. A worker that cannot be asked is reported in its row
 * and makes the command exit 1.
 */
import type { Command } from 'commander';
import type { Cell } from '../../../core/util/table.js';
import type { WorkerStatus } from '../../../core/cluster/status.js';
import { UsageError } from '../../../core/errors.js';
import { hostPortList } from '../arguments.js';
import { addClusterSecurityOptions, clusterSecurityFrom, type ClusterSecurityFlags } from '../cluster-flags.js';
import { formatBytes, headedTable, printJson } from '../output.js';

interface StatusFlags extends ClusterSecurityFlags {
  cluster: string[];
  json?: boolean;
}

export function registerStatus(program: Command): void {
  const cmd = program
    .command('status')
    .description("ask the cluster's workers what they hold: jobs, their leases, memory")
    .requiredOption('--cluster <host:port,...>', 'the workers to ask', hostPortList)
    .option('--json', 'print JSON');
  addClusterSecurityOptions(cmd);
  cmd.action(async (flags: StatusFlags) => {
    const security = clusterSecurityFrom('status', flags);
    const { workerStatus } = await import('../../../core/cluster/status.js');
    const answers = await Promise.all(flags.cluster.map((address) => workerStatus(address, { security }).then((s): WorkerStatus | Error => s, (e: Error) => e)));
    const failed = answers.filter((a): a is Error => a instanceof Error);
    if (flags.json) {
      printJson(answers.map((a, i) => (a instanceof Error ? { address: flags.cluster[i], error: a.message } : a)));
    } else {
      const rows: Cell[][] = [];
      answers.forEach((a, i) => {
        if (a instanceof Error) return rows.push([flags.cluster[i], `no answer: ${a.message}`]);
        const memory = `${formatBytes(a.rssBytes)} (${a.expired} expired job${a.expired === 1 ? '' : 's'})`;
        if (a.jobs.length === 0 && a.training.length === 0) return rows.push([a.address, 'none', '', '', '', '', '', '', '', memory]);
        for (const j of a.jobs) rows.push([a.address, j.job, j.program, `${j.machine + 1} of ${j.machines}`, j.threads, j.vertices, j.edges, j.superstep, `${(j.leaseLeftMs / 1000).toFixed(0)} s`, memory]);
        // Training jobs hold examples, not a graph: their calls answered stand in the superstep column.
        for (const t of a.training) rows.push([a.address, t.job, `training (${t.trainer})`, `${t.machine + 1} of ${t.machines}`, t.threads, '', '', t.calls, `${(t.leaseLeftMs / 1000).toFixed(0)} s`, memory]);
      });
      process.stdout.write(`${headedTable('gasworks status', ['worker', 'job', 'program', 'machine', 'threads', 'vertices', 'edges', 'superstep', 'lease left', 'memory (RSS)'], rows)}\n`);
    }
    if (failed.length > 0) throw new UsageError(`status: ${failed.length} of ${flags.cluster.length} workers did not answer: ${failed[0].message}`);
  });
}
