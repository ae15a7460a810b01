/**
 * The partitioner benchmark behind issue 5: every partitioner at k = 4..128 on
 * soc-Epinions1 and wiki-Vote (directed edge lists in file order, then again
 * on a seeded shuffled stream) and R-MAT scale 20, then three checks against baselines measured in the same run:
 * (1) the 2PS authors' C++ figures on soc-Epinions1 (HDRF in file and shuffled
 * order as their code computes it, at the lambda = 1.1 their README runs it
 * with, DBH, and the best vertex-cut against 2PS-HDRF), (2) the quality order
 * the literature reports, with the HDRF / greedy ratio, and HDRF against
 * greedy over 8 shuffle seeds on the SNAP graphs, (3) speed on R-MAT
 * scale 20 at k = 32 as medians of 3 runs with ratios to random (and to HDRF
 * as its paper computes it, every part scored per edge), then (4) 2PS-L and
 * 2PS-HDRF against the authors' figures, HEP against NE over tau, and
 * PageRank on 4 local worker processes placed by each partitioner (bytes and
 * ms per superstep against replication factor). Writes
 * bench/results/partitioners.{json,md,svg} and partitioners-run.{json,svg}.
 *
 *   npx tsx bench/partitioners.ts [--quick] [--repeat N]
 *
 * --quick uses R-MAT scale 16 instead of 20 (a smoke run).
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { partitionGraph, partitioners, replicasByDegree } from '../partitioner/index.js';
import { median, runPartitionerBench, type BenchRecord } from '../partitioner/bench/run.js';
import { benchTable, writeBenchFiles } from '../partitioner/bench/report.js';
import { loadEdgeStream } from '../partitioner/bench/source.js';
import type { PartitionOptions } from '../partitioner/types.js';
import { datasetsDir, repoRoot } from './paths.js';
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { loadGraph } from '../core/graph/load.js';
import { getProgram } from '../vertex-programs/index.js';
import { clusterChartSvg, clusterMarkdown, runClusterBench } from '../partitioner/bench/cluster-run.js';
import { graphName } from '../partitioner/bench/source.js';
import { startLocalWorkers } from '../apps/cli/local-workers.js';
import { scanAllPartsHdrf } from './hdrf-scan.js';

const datasets = datasetsDir;
const quick = process.argv.includes('--quick');
const repeatArg = process.argv.indexOf('--repeat');
const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 3;
const rmat = quick ? 'rmat:16' : 'rmat:20';
const epinions = join(datasets, 'snap', 'soc-Epinions1.txt.gz');
const wikiVote = join(datasets, 'snap', 'wiki-Vote.txt.gz');
const ks = [4, 8, 16, 32, 64, 128];

function log(message: string): void {
  process.stderr.write(message + '\n');
}

// The SNAP graphs' streams, parsed once for the checks below.
const loaded = new Map<string, Promise<Awaited<ReturnType<typeof loadEdgeStream>>>>();
const snap = (path: string): ReturnType<typeof loadEdgeStream> => {
  if (!loaded.has(path)) loaded.set(path, loadEdgeStream(path));
  return loaded.get(path)!;
};

const records: BenchRecord[] = [];
for (const [graph, reps] of [[epinions, repeat], [wikiVote, repeat], [rmat, 1]] as const) {
  if (!graph.startsWith('rmat:') && !existsSync(graph)) {
    log(`skip: ${graph} not found (set GASWORKS_DATASETS)`);
    continue;
  }
  log(`${graph}: ${partitioners.length} partitioners x k = ${ks.join(',')} x ${reps} run(s)`);
  records.push(
    ...(await runPartitionerBench({
      graphs: [graph],
      parts: ks,
      algos: [...partitioners],
      order: 'file',
      seed: 1,
      repeat: reps,
      onRecord: (r) => log(`  ${r.algo} k=${r.k}: RF ${r.replicationFactor.toFixed(3)}, ${r.seconds.toFixed(3)} s`),
    })),
  );
}
// The same SNAP graphs on a seeded shuffled stream (R-MAT's generation order is already random).
for (const graph of [epinions, wikiVote]) {
  if (!existsSync(graph)) continue;
  log(`${graph}, shuffled: ${partitioners.length} partitioners x k = ${ks.join(',')}`);
  records.push(
    ...(await runPartitionerBench({ graphs: [graph], parts: ks, algos: [...partitioners], order: 'shuffled', seed: 1, repeat: 1 })),
  );
}
process.stdout.write(benchTable(records) + '\n');

// (1) The 2PS authors' C++ figures on soc-Epinions1 (k = 8 / 32), run on this machine. Their
// HDRF is the absolute balance term, lambda * (maxload - load(p)); the four HDRF figures are
// reproduced at lambda = 1.1, the value their README's HDRF command passes (-use_hdrf -lambda
// 1.1), and not at their flag's default of 1 (the "lambda = 1" rows, shown for that reason).
const reference: Array<{ what: string; algo: string; options: PartitionOptions; k8: number; k32: number; target: boolean }> = [
  { what: 'HDRF, file order, absolute term, lambda 1.1 (their README\'s command)', algo: 'hdrf', options: { order: 'file', balanceTerm: 'absolute', lambda: 1.1 }, k8: 2.24, k32: 3.51, target: true },
  { what: 'HDRF, shuffled, absolute term, lambda 1.1 (their README\'s command)', algo: 'hdrf', options: { order: 'shuffled', balanceTerm: 'absolute', lambda: 1.1 }, k8: 1.69, k32: 2.3, target: true },
  { what: 'DBH (full degrees), file order', algo: 'dbh', options: { order: 'file' }, k8: 1.83, k32: 2.95, target: true },
  { what: '2PS-L (their defaults: one clustering pass, balance 1.05), file order', algo: '2ps-l', options: { order: 'file' }, k8: 1.92, k32: 2.94, target: true },
  { what: '2PS-HDRF (their defaults), file order', algo: '2ps-hdrf', options: { order: 'file' }, k8: 1.6, k32: 2.17, target: true },
  { what: 'info: NE (offline) vs 2PS-HDRF', algo: 'ne', options: {}, k8: 1.6, k32: 2.17, target: false },
  { what: 'info: HDRF, file order, absolute term, lambda 1 (their flag\'s default)', algo: 'hdrf', options: { order: 'file', balanceTerm: 'absolute', lambda: 1 }, k8: 2.24, k32: 3.51, target: false },
  { what: 'info: HDRF, shuffled, absolute term, lambda 1', algo: 'hdrf', options: { order: 'shuffled', balanceTerm: 'absolute', lambda: 1 }, k8: 1.69, k32: 2.3, target: false },
  { what: 'info: HDRF, file order, gasworks default (normalized term, lambda 1)', algo: 'hdrf', options: { order: 'file' }, k8: 2.24, k32: 3.51, target: false },
  { what: 'info: HDRF, shuffled, gasworks default (normalized term, lambda 1)', algo: 'hdrf', options: { order: 'shuffled' }, k8: 1.69, k32: 2.3, target: false },
];
let referenceMd = '';
if (existsSync(epinions)) {
  const { stream } = await snap(epinions);
  const rows: string[] = [];
  for (const ref of reference) {
    for (const [k, published] of [[8, ref.k8], [32, ref.k32]] as const) {
      const ours = partitionGraph(stream, ref.algo, k, { ...ref.options, seed: 1 }).metrics.replicationFactor;
      const ratio = ours / published;
      const verdict = !ref.target
        ? 'not a like-for-like setting'
        : ref.algo === 'ne'
          ? ours <= published ? 'at or below' : 'ABOVE'
          : Math.abs(ratio - 1) <= 0.05 ? 'within 5%' : 'OFF by more than 5%';
      rows.push(`| ${ref.what} | ${k} | ${published.toFixed(2)} | ${ours.toFixed(3)} | ${ratio.toFixed(3)} | ${verdict} |`);
    }
  }
  referenceMd =
    '\n## soc-Epinions1 against the 2PS authors\' C++ figures\n\n' +
    '| what | k | 2PS authors\' code | gasworks | ratio | verdict |\n| --- | ---: | ---: | ---: | ---: | --- |\n' +
    rows.join('\n') +
    '\n';
}

// (2) The quality order the literature reports, per graph and k.
const orderRows: string[] = [];
for (const [graph, order] of [...new Set(records.map((r) => `${r.graph}\t${r.order}`))].map((s) => s.split('\t'))) {
  for (const k of ks) {
    const rf = (algo: string) =>
      records.find((r) => r.graph === graph && r.order === order && r.k === k && r.algo === algo)!.replicationFactor;
    const vertexCuts = ['random', 'grid', 'dbh', 'greedy', 'hdrf'].map(rf);
    const checks = [
      ['hdrf < greedy', rf('hdrf') < rf('greedy')],
      ['greedy < random', rf('greedy') < rf('random')],
      ['dbh < random', rf('dbh') < rf('random')],
      ['ne lowest', rf('ne') < Math.min(...vertexCuts)],
    ] as const;
    const hdrfOverGreedy = (rf('hdrf') / rf('greedy')).toFixed(3);
    orderRows.push(`| ${graph} | ${order} | ${k} | ${checks.map(([, ok]) => (ok ? 'yes' : '**no**')).join(' | ')} | ${hdrfOverGreedy} |`);
  }
}
const orderMd =
  '\n## The order the literature reports\n\n| graph | order | k | HDRF < greedy | greedy < random | DBH < random | NE lowest | HDRF / greedy |\n| --- | --- | ---: | --- | --- | --- | --- | ---: |\n' +
  orderRows.join('\n') +
  '\n';

// (2b) HDRF against greedy over shuffle seeds on the SNAP graphs: is a "no" above the shuffle's
// luck or the graph's? Means of 8 seeds, with HDRF's degrees as the paper counts them (partial)
// and as 2PS-HDRF does (exact, from a first pass), and how many seeds HDRF wins.
const SEEDS = 8;
const seedRows: string[] = [];
for (const graph of [epinions, wikiVote]) {
  if (!existsSync(graph)) continue;
  const { stream, name } = await snap(graph);
  for (const k of ks) {
    const rfs = (algo: string, options: PartitionOptions): number[] =>
      Array.from({ length: SEEDS }, (_, i) => partitionGraph(stream, algo, k, { ...options, order: 'shuffled', seed: i + 1 }).metrics.replicationFactor);
    const greedy = rfs('greedy', {});
    const partial = rfs('hdrf', {});
    const exact = rfs('hdrf', { degrees: 'exact' });
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const wins = (xs: number[]): number => xs.filter((x, i) => x < greedy[i]).length;
    seedRows.push(
      `| ${name} | ${k} | ${mean(greedy).toFixed(3)} | ${mean(partial).toFixed(3)} | ${(mean(partial) / mean(greedy)).toFixed(3)} | ${wins(partial)} / ${SEEDS} | ${mean(exact).toFixed(3)} | ${(mean(exact) / mean(greedy)).toFixed(3)} | ${wins(exact)} / ${SEEDS} |`,
    );
    log(`seeds ${name} k=${k}: greedy ${mean(greedy).toFixed(3)}, hdrf ${mean(partial).toFixed(3)} (${wins(partial)} wins), exact ${mean(exact).toFixed(3)} (${wins(exact)} wins)`);
  }
}
const seedsMd = seedRows.length === 0
  ? ''
  : `\n## HDRF against greedy over ${SEEDS} shuffle seeds (means)\n\n` +
    '| graph | k | greedy | HDRF | HDRF / greedy | HDRF wins | HDRF, exact degrees | exact / greedy | exact wins |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
    seedRows.join('\n') +
    '\n';

// (2c) Where HDRF and greedy spend their replicas, by degree class (k = 32, shuffled, 4 seeds):
// HDRF saves copies of low-degree vertices by replicating high-degree ones, so which of the two
// wins depends on how many vertices sit in each class.
const CLASS_K = 32;
const CLASS_SEEDS = 4;
const classRows: string[] = [];
for (const graph of [epinions, wikiVote]) {
  if (!existsSync(graph)) continue;
  const { stream, name } = await snap(graph);
  const sums = new Map<number, { vertices: number; greedy: number; hdrf: number }>();
  for (let seed = 1; seed <= CLASS_SEEDS; seed++) {
    for (const algo of ['greedy', 'hdrf'] as const) {
      const run = partitionGraph(stream, algo, CLASS_K, { order: 'shuffled', seed });
      for (const c of replicasByDegree(run.partition, stream.src, stream.dst)) {
        const row = sums.get(c.minDegree) ?? { vertices: c.vertices, greedy: 0, hdrf: 0 };
        row[algo] += c.replicas / CLASS_SEEDS;
        sums.set(c.minDegree, row);
      }
    }
  }
  const present = [...sums.values()].reduce((s, r) => s + r.vertices, 0);
  for (const [low, r] of [...sums.entries()].sort((a, b) => a[0] - b[0])) {
    classRows.push(
      `| ${name} | ${low}-${2 * low - 1} | ${r.vertices} | ${((100 * r.vertices) / present).toFixed(1)}% | ${(r.greedy / r.vertices).toFixed(2)} | ${(r.hdrf / r.vertices).toFixed(2)} | ${(r.hdrf - r.greedy).toFixed(0)} |`,
    );
  }
}
const classesMd = classRows.length === 0
  ? ''
  : `\n## Replicas by degree class, HDRF against greedy (k = ${CLASS_K}, shuffled, mean of ${CLASS_SEEDS} seeds)\n\n` +
    'Copies per vertex in each class, and HDRF\'s replicas minus greedy\'s (negative: HDRF saves). HDRF wins where the classes below 32 hold most vertices and loses where many vertices have degrees in the tens to hundreds.\n\n' +
    '| graph | degree | vertices | share | greedy copies | HDRF copies | HDRF - greedy replicas |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n' +
    classRows.join('\n') +
    '\n';

// (2d) File order without the balance cap: on a stream sorted by source, the normalized balance
// term at lambda = 1 never outweighs a replica (C_bal < lambda <= g), so PowerGraph's greedy and
// HDRF as published both put nearly every edge in one part; in file order the table above
// compares two runs shaped by the cap, not the algorithms the literature compares.
const uncappedRows: string[] = [];
for (const graph of [epinions, wikiVote]) {
  if (!existsSync(graph)) continue;
  const { stream, name } = await snap(graph);
  for (const algo of ['greedy', 'hdrf']) {
    const run = partitionGraph(stream, algo, CLASS_K, { order: 'file', balanceSlack: Infinity });
    const largest = Math.max(...run.metrics.edgesPerPart) / stream.count;
    uncappedRows.push(`| ${name} | ${algo} | ${run.metrics.edgeBalance.toFixed(2)} | ${(100 * largest).toFixed(1)}% | ${run.metrics.replicationFactor.toFixed(3)} |`);
  }
}
const uncappedMd = uncappedRows.length === 0
  ? ''
  : `\n## File order without the balance cap (k = ${CLASS_K}, normalized term, lambda 1)\n\n` +
    '| graph | partitioner | edge balance | largest part\'s share of edges | replication factor |\n| --- | --- | ---: | ---: | ---: |\n' +
    uncappedRows.join('\n') +
    '\n';

// (2e) HEP against NE: tau from NE-like (100) to HDRF-like (1), k = 8 / 32, file order.
const hepRows: string[] = [];
for (const graph of [epinions, wikiVote]) {
  if (!existsSync(graph)) continue;
  const { stream, name } = await snap(graph);
  for (const k of [8, 32]) {
    const ne = partitionGraph(stream, 'ne', k, { seed: 1 }).metrics;
    const hdrfRf = partitionGraph(stream, 'hdrf', k, { seed: 1 }).metrics.replicationFactor;
    for (const tau of [100, 10, 1]) {
      const hep = partitionGraph(stream, 'hep', k, { seed: 1, tau }).metrics;
      hepRows.push(`| ${name} | ${k} | ${tau} | ${hep.replicationFactor.toFixed(3)} | ${hep.edgeBalance.toFixed(3)} | ${ne.replicationFactor.toFixed(3)} | ${ne.edgeBalance.toFixed(3)} | ${(hep.replicationFactor / ne.replicationFactor).toFixed(3)} | ${hdrfRf.toFixed(3)} |`);
    }
  }
}
const hepMd = hepRows.length === 0
  ? ''
  : '\n## HEP against NE (file order)\n\nPublished (Mayer and Jacobsen, SIGMOD 2021): HEP-100 close to NE, HEP-10 about 6% above it on Wikipedia graphs.\n\n' +
    '| graph | k | tau | HEP | HEP edge bal. | NE | NE edge bal. | HEP / NE | HDRF |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
    hepRows.join('\n') +
    '\n';

// (2f) What replicas cost: PageRank on 4 local worker processes, each partitioner placing the graph.
let runMd = '';
{
  const graphs = [wikiVote, epinions].filter((g) => existsSync(g));
  if (graphs.length > 0) {
    const workers = await startLocalWorkers(4);
    try {
      const runRecords = await runClusterBench({
        graphs,
        algos: partitioners.filter((p) => p.kind === 'vertex-cut' && !p.name.startsWith('restream-')),
        workers: workers.addresses,
        program: getProgram('pagerank'),
        iterations: 10,
        repeat: 3,
        seed: 1,
        openGraph: async (spec) => ({ graph: await loadGraph(spec), name: graphName(spec) }),
        onRecord: (r) => log(`run ${r.graph} ${r.algo}: RF ${r.replicationFactor.toFixed(3)}, ${(r.bytesPerSuperstep / 1e6).toFixed(3)} MB, ${(r.secondsPerSuperstep * 1000).toFixed(2)} ms per superstep`),
      });
      runMd = clusterMarkdown(runRecords);
      await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
      await writeFileAtomic(join(repoRoot, 'bench', 'results', 'partitioners-run.svg'), await clusterChartSvg(runRecords));
      await writeFileAtomic(join(repoRoot, 'bench', 'results', 'partitioners-run.json'), JSON.stringify(runRecords, null, 2) + '\n');
    } finally {
      workers.stop();
    }
  }
}

// (3) Speed on R-MAT at k = 32: medians of 3 runs, ratio to random in the same run.
const { stream: big } = await loadEdgeStream(rmat);
const speedRows: string[] = [];
let randomRate = 0;
for (const algo of ['random', 'dbh', 'grid', 'greedy', 'hdrf', 'hdrf, O(k) scan', 'restream-hdrf', '2ps-l', '2ps-hdrf', 'hep', 'edge-cut']) {
  const seconds: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 3; r++) {
    if (algo === 'hdrf, O(k) scan') {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      scanAllPartsHdrf(big, 32);
      seconds.push((performance.now() - started) / 1000);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1e6);
      continue;
    }
    const run = partitionGraph(big, algo, 32, { seed: 1 });
    seconds.push(run.seconds);
    cpu.push(run.cpuSeconds);
  }
  const rate = big.count / median(seconds);
  const cpuRate = big.count / median(cpu);
  if (algo === 'random') randomRate = rate;
  speedRows.push(
    `| ${algo} | ${median(seconds).toFixed(3)} | ${(rate / 1e6).toFixed(1)} | ${(cpuRate / 1e6).toFixed(1)} | ${(rate / randomRate).toFixed(2)} |`,
  );
  log(`speed ${algo}: ${(rate / 1e6).toFixed(1)} M edges/s (wall), ${(cpuRate / 1e6).toFixed(1)} (CPU)`);
}
const speedMd =
  `\n## Speed on ${rmat} (${big.count.toLocaleString('en-US')} edges), k = 32, file order, median of 3, one thread\n\n` +
  `Load average when measured: ${loadavg().map((x) => x.toFixed(2)).join(', ')} on ${cpus().length} cores (a shared machine: wall-clock rates fall when others run).\n\n` +
  '| partitioner | seconds (wall) | M edges/s (wall) | M edges/s (CPU time) | wall rate / random |\n| --- | ---: | ---: | ---: | ---: |\n' +
  speedRows.join('\n') +
  '\n';

const extra = referenceMd + orderMd + seedsMd + classesMd + uncappedMd + hepMd + runMd + speedMd;
const files = await writeBenchFiles(join(repoRoot, 'bench', 'results'), records, 'partitioners', extra);
process.stdout.write(extra);
log(`wrote ${files.json}, ${files.markdown}, ${files.svg}`);
