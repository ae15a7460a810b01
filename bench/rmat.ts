/**
 * Benchmark: the R-MAT generator (core/graph/generators/rmat.ts) against its
 * first, straightforward version (test/core/graph/generators/rmat-reference.ts),
 * which it reproduces edge for edge. Median of `runs` runs per scale; writes
 * bench/results/rmat.{json,md}.
 * Usage: node --expose-gc --import tsx bench/rmat.ts [scales=18,20] [runs=3]
 */
import { rmatEdges } from '../core/graph/generators/rmat.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { referenceRmat } from '../test/core/graph/generators/rmat-reference.js';
import { median } from './stats.js';
import { resultsPath } from './paths.js';

const scales = (process.argv[2] ?? '18,20').split(',').map(Number);
const runs = Number(process.argv[3] ?? 3);
function time(fn: () => unknown): number {
  (globalThis as { gc?: () => void }).gc?.();
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

const rows: Array<{ scale: number; edges: number; referenceS: number; optimisedS: number; speedup: number }> = [];
for (const scale of scales) {
  const reference: number[] = [];
  const optimised: number[] = [];
  for (let r = 0; r < runs; r++) {
    reference.push(time(() => referenceRmat({ scale, seed: r + 1 })));
    optimised.push(time(() => rmatEdges({ scale, seed: r + 1 })));
  }
  const row = { scale, edges: 16 * 2 ** scale, referenceS: median(reference), optimisedS: median(optimised), speedup: median(reference) / median(optimised) };
  console.log(row);
  rows.push(row);
}
await writeFileAtomic(resultsPath('rmat.json'), JSON.stringify({ runs, node: process.version, rows }, null, 2) + '\n');
await writeFileAtomic(
  resultsPath('rmat.md'),
  `# R-MAT generator: optimised vs first version\n\nMedian of ${runs} runs, ${process.version}, edge factor 16.\n\n` +
    '| scale | edges | first version s | optimised s | speedup |\n| --- | --- | --- | --- | --- |\n' +
    rows.map((r) => `| ${r.scale} | ${r.edges} | ${r.referenceS.toFixed(3)} | ${r.optimisedS.toFixed(3)} | ${r.speedup.toFixed(1)}x |`).join('\n') +
    '\n',
);
