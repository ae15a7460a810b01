/**
 * `gasworks bench partitioners`: runs partitioners side by side over graphs
 * and partition counts, prints one table (or, with --json, one JSON object per
 * run), and writes JSON, Markdown and an SVG chart of replication factor
 * against k into --out. A progress bar per run on a terminal. `--compare
 * FILE.json` adds a previous run's (or published) figures beside the new
 * ones; `--run PROGRAM` instead places each graph with each partitioner on
 * local worker processes and runs the program (bytes and seconds per
 * superstep against replication factor); `--chunked` streams graphs that
 * are never held (R-MAT 26 by HDRF). The work itself is
 * partitioner/bench/ (run.ts, compare.ts, cluster-run.ts); this module reads
 * flags and prints.
 */
import { statSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { checkParts, partitioners } from '../../../partitioner/index.js';
import { resolvePartitioners } from '../../../partitioner/load.js';
import { runPartitionerBench, type BenchRecord } from '../../../partitioner/bench/run.js';
import { benchTable, writeBenchFiles } from '../../../partitioner/bench/report.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/io/atomic-write.js';
import type { Partitioner } from '../../../partitioner/types.js';
import { compareRecords, comparisonMarkdown, comparisonTable, readPreviousRecords } from '../../../partitioner/bench/compare.js';
import { clusterChartSvg, clusterMarkdown, clusterTable, runClusterBench, type ClusterRecord } from '../../../partitioner/bench/cluster-run.js';
import { openGraph } from '../graph-source.js';
import { graphName } from '../../../partitioner/bench/source.js';
import { startLocalWorkers } from '../local-workers.js';
import { loadProgramByName } from './run.js';
import { startProgress } from '../progress.js';
import Table from 'cli-table3';
import { CHUNK_EDGES, fileChunkSource, partitionChunks, rmatChunkSource, type ChunkedResult } from '../../../partitioner/chunked.js';
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
  lambda?: string;
  hdrfBalance: string;
  hdrfDegrees: string;
  slack: string;
  byDegree?: boolean;
  tau?: string;
  passes?: string;
  clusteringPasses?: string;
  compare?: string;
  run?: string;
  chunked?: boolean;
  machines: string;
  iterations: string;
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

export async function benchPartitioners(flags: BenchPartitionersFlags): Promise<Array<BenchRecord | ClusterRecord | ChunkedResult>> {
  if (flags.graph.length === 0) throw new UsageError('bench partitioners: give at least one --graph FILE or --graph rmat:SCALE');
  const parts = parsePartsList(flags.parts);
  const algos = await resolvePartitioners(flags.algos, 'bench partitioners');
  if (flags.order !== 'file' && flags.order !== 'shuffled') throw new UsageError(`--order must be file or shuffled, got "${flags.order}"`);
  if (flags.hdrfDegrees !== 'partial' && flags.hdrfDegrees !== 'exact') {
    throw new UsageError(`--hdrf-degrees must be partial or exact, got "${flags.hdrfDegrees}"`);
  }
  if (flags.hdrfBalance !== 'normalized' && flags.hdrfBalance !== 'absolute') {
    throw new UsageError(`--hdrf-balance must be normalized or absolute, got "${flags.hdrfBalance}"`);
  }
  checkOutFolder(flags.out);
  const tau = flags.tau === undefined ? undefined : positive('--tau', flags.tau);
  const passes = flags.passes === undefined ? undefined : integer('--passes', flags.passes, 1);
  const clusteringPasses = flags.clusteringPasses === undefined ? undefined : integer('--clustering-passes', flags.clusteringPasses, 1);
  // Read the previous figures first: a bad file fails before any work.
  const previous = flags.compare === undefined ? null : await readPreviousRecords(flags.compare);
  if (flags.run !== undefined) return [...(await benchRuns(flags, algos))];
  if (flags.chunked) return [...(await benchChunked(flags, parts, algos))];
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
    lambda: flags.lambda === undefined ? undefined : number('--lambda', flags.lambda, 0),
    tau,
    passes,
    clusteringPasses,
    balanceTerm: flags.hdrfBalance,
    degrees: flags.hdrfDegrees,
    balanceSlack: number('--slack', flags.slack, 0),
    byDegree: flags.byDegree ?? false,
    onLoad: (spec) => progressFor(`loading ${spec}`, 'units'),
    onRun: (graph, algo, k, r) => progressFor(`${graph} ${algo} k=${k}${r > 0 ? ` #${r + 1}` : ''}`, 'edges'),
    onRecord: (record) => {
      if (!flags.json) return;
      if (previous === null) printJson(record);
      else printJson({ ...record, compared: compareRecords([record], previous).map((c) => ({ ...c.previous, ratio: c.ratio })) });
    },
  });
  (bar as ReturnType<typeof startProgress> | null)?.stop();
  const comparisons = previous === null ? null : compareRecords(records, previous);
  if (!flags.json) {
    process.stdout.write(benchTable(records) + '\n');
    if (comparisons !== null) {
      process.stdout.write(comparisons.length > 0 ? `Compared with ${flags.compare}:\n${comparisonTable(comparisons)}\n` : `No record of ${flags.compare} has the graph, partitioner and k of a run here.\n`);
    }
  }
  let files: Awaited<ReturnType<typeof writeBenchFiles>>;
  try {
    files = await writeBenchFiles(flags.out, records, 'partitioners', comparisons === null ? '' : comparisonMarkdown(comparisons, flags.compare!));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new UsageError(`bench partitioners: could not write into --out ${flags.out}: ${code} (${(error as Error).message.replace(/^[A-Z]+: /, '')})`);
  }
  if (!quiet) process.stderr.write(`wrote ${files.json}, ${files.markdown}, ${files.svg}\n`);
  return records;
}

