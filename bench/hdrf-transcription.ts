/**
 * Is HDRF's loss to greedy on wiki-Vote (k = 16-64) ours or the algorithm's?
 * This runs both as the HDRF authors' Java code (VGP's HDRF and Greedy
 * strategies) computes them, transcribed as a plain scan of all k parts per
 * edge: scores g(u) + g(v) + lambda (max - load) / (1 + max - min), ties
 * drawn at random among the best parts (seeded here), partial degrees
 * counted with the edge; the one addition is gasworks' 5% balance cap
 * (parts at it are skipped), which a shuffled stream never reaches. It prints
 * the means over shuffle seeds beside gasworks' own greedy and HDRF (lowest
 * index on ties), and the ratios. Slow (k work per edge): a check, not a
 * partitioner.
 *
 *   node dist/bench/hdrf-transcription.js [GRAPH] [K,K,...] [SEEDS]
 *
 * GRAPH defaults to ../shared/datasets/snap/wiki-Vote.txt.gz, K to 8,16,32,64,128, SEEDS to 8.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { partitionGraph } from '../partitioner/index.js';
import { loadEdgeStream } from '../partitioner/bench/source.js';
import { shuffledOrder } from '../partitioner/stream.js';
import type { EdgeStream } from '../partitioner/types.js';
import { datasetsDir } from './paths.js';

const graph = process.argv[2] ?? join(datasetsDir, 'snap', 'wiki-Vote.txt.gz');
const ks = (process.argv[3] ?? '8,16,32,64,128').split(',').map(Number);
const seeds = Number(process.argv[4] ?? 8);

/** Replication factor of VGP's scan (degreeWeighted: HDRF, else Greedy) on the seeded shuffle. */
function transcribed(stream: EdgeStream, k: number, seed: number, degreeWeighted: boolean): number {
  const { src, dst, count: m, numVertices: n } = stream;
  const held = new Uint8Array(n * k);
  const degree = new Uint32Array(n);
  const loads = new Float64Array(k);
  const capacity = Math.ceil((1.05 * m) / k);
  const order = shuffledOrder(m, seed);
  const ties = new Int32Array(k);
  let state = (seed * 0x9e3779b1) >>> 0 || 1;
  let maxLoad = 0;
  for (let i = 0; i < m; i++) {
    const e = order[i];
    const u = src[e];
    const v = dst[e];
    const du = ++degree[u];
    const dv = ++degree[v];
    let minLoad = Infinity;
    for (let p = 0; p < k; p++) if (loads[p] < minLoad) minLoad = loads[p];
    let best = -Infinity;
    let tied = 0;
    for (let p = 0; p < k; p++) {
      if (loads[p] >= capacity) continue;
      let score = (maxLoad - loads[p]) / (1 + maxLoad - minLoad);
      if (held[u * k + p]) score += degreeWeighted ? 1 + (1 - du / (du + dv)) : 1;
      if (held[v * k + p]) score += degreeWeighted ? 1 + (1 - dv / (du + dv)) : 1;
      if (score > best) {
        best = score;
        tied = 0;
      }
      if (score === best) ties[tied++] = p;
    }
    // xorshift32: the authors draw with java.util.Random; any uniform draw will do.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const p = ties[state % tied];
    held[u * k + p] = 1;
    held[v * k + p] = 1;
    if (++loads[p] > maxLoad) maxLoad = loads[p];
  }
  let replicas = 0;
  let present = 0;
  for (let x = 0; x < n; x++) {
    let copies = 0;
    for (let p = 0; p < k; p++) copies += held[x * k + p];
    replicas += copies;
    if (copies > 0) present++;
  }
  return replicas / present;
}

if (!existsSync(graph)) {
  process.stderr.write(`skip: ${graph} not found (set GASWORKS_DATASETS)\n`);
} else {
  const { stream, name } = await loadEdgeStream(graph);
  const mean = (f: (seed: number) => number): number => {
    let sum = 0;
    for (let s = 1; s <= seeds; s++) sum += f(s);
    return sum / seeds;
  };
  const rows: string[] = [];
  for (const k of ks) {
    const vgpGreedy = mean((s) => transcribed(stream, k, s, false));
    const vgpHdrf = mean((s) => transcribed(stream, k, s, true));
    const ours = (algo: string): number => mean((s) => partitionGraph(stream, algo, k, { order: 'shuffled', seed: s }).metrics.replicationFactor);
    const greedy = ours('greedy');
    const hdrf = ours('hdrf');
    rows.push(
      `| ${k} | ${vgpGreedy.toFixed(3)} | ${vgpHdrf.toFixed(3)} | ${(vgpHdrf / vgpGreedy).toFixed(3)} | ${greedy.toFixed(3)} | ${hdrf.toFixed(3)} | ${(hdrf / greedy).toFixed(3)} |`,
    );
    process.stderr.write(`k=${k} done\n`);
  }
  process.stdout.write(
    `${name}, shuffled, mean of ${seeds} seeds: the authors' scan (random ties) against gasworks (lowest index)\n\n` +
      '| k | scan greedy | scan HDRF | HDRF / greedy | gasworks greedy | gasworks HDRF | HDRF / greedy |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
      rows.join('\n') +
      '\n',
  );
}
