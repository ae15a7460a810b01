/**
 * `gasworks bench partitioners`: runs partitioners side by side over graphs
 * and partition counts, prints one table (or, with --json, one JSON object per
 * run), and writes JSON, Markdown and an SVG chart of replication factor
 * against k into --out. A progress bar per run on a terminal. The work itself
 * is partitioner/bench/run.ts; this module reads flags and prints.
 */
import { statSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { checkParts, partitioners, resolveAlgos } from '../../../partitioner/index.js';
import { runPartitionerBench, type BenchRecord } from '../../../partitioner/bench/run.js';
import { benchTable, writeBenchFiles } from '../../../partitioner/bench/report.js';
import { startProgress } from '../progress.js';
import { GRAPH_FORMATS, type GraphFormat } from '../../../core/graph/load.js';
import { GENERATOR_SPEC_HELP } from '../../../core/graph/generators/spec.js';
import { printJson } from '../output.js';

export interface BenchPartitionersFlags {
  graph: string[];
  format: string;
  parts: string;
  algos: string;
  order: string;
  seed: string;
  repeat: string;
  out: string;
  lambda: string;
  hdrfBalance: string;
  hdrfDegrees: string;
  slack: string;
  byDegree?: boolean;
  json?: boolean;
  quiet?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function integer(flag: string, value: string, min: number): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < min) throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return x;
}

function number(flag: string, value: string, min: number): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x < min) throw new UsageError(`${flag} must be a number >= ${min}, got "${value}"`);
  return x;
}

/** The k list of --parts: integers separated by commas. */
export function parsePartsList(value: string): number[] {
  const ks = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (ks.length === 0) throw new UsageError(`--parts expects k values separated by commas, e.g. 4,8,16, got "${value}"`);
  ks.forEach(checkParts);
  return [...new Set(ks)];
}

/** --out must be a folder or not exist yet: say so before the runs, not with a stack after them. */
function checkOutFolder(out: string): void {
  let isFolder: boolean | null = null;
  try {
    isFolder = statSync(out).isDirectory();
  } catch {
    // not there yet: it is created at the end
  }
  if (isFolder === false) throw new UsageError(`bench partitioners: --out must be a folder (for partitioners.json, .md and .svg); got ${out}, which is a file`);
}

export async function benchPartitioners(flags: BenchPartitionersFlags): Promise<BenchRecord[]> {
  if (flags.graph.length === 0) throw new UsageError('bench partitioners: give at least one --graph FILE or --graph rmat:SCALE');
  const parts = parsePartsList(flags.parts);
  const algos = resolveAlgos(flags.algos);
  if (flags.order !== 'file' && flags.order !== 'shuffled') throw new UsageError(`--order must be file or shuffled, got "${flags.order}"`);
  if (flags.hdrfDegrees !== 'partial' && flags.hdrfDegrees !== 'exact') {
    throw new UsageError(`--hdrf-degrees must be partial or exact, got "${flags.hdrfDegrees}"`);
  }
  if (flags.hdrfBalance !== 'normalized' && flags.hdrfBalance !== 'absolute') {
    throw new UsageError(`--hdrf-balance must be normalized or absolute, got "${flags.hdrfBalance}"`);
  }
  checkOutFolder(flags.out);
  const quiet = flags.quiet ?? false;
  let bar: ReturnType<typeof startProgress> | null = null;
  const progressFor = (title: string, unit: string) => {
    bar?.stop();
    bar = startProgress(title, 1, { quiet, unit });
    const current = bar;
    return (done: number, total: number) => current.update(done, total);
  };
  if (!(GRAPH_FORMATS.map((f) => f.name) as string[]).includes(flags.format)) throw new UsageError(`bench partitioners: --format must be one of ${GRAPH_FORMATS.map((f) => f.name).join(', ')}; got "${flags.format}"`);
  const records = await runPartitionerBench({
    graphs: flags.graph,
    format: flags.format as GraphFormat,
    parts,
    algos,
    order: flags.order,
    seed: integer('--seed', flags.seed, 0),
    repeat: integer('--repeat', flags.repeat, 1),
    lambda: number('--lambda', flags.lambda, 0),
    balanceTerm: flags.hdrfBalance,
    degrees: flags.hdrfDegrees,
    balanceSlack: number('--slack', flags.slack, 0),
    byDegree: flags.byDegree ?? false,
    onLoad: (spec) => progressFor(`loading ${spec}`, 'units'),
    onRun: (graph, algo, k, r) => progressFor(`${graph} ${algo} k=${k}${r > 0 ? ` #${r + 1}` : ''}`, 'edges'),
    onRecord: (record) => {
      if (flags.json) printJson(record);
    },
  });
  (bar as ReturnType<typeof startProgress> | null)?.stop();
  if (!flags.json) process.stdout.write(benchTable(records) + '\n');
  let files: Awaited<ReturnType<typeof writeBenchFiles>>;
  try {
    files = await writeBenchFiles(flags.out, records);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new UsageError(`bench partitioners: could not write into --out ${flags.out}: ${code} (${(error as Error).message.replace(/^[A-Z]+: /, '')})`);
  }
  if (!quiet) process.stderr.write(`wrote ${files.json}, ${files.markdown}, ${files.svg}\n`);
  return records;
}

/** Add `partitioners` under the `bench` command. */
export function registerBenchPartitioners(bench: Command): void {
  bench
    .command('partitioners')
    .description('run vertex-cut partitioners (and the hash edge-cut) side by side: replication factor, balance, speed')
    .option('--graph <spec>', `a graph file (text edge lists, weighted or not, are read in file order; other formats, such as a gasworks .gwg/.bin, stream their edges in CSR order; .gz read transparently) or a generator: ${GENERATOR_SPEC_HELP}; repeatable`, collect, [])
    .option('--format <format>', `format of the graph files: ${GRAPH_FORMATS.map((f) => f.name).join(', ')}`, 'auto')
    .option('--parts <list>', 'partition counts k, separated by commas', '4,8,16,32,64,128')
    .option('--algos <list>', `partitioners separated by commas, or all: ${partitioners.map((p) => p.name).join(', ')}`, 'all')
    .option('--order <order>', 'stream order: file or shuffled (seeded)', 'file')
    .option('--seed <n>', 'seed for hashes, tie-breaks and the shuffle', '1')
    .option('--repeat <n>', 'runs per combination; the median time is reported', '1')
    .option('--lambda <x>', "HDRF's balance weight lambda", '1')
    .option('--hdrf-balance <term>', "HDRF's balance term: normalized (the paper) or absolute (the 2PS authors' code)", 'normalized')
    .option('--hdrf-degrees <kind>', "HDRF's degrees: partial (counted as the stream goes, the paper) or exact (a first pass, as 2PS-HDRF)", 'partial')
    .option('--slack <x>', 'balance slack of greedy, HDRF and NE: no part above (1 + slack) m / k edges', '0.05')
    .option('--by-degree', 'also count copies per vertex by degree class (1, 2-3, 4-7, ...): which vertices each partitioner replicates; into the JSON and the Markdown')
    .option('--out <dir>', 'folder for partitioners.json, .md and .svg', 'bench/results')
    .option('--json', 'print one JSON object per run instead of the table')
    .option('-q, --quiet', 'no progress bars')
    .action(async (flags: BenchPartitionersFlags) => {
      await benchPartitioners(flags);
    });
}
