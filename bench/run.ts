/**
 * `npm run bench [-- NAME...]`: run the benchmarks one after another, each in
 * its own process (so one's memory and JIT state do not colour the next), and
 * list the result files they wrote under bench/results/. Names are the bench/
 * modules: load, build, graph-file, rmat, engine, async, frontier, partitioners, hdrf-transcription, recommender, kernels, sgd, programs, cluster, native-peers (default: all).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ALL = ['load', 'build', 'graph-file', 'rmat', 'engine', 'async', 'frontier', 'partitioners', 'hdrf-transcription', 'recommender', 'kernels', 'sgd', 'programs', 'cluster', 'native-peers'];
const here = fileURLToPath(new URL('.', import.meta.url));
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const names = process.argv.slice(2).length ? process.argv.slice(2) : ALL;

let failed = 0;
for (const name of names) {
  const file = `${here}${name}${ext}`;
  if (!existsSync(file)) {
    console.error(`bench: no benchmark "${name}" (expected ${file}); known: ${ALL.join(', ')}`);
    failed++;
    continue;
  }
  console.log(`\n=== bench/${name} ===`);
  const args = ext === '.ts' ? ['--import', 'tsx', file] : [file];
  const r = spawnSync(process.execPath, ['--expose-gc', ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
const results = fileURLToPath(new URL(ext === '.ts' ? './results/' : '../../bench/results/', import.meta.url));
if (existsSync(results)) console.log(`\nresults in ${results}: ${readdirSync(results).join(', ')}`);
process.exitCode = failed ? 1 : 0;
