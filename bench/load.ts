/**
 * Benchmark: text edge-list loading. An R-MAT edge list (scale 20 by default:
 * 16M edges, tab separated) is written once to the system temp folder and
 * reused; then, in one process, each of these runs `runs` times (median
 * reported, wall and CPU seconds, since the machine is shared):
 *   (a) baseline: node:readline + line.split('\t') + Number() into an EdgeList,
 *   (b) parseEdgeList (core/graph/loaders/snap.ts): bytes -> EdgeList,
 *   (c) loadEdgeList: parse + build the CSR/CSC Graph,
 *   (d) when core/graph/binary.js exists: readGraphFile of the same graph
 *       (written once with writeGraphFile).
 * Writes bench/results/load.{json,md}.
 * Usage: node --expose-gc --import tsx bench/load.ts [scale] [runs]
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EdgeList } from '../core/graph/edge-list.js';
import type { Graph } from '../core/graph/graph.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import { loadEdgeList, parseEdgeList } from '../core/graph/loaders/snap.js';
import { openAtomic, writeFileAtomic } from '../core/io/atomic-write.js';
import { median } from './stats.js';
import { resultsPath } from './paths.js';

const scale = Number(process.argv[2] ?? 20);
const runs = Number(process.argv[3] ?? 3);
const textPath = join(tmpdir(), `gasworks-bench-rmat${scale}-seed1.txt`);
const binPath = join(tmpdir(), `gasworks-bench-rmat${scale}-seed1.gwg`);

interface Timing {
  wall: number;
  cpu: number;
}


async function measure(name: string, fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number; all: Timing[] }> {
  const all: Timing[] = [];
  for (let r = 0; r < runs; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    all.push({ wall, cpu: (c.user + c.system) / 1e6 });
    console.log(`  ${name} run ${r + 1}: ${wall.toFixed(2)} s wall, ${all[r].cpu.toFixed(2)} s CPU`);
  }
  return { wall: median(all.map((t) => t.wall)), cpu: median(all.map((t) => t.cpu)), all };
}

async function writeTextOnce(): Promise<number> {
  if (existsSync(textPath)) return -1;
  console.log(`writing ${textPath} (R-MAT scale ${scale}, seed 1)`);
  const list = rmatEdges({ scale, seed: 1 });
  const file = await openAtomic(textPath);
  await file.write(`# R-MAT scale ${scale} edge factor 16 seed 1\n`);
  const lines: string[] = [];
  for (let e = 0; e < list.length; e++) {
    lines.push(`${list.src[e]}\t${list.dst[e]}`);
    if (lines.length === 1 << 16 || e === list.length - 1) {
      await file.write(lines.join('\n') + '\n');
      lines.length = 0;
    }
  }
  await file.commit();
  return list.length;
}

/** The obvious JavaScript loader, as a baseline. */
async function readlineBaseline(path: string): Promise<EdgeList> {
  const list = new EdgeList();
  const lines = createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '' || line[0] === '#') continue;
    const parts = line.split('\t');
    list.add(Number(parts[0]), Number(parts[1]));
  }
  return list;
}

interface BinaryModule {
  writeGraphFile(path: string, graph: Graph): Promise<void>;
  readGraphFile(path: string): Promise<Graph>;
}

async function binaryModule(): Promise<BinaryModule | null> {
  try {
    return (await import(new URL('../core/graph/binary.js', import.meta.url).href)) as BinaryModule;
  } catch {
    return null;
  }
}

await writeTextOnce();
const bytes = statSync(textPath).size;
const check = await parseEdgeList(textPath); // warm the page cache and the JIT
const edges = check.length;
console.log(`${textPath}: ${(bytes / 2 ** 20).toFixed(0)} MiB, ${edges} edges, ${check.numVertices} vertices; ${runs} runs each`);

const baseline = await measure('readline baseline', () => readlineBaseline(textPath));
const parse = await measure('parseEdgeList', () => parseEdgeList(textPath));
let graph: Graph | null = null;
const load = await measure('loadEdgeList', async () => {
  graph = await loadEdgeList(textPath);
});
const binary = await binaryModule();
let binRead: Awaited<ReturnType<typeof measure>> | null = null;
if (binary && graph) {
  await binary.writeGraphFile(binPath, graph);
  await binary.readGraphFile(binPath);
  binRead = await measure('readGraphFile', () => binary.readGraphFile(binPath));
} else {
  console.log('core/graph/binary.js not found: binary load skipped');
}

const rate = (s: number): number => edges / s;
const result = {
  graph: `R-MAT scale ${scale}, edge factor 16, seed 1: ${edges} edges, ${check.numVertices} vertices with edges`,
  file: textPath,
  bytes,
  runs,
  node: process.version,
  medians: {
    baseline: { ...baseline, all: undefined, edgesPerSecond: rate(baseline.wall), edgesPerCpuSecond: rate(baseline.cpu) },
    parseEdgeList: { ...parse, all: undefined, edgesPerSecond: rate(parse.wall), edgesPerCpuSecond: rate(parse.cpu) },
    loadEdgeList: { ...load, all: undefined, edgesPerSecond: rate(load.wall), edgesPerCpuSecond: rate(load.cpu) },
    readGraphFile: binRead ? { ...binRead, all: undefined, edgesPerSecond: rate(binRead.wall), edgesPerCpuSecond: rate(binRead.cpu) } : null,
  },
  ratios: {
    parseVsBaseline: baseline.wall / parse.wall,
    loadVsBaseline: baseline.wall / load.wall,
    textLoadVsBinaryLoad: binRead ? load.wall / binRead.wall : null,
  },
  runsDetail: { baseline: baseline.all, parseEdgeList: parse.all, loadEdgeList: load.all, readGraphFile: binRead?.all ?? null },
};
console.log(JSON.stringify({ medians: result.medians, ratios: result.ratios }, null, 2));

const row = (name: string, t: { wall: number; cpu: number } | null, note: string): string =>
  t === null
    ? `| ${name} | - | - | - | ${note} |`
    : `| ${name} | ${t.wall.toFixed(2)} | ${t.cpu.toFixed(2)} | ${(rate(t.wall) / 1e6).toFixed(1)}M | ${note} |`;
const md = [
  '# Text edge-list loading',
  '',
  `${result.graph}; ${(bytes / 2 ** 20).toFixed(0)} MiB of text; median of ${runs} runs; Node ${process.version}; shared 2-core machine (CPU seconds beside wall seconds).`,
  '',
  '| what | wall s | CPU s | edges/s (wall) | vs baseline |',
  '| --- | --- | --- | --- | --- |',
  row('readline + split + Number() into EdgeList (baseline)', baseline, '1'),
  row('parseEdgeList (bytes -> EdgeList)', parse, `${result.ratios.parseVsBaseline.toFixed(1)}x faster`),
  row('loadEdgeList (parse + build CSR/CSC)', load, `${result.ratios.loadVsBaseline.toFixed(1)}x faster`),
  row('readGraphFile (binary .gwg)', binRead, binRead ? `text load / binary load = ${result.ratios.textLoadVsBinaryLoad!.toFixed(1)}` : 'core/graph/binary.js absent'),
  '',
  'Command: `node --expose-gc --import tsx bench/load.ts ' + `${scale} ${runs}\``,
  '',
].join('\n');
await writeFileAtomic(resultsPath('load.json'), JSON.stringify(result, null, 2) + '\n');
await writeFileAtomic(resultsPath('load.md'), md);
console.log(`wrote ${resultsPath('load.json')} and ${resultsPath('load.md')}`);
