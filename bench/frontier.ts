/**
 * Benchmark: the synchronous engine's sparse frontier. Signalled programs
 * (BFS, SSSP, connected components on R-MAT, PageRank-delta, k-core) with
 * `frontier: 'dense'` (every superstep scans every vertex's flag) against
 * 'auto' (a list of the active vertices when they are at most n / 20), on a
 * 2-D grid (diameter 2 x side: thousands of supersteps with a thin frontier,
 * as on road networks) and on R-MAT (a few supersteps, most vertices active
 * in the middle ones), 1 and 2 threads; medians of `runs` after a warm-up.
 * The baseline for BFS is a hand-written serial queue BFS over the same CSR.
 * Writes bench/results/frontier.{json,md}.
 *
 * Usage: node --expose-gc dist/bench/frontier.js [side=1000] [rmatScale=18] [runs=3]
 */
import { buildGraph } from '../core/graph/build.js';
import type { Graph } from '../core/graph/graph.js';
import { grid2d } from '../core/graph/generators/grid.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { closeWorkers, runProgram } from '../core/engine/index.js';
import { programs } from '../vertex-programs/index.js';
import { resultsPath } from './paths.js';
import { timeRuns } from './stats.js';

const side = Number(process.argv[2] ?? 1000);
const scale = Number(process.argv[3] ?? 18);
const runs = Number(process.argv[4] ?? 3);

/** Serial BFS levels with a queue: the hand-written baseline. */
function serialBfs(graph: Graph, source: number): Int32Array {
  const level = new Int32Array(graph.numVertices).fill(-1);
  const queue = new Uint32Array(graph.numVertices);
  let head = 0;
  let tail = 0;
  level[source] = 0;
  queue[tail++] = source;
  const { outOffsets, outTargets } = graph;
  while (head < tail) {
    const v = queue[head++];
    for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) {
      const u = outTargets[e];
      if (level[u] < 0) {
        level[u] = level[v] + 1;
        queue[tail++] = u;
      }
    }
  }
  return level;
}

interface Row {
  graph: string;
  program: string;
  workers: number;
  supersteps: number;
  dense: number;
  auto: number;
}
const rows: Row[] = [];
const baselines: string[] = [];
const log = (m: string): void => void process.stderr.write(m + '\n');

const graphs: Array<[string, Graph]> = [
  [`grid ${side} x ${side}`, buildGraph(grid2d({ rows: side, cols: side }), { undirected: true })],
  [`R-MAT ${scale}, undirected`, buildGraph(rmatEdges({ scale, edgeFactor: 16, seed: 1 }), { undirected: true })],
];
for (const [name, graph] of graphs) {
  const bfsSeconds = await timeRuns(runs, () => {
    const t = performance.now();
    serialBfs(graph, 0);
    return (performance.now() - t) / 1000;
  });
  baselines.push(`| ${name} | ${graph.numVertices.toLocaleString('en-US')} | ${graph.numEdges.toLocaleString('en-US')} | ${(bfsSeconds * 1000).toFixed(1)} |`);
  log(`${name}: serial queue BFS ${(bfsSeconds * 1000).toFixed(1)} ms`);
  // Min-label components on a grid keep nearly every vertex active for all 2 x side supersteps
  // (labels fall by one hop a superstep): no frontier helps, and it takes a minute; R-MAT only.
  const names = name.startsWith('grid') ? ['bfs', 'sssp', 'pagerank-delta', 'kcore'] : ['bfs', 'sssp', 'connected-components', 'pagerank-delta', 'kcore'];
  for (const program of names) {
    for (const workers of [1, 2]) {
      let supersteps = 0;
      const time = (frontier: 'dense' | 'auto') => async (): Promise<number> => {
        const run = await runProgram(programs[program], graph, { workers, frontier });
        supersteps = run.iterations;
        return run.computeSeconds;
      };
      const dense = await timeRuns(runs, time('dense'));
      const auto = await timeRuns(runs, time('auto'));
      rows.push({ graph: name, program, workers, supersteps, dense, auto });
      log(`${name} ${program} ${workers}w: ${supersteps} supersteps, dense ${dense.toFixed(3)} s, auto ${auto.toFixed(3)} s (${(dense / auto).toFixed(1)}x)`);
    }
  }
}
await closeWorkers();

const table =
  '| graph | program | threads | supersteps | dense (s) | auto (s) | dense / auto |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n' +
  rows.map((r) => `| ${r.graph} | ${r.program} | ${r.workers} | ${r.supersteps} | ${r.dense.toFixed(3)} | ${r.auto.toFixed(3)} | ${(r.dense / r.auto).toFixed(2)} |`).join('\n') +
  '\n\nSerial queue BFS (the hand-written baseline):\n\n| graph | vertices | edges (stored) | ms |\n| --- | ---: | ---: | ---: |\n' +
  baselines.join('\n') +
  '\n';
process.stdout.write(table);
await writeFileAtomic(resultsPath('frontier.json'), JSON.stringify({ side, scale, runs, rows }, null, 2) + '\n');
await writeFileAtomic(resultsPath('frontier.md'), `# Sparse frontier\n\n\`node --expose-gc dist/bench/frontier.js ${side} ${scale} ${runs}\`\n\n${table}`);
