/**
 * Benchmark: bundled programs run three times in one process, as a server or a
 * test suite runs them, to show whether later runs keep the first run's speed
 * (V8 stops specialising a closure created more than once; see README, "Write
 * your own vertex program"). Programs: triangle-count on R-MAT made undirected,
 * and the recommender's ALS and SGD on planted ratings; and the JIT warm-up
 * a run pays: PageRank's first superstep against its later ones on
 * soc-Epinions1 (skipped with a message when absent). Writes
 * bench/results/programs.{json,md}.
 *
 * Usage: node --expose-gc dist/bench/programs.js [scale=17] [users=100000]
 */
import { existsSync } from 'node:fs';
import { closeWorkers, runProgram } from '../core/engine/index.js';
import { buildGraph } from '../core/graph/build.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import { ratingsToGraph } from '../core/graph/loaders/movielens.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import type { VertexProgram } from '../core/program.js';
import triangleCount from '../vertex-programs/triangle-count.js';
import als from '../apps/recommender/als.js';
import sgdMf from '../apps/recommender/sgd.js';
import { plantedRatings } from '../apps/recommender/source.js';
import { loadGraph } from '../core/graph/load.js';
import pagerank from '../vertex-programs/pagerank.js';
import { datasetsDir, resultsPath } from './paths.js';
import { median } from './stats.js';

const EPINIONS = `${datasetsDir}/snap/soc-Epinions1.txt.gz`;

const RUNS = 3;

async function main(): Promise<void> {
  const scale = Number(process.argv[2] ?? 17);
  const users = Number(process.argv[3] ?? 100000);
  const rmat = buildGraph(rmatEdges({ scale, seed: 1 }), { undirected: true, duplicates: 'drop', selfLoops: 'drop' });
  const ratings = ratingsToGraph(plantedRatings(users, users / 5, 10, 1));
  const cases: Array<{ name: string; program: VertexProgram; graph: typeof rmat; maxIterations: number }> = [
    { name: `triangle-count, R-MAT ${scale} undirected`, program: triangleCount as unknown as VertexProgram, graph: rmat, maxIterations: 1 },
    { name: `als (2 iterations), ${users} planted users`, program: als as unknown as VertexProgram, graph: ratings, maxIterations: 4 },
    { name: `sgd-mf (5 epochs), ${users} planted users`, program: sgdMf as unknown as VertexProgram, graph: ratings, maxIterations: 5 },
  ];
  const rows: Array<{ name: string; seconds: number[] }> = [];
  for (const c of cases) {
    const seconds: number[] = [];
    for (let r = 0; r < RUNS; r++) seconds.push((await runProgram(c.program, c.graph, { workers: 1, maxIterations: c.maxIterations })).computeSeconds);
    rows.push({ name: c.name, seconds });
    console.log(`  ${c.name}: ${seconds.map((s) => s.toFixed(3)).join(' / ')} s`);
  }
  // JIT warm-up: PageRank on soc-Epinions1, time of each superstep (between progress reports).
  const warmup: Array<{ workers: number; first: number; rest: number }> = [];
  if (existsSync(EPINIONS)) {
    const epinions = await loadGraph(EPINIONS);
    for (const workers of [1, 2]) {
      await runProgram(pagerank, epinions, { workers, maxIterations: 20 });
      const steps: number[] = [];
      let last = 0;
      const t = await runProgram(pagerank, epinions, {
        workers,
        maxIterations: 20,
        onProgress: () => {
          const now = performance.now();
          if (last > 0) steps.push(now - last);
          last = now;
        },
      });
      // The first report ends superstep 1; compute time minus the later supersteps is superstep 1.
      const later = steps.reduce((a, b) => a + b, 0);
      warmup.push({ workers, first: t.computeSeconds * 1000 - later, rest: median(steps) });
      console.log(`  pagerank soc-Epinions1 x${workers}: superstep 1 ${warmup.at(-1)!.first.toFixed(1)} ms, later median ${warmup.at(-1)!.rest.toFixed(2)} ms`);
    }
  } else {
    console.log(`bench/programs: skip the warm-up figures: ${EPINIONS} not found`);
  }
  await closeWorkers();
  const md = [
    '# Bundled programs, three runs in one process (1 worker, compute seconds)',
    '',
    '| program | run 1 | run 2 | run 3 |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${r.seconds.map((s) => s.toFixed(3)).join(' | ')} |`),
    '',
    ...(warmup.length
      ? [
          '## JIT warm-up: PageRank on soc-Epinions1 (second run in the process), milliseconds',
          '',
          '| workers | superstep 1 | later supersteps (median) |',
          '| ---: | ---: | ---: |',
          ...warmup.map((w) => `| ${w.workers} | ${w.first.toFixed(1)} | ${w.rest.toFixed(2)} |`),
          '',
        ]
      : []),
  ].join('\n');
  await writeFileAtomic(resultsPath('programs.json'), JSON.stringify({ runs: RUNS, rows, warmup }, null, 2) + '\n');
  await writeFileAtomic(resultsPath('programs.md'), md);
  console.log(md);
}

await main();