function positive(flag: string, value: string): number {
  const x = Number(value);
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return x;
}

/**
 * `--run PROGRAM`: each partitioner places each graph on `--machines` local worker
 * processes, and the program runs `--iterations` supersteps (cluster-run.ts).
 */
async function benchRuns(flags: BenchPartitionersFlags, algos: Partitioner[]): Promise<ClusterRecord[]> {
  const machines = integer('--machines', flags.machines, 1);
  const iterations = integer('--iterations', flags.iterations, 1);
  const repeat = integer('--repeat', flags.repeat, 1);
  const program = await loadProgramByName(flags.run!);
  const skipped = algos.filter((a) => a.kind !== 'vertex-cut').map((a) => a.name);
  const quiet = flags.quiet ?? false;
  if (skipped.length > 0 && !quiet) process.stderr.write(`bench partitioners: --run skips ${skipped.join(', ')}: the cluster runs on vertex-cuts\n`);
  const workers = await startLocalWorkers(machines);
  let records: ClusterRecord[];
  try {
    records = await runClusterBench({
      graphs: flags.graph,
      algos,
      workers: workers.addresses,
      program,
      iterations,
      repeat,
      seed: integer('--seed', flags.seed, 0),
      openGraph: async (spec) => {
        const loaded = await openGraph(spec, { quiet: true });
        return { graph: loaded.graph, name: graphName(spec) };
      },
      onRun: (graph, algo, r) => {
        if (!quiet && !flags.json) process.stderr.write(`\r\x1b[K${graph} ${algo}: ${program.name} on ${machines} workers${r > 0 ? ` #${r + 1}` : ''}`);
      },
      onRecord: (record) => {
        if (flags.json) printJson(record);
      },
    });
  } finally {
    workers.stop();
  }
  if (!quiet && !flags.json) process.stderr.write('\r\x1b[K');
  if (!flags.json) process.stdout.write(clusterTable(records) + '\n');
  await mkdir(flags.out, { recursive: true });
  const files = { json: join(flags.out, 'partitioners-run.json'), markdown: join(flags.out, 'partitioners-run.md'), svg: join(flags.out, 'partitioners-run.svg') };
  await writeFileAtomic(files.json, JSON.stringify(records, null, 2) + '\n');
  await writeFileAtomic(files.markdown, `# Partitioners in a real run\n${clusterMarkdown(records)}`);
  await writeFileAtomic(files.svg, await clusterChartSvg(records));
  if (!quiet) process.stderr.write(`wrote ${files.json}, ${files.markdown}, ${files.svg}\n`);
  return records;
}

/**
 * `--chunked`: each graph streamed in chunks (R-MAT generated on the fly, or a
 * text edge list read twice) and never held, HDRF or greedy (chunked.ts):
 * memory O(vertices x k bits), its peak in the report.
 */
async function benchChunked(flags: BenchPartitionersFlags, ks: number[], algos: Partitioner[]): Promise<ChunkedResult[]> {
  const names = algos.map((a) => a.name);
  const bad = names.filter((a) => a !== 'hdrf' && a !== 'greedy');
  if (bad.length > 0) throw new UsageError(`bench partitioners: --chunked runs hdrf and greedy (the scored streaming ones); got ${bad.join(', ')}`);
  if (flags.order !== 'file') throw new UsageError('bench partitioners: --chunked reads the stream in its own order; --order shuffled needs it in memory');
  const quiet = flags.quiet ?? false;
  const results: ChunkedResult[] = [];
  for (const spec of flags.graph) {
    const rmat = /^rmat:(\d+)(?::(\d+))?(?::(\d+))?$/.exec(spec);
    if (spec.startsWith('rmat:') && !rmat) throw new UsageError(`graph spec "${spec}": expected rmat:SCALE[:EDGE_FACTOR[:SEED]] with integers`);
    const source = rmat
      ? rmatChunkSource(Number(rmat[1]), rmat[2] === undefined ? 16 : Number(rmat[2]), rmat[3] === undefined ? 1 : Number(rmat[3]), undefined, spec)
      : await fileChunkSource(spec);
    for (const k of ks) {
      for (const algo of names as Array<'hdrf' | 'greedy'>) {
        const bar = startProgress(`${source.name} ${algo} k=${k} (chunked)`, source.edges, { quiet, unit: 'edges' });
        const result = await partitionChunks(source, algo, k, {
          seed: integer('--seed', flags.seed, 0),
          lambda: flags.lambda === undefined ? undefined : number('--lambda', flags.lambda, 0),
          balanceSlack: number('--slack', flags.slack, 0),
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.stop();
        results.push(result);
        if (flags.json) printJson(result);
      }
    }
  }
  const head = ['graph', 'k', 'algo', 'vertices', 'edges', 'repl. factor', 'edge bal.', 'vertex bal.', 'seconds', 'Medges/s', 'state MB', 'peak RSS MB'];
  const rows = results.map((r) => [r.graph, String(r.k), r.algo, String(r.numVertices), String(r.edges), r.replicationFactor.toFixed(3), r.edgeBalance.toFixed(3), r.vertexBalance.toFixed(3), r.seconds.toFixed(1), (r.edges / r.seconds / 1e6).toFixed(2), (r.stateBytes / 1e6).toFixed(0), (r.maxRssBytes / 1e6).toFixed(0)]);
  if (!flags.json) {
    const table = new Table({ head, style: { head: [], border: [] } });
    for (const row of rows) table.push(row);
    process.stdout.write(table.toString() + '\n');
  }
  await mkdir(flags.out, { recursive: true });
  const files = { json: join(flags.out, 'partitioners-chunked.json'), markdown: join(flags.out, 'partitioners-chunked.md') };
  await writeFileAtomic(files.json, JSON.stringify(results, null, 2) + '\n');
  const md = ['# Chunked streaming partitioners', '', `Edges streamed in chunks of ${CHUNK_EDGES.toLocaleString('en-US')}, never held; Node ${process.version}.`, '', `| ${head.join(' | ')} |`, `|${head.map((_, i) => (i >= 3 ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  await writeFileAtomic(files.markdown, md.join('\n') + '\n');
  if (!quiet) process.stderr.write(`wrote ${files.json}, ${files.markdown}\n`);
  return results;
}

/** Add `partitioners` under the `bench` command. */
export function registerBenchPartitioners(bench: Command): void {
  bench
    .command('partitioners')
    .description('run vertex-cut partitioners (and the hash edge-cut) side by side: replication factor, balance, speed')
    .option('--graph <spec>', `a graph file (text edge lists, weighted or not, are read in file order; other formats, such as a gasworks .gwg/.bin, stream their edges in CSR order; .gz read transparently) or a generator: ${GENERATOR_SPEC_HELP}; repeatable`, collect, [])
    .option('--format <format>', `format of the graph files: ${GRAPH_FORMATS.map((f) => f.name).join(', ')}`, 'auto')
    .option('--parts <list>', 'partition counts k, separated by commas', '4,8,16,32,64,128')
    .option('--algos <list>', `partitioners separated by commas, or all: ${partitioners.map((p) => p.name).join(', ')}; or the path of your own module (./my-cut.ts)`, 'all')
    .option('--order <order>', 'stream order: file or shuffled (seeded)', 'file')
    .option('--seed <n>', 'seed for hashes, tie-breaks and the shuffle', '1')
    .option('--repeat <n>', 'runs per combination; the median time is reported', '1')
    .option('--lambda <x>', "HDRF's balance weight lambda (default 1; HEP's streaming phase 1.1)")
    .option('--hdrf-balance <term>', "HDRF's balance term: normalized (the paper) or absolute (the 2PS authors' code)", 'normalized')
    .option('--hdrf-degrees <kind>', "HDRF's degrees: partial (counted as the stream goes, the paper) or exact (a first pass, as 2PS-HDRF)", 'partial')
    .option('--slack <x>', 'balance slack of greedy, HDRF and NE: no part above (1 + slack) m / k edges', '0.05')
    .option('--tau <x>', "HEP: a vertex above tau x the mean degree is high-degree (default 100)")
    .option('--passes <n>', 'restream-hdrf, restream-greedy: passes over the stream (default 3)')
    .option('--clustering-passes <n>', "2PS: passes of streaming clustering (default 1, the authors' str_iters)")
    .option('--compare <file.json>', "put a previous run's figures (its partitioners.json, or published ones such as bench/reference/2ps-authors-soc-Epinions1.json) beside these")
    .option('--run <program>', 'place each graph with each partitioner on --machines local worker processes and run this vertex program (a bundled name or a module path): bytes sent and seconds per superstep against replication factor; --parts is not used (k = machines)')
    .option('--chunked', 'stream each graph in chunks and never hold it (rmat:SCALE generated on the fly, or a text edge list read twice; its own ids): hdrf and greedy, memory O(vertices x k bits), peak memory reported')
    .option('--machines <n>', 'with --run: worker processes (loopback, one thread each)', '4')
    .option('--iterations <n>', 'with --run: supersteps per run', '10')
    .option('--by-degree', 'also count copies per vertex by degree class (1, 2-3, 4-7, ...): which vertices each partitioner replicates; into the JSON and the Markdown')
    .option('--out <dir>', 'folder for partitioners.json, .md and .svg', 'bench/results')
    .option('--json', 'print one JSON object per run instead of the table')
    .option('-q, --quiet', 'no progress bars')
    .action(async (flags: BenchPartitionersFlags) => {
      await benchPartitioners(flags);
    });
}
