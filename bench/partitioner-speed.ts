/**
 * Benchmark: the partitioner speed and balance clauses of issue 13 alone (the
 * full partitioner bench takes many minutes): random and DBH edges/s at k = 32
 * on R-MAT 20 (targets 20M edges/s each; HDRF and greedy at 5.8M as the 2PS
 * authors' C++ HDRF), medians of `runs` alternating runs, wall and CPU time;
 * then NE's edge balance and replication factor against the others' on a SNAP
 * graph at k = 32 (skipped, saying so, when ../shared/datasets has none).
 *
 * Usage: node dist/bench/partitioner-speed.js [rmat=rmat:20] [runs=3] [algos=random,dbh,greedy,hdrf]
 *        [snap=soc-Epinions1.txt.gz]
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { partitionGraph } from '../partitioner/index.js';
import { loadEdgeStream } from '../partitioner/bench/source.js';
import { datasetsDir } from './paths.js';
import { median } from './stats.js';

const arg = (name: string, fallback: string): string => process.argv.slice(2).find((a) => a.startsWith(name + '='))?.slice(name.length + 1) ?? fallback;
const spec = arg('rmat', 'rmat:20');
const runs = Number(arg('runs', '3'));
const algos = arg('algos', 'random,dbh,greedy,hdrf').split(',');
const snapFile = join(datasetsDir, 'snap', arg('snap', 'soc-Epinions1.txt.gz'));
const k = 32;
const log = (m: string): void => void process.stderr.write(m + '\n');

const { stream } = await loadEdgeStream(spec);
log(`partitioner-speed: ${spec}, ${stream.count} edges, k = ${k}, load average ${loadavg()[0].toFixed(2)}`);
const wall = new Map<string, number[]>(algos.map((a) => [a, []]));
const cpu = new Map<string, number[]>(algos.map((a) => [a, []]));
for (let r = -1; r < runs; r++) {
  for (const algo of algos) {
    const run = partitionGraph(stream, algo, k, { seed: 1 });
    if (r < 0) continue; // warm-up
    wall.get(algo)!.push(run.seconds);
    cpu.get(algo)!.push(run.cpuSeconds);
  }
}
const rows = ['| partitioner | M edges/s (wall) | M edges/s (CPU) | runs (s, wall) |', '| --- | ---: | ---: | --- |'];
for (const algo of algos) {
  const w = stream.count / median(wall.get(algo)!) / 1e6;
  const c = stream.count / median(cpu.get(algo)!) / 1e6;
  rows.push(`| ${algo} | ${w.toFixed(1)} | ${c.toFixed(1)} | ${wall.get(algo)!.map((s) => s.toFixed(3)).join(' ')} |`);
}
process.stdout.write(`## Speed, ${spec} (${stream.count} edges), k = ${k}, medians of ${runs}, alternating\n\n${rows.join('\n')}\n`);

if (!existsSync(snapFile)) {
  log(`partitioner-speed: ${snapFile} not found; the NE balance check is skipped`);
} else {
  const { stream: snap } = await loadEdgeStream(snapFile);
  const quality = ['| partitioner | replication factor | edge balance (max / mean) |', '| --- | ---: | ---: |'];
  for (const algo of ['random', 'dbh', 'greedy', 'hdrf', 'ne']) {
    const run = partitionGraph(snap, algo, k, { seed: 1 });
    quality.push(`| ${algo} | ${run.metrics.replicationFactor.toFixed(3)} | ${run.metrics.edgeBalance.toFixed(3)} |`);
  }
  process.stdout.write(`\n## Quality, ${snapFile.split('/').pop()} (${snap.count} edges), k = ${k}\n\n${quality.join('\n')}\n`);
}
