/**
 * Benchmark: loading a graph from the binary .gwg file (core/graph/binary.ts)
 * against re-parsing the same graph from a SNAP text edge list
 * (core/graph/loaders/snap.ts, parse + build), on an R-MAT graph. Both files
 * are read once before timing, so both usually come from the page cache
 * (this VM's proactive reclaim may evict them: hence medians over several
 * runs). Garbage of the previous run is collected before each run when the
 * process has --expose-gc. Writes bench/results/graph-file.{json,md}.
 * Usage: node --expose-gc --import tsx bench/graph-file.ts [scale] [runs]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGraphFile, readGraphFileSync, writeGraphFile } from '../core/graph/binary.js';
import { buildGraph } from '../core/graph/build.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import { loadEdgeList } from '../core/graph/loaders/snap.js';
import { openAtomic, writeFileAtomic } from '../core/io/atomic-write.js';
import { median } from './stats.js';
import { resultsPath } from './paths.js';

const scale = Number(process.argv[2] ?? 20);
const runs = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'gasworks-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function time(fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t = performance.now();
    await fn();
    out.push((performance.now() - t) / 1000);
  }
  return out;
}

const list = rmatEdges({ scale, seed: 1 });
const graph = buildGraph(list);
const textPath = join(dir, 'rmat.txt');
const text = await openAtomic(textPath);
const lines: string[] = [];
for (let e = 0; e < list.length; e++) {
  lines.push(`${list.src[e]}\t${list.dst[e]}`);
  if (lines.length === 1 << 16 || e === list.length - 1) {
    await text.write(lines.join('\n') + '\n');
    lines.length = 0;
  }
}
await text.commit();
const binPath = join(dir, 'rmat.gwg');
const writeTimes = await time(() => writeGraphFile(binPath, graph));
await loadEdgeList(textPath); // warm the page cache and the JIT
await readGraphFile(binPath);

const textTimes = await time(() => loadEdgeList(textPath));
const binTimes = await time(() => readGraphFile(binPath));
const binSyncTimes = await time(() => readGraphFileSync(binPath));
const result = {
  graph: `R-MAT scale ${scale} (${graph.numVertices} vertices, ${graph.numEdges} edges)`,
  runs,
  textBytes: statSync(textPath).size,
  binaryBytes: statSync(binPath).size,
  writeBinaryMedianS: median(writeTimes),
  textLoadMedianS: median(textTimes),
  binaryReadMedianS: median(binTimes),
  binaryReadSyncMedianS: median(binSyncTimes),
  speedup: median(textTimes) / median(binTimes),
  speedupSync: median(textTimes) / median(binSyncTimes),
  node: process.version,
};
console.log(result);
await writeFileAtomic(resultsPath('graph-file.json'), JSON.stringify(result, null, 2) + '\n');
await writeFileAtomic(
  resultsPath('graph-file.md'),
  `# Graph file load: binary .gwg vs text edge list\n\n${result.graph}, median of ${runs} runs, ${result.node}.\n\n` +
    `| what | bytes | median s | ratio |\n| --- | --- | --- | --- |\n` +
    `| text edge list (parse + build) | ${result.textBytes} | ${result.textLoadMedianS.toFixed(3)} | 1 |\n` +
    `| .gwg readGraphFile | ${result.binaryBytes} | ${result.binaryReadMedianS.toFixed(3)} | ${result.speedup.toFixed(1)}x faster |\n` +
    `| .gwg readGraphFileSync | ${result.binaryBytes} | ${result.binaryReadSyncMedianS.toFixed(3)} | ${result.speedupSync.toFixed(1)}x faster |\n` +
    `| .gwg writeGraphFile (fsync included) | ${result.binaryBytes} | ${result.writeBinaryMedianS.toFixed(3)} | |\n`,
);
