/**
 * Benchmark: buildGraph (core/graph/build.ts, two-level radix sorts) against
 * its previous version (bench/build-reference.ts, one-level counting sorts) on
 * R-MAT graphs. Every measurement runs in a child process of its own, so that
 * its peak RSS (process.resourceUsage().maxRSS) belongs to it alone: the child
 * generates the edge list, records its RSS, builds, and reports build seconds
 * and peak RSS. Medians of `runs` runs at the small scales, one run at the
 * largest; old and new alternate so that load from other processes on the
 * machine falls on both. A check child also builds one graph both ways and
 * compares every array. Writes bench/results/build.{json,md} (build-<options>.*
 * for other options).
 * Usage: node --import tsx bench/build.ts [scales=20,22] [runs=3] [options=default]
 * where options is one of default, undirected-dedupe, weighted.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildGraph, type BuildOptions } from '../core/graph/build.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import type { Graph } from '../core/graph/graph.js';
import { writeFileAtomic } from '../core/io/atomic-write.js';
import { referenceBuildGraph } from './build-reference.js';
import { median } from './stats.js';
import { resultsPath } from './paths.js';

const VARIANTS: Record<string, { build: BuildOptions; maxWeight?: number }> = {
  default: { build: {} },
  'undirected-dedupe': { build: { undirected: true, duplicates: 'drop', selfLoops: 'drop' } },
  weighted: { build: {}, maxWeight: 100 },
};
const implementations = { reference: referenceBuildGraph, radix: buildGraph };
type Implementation = keyof typeof implementations;

interface Measurement {
  seconds: number;
  /** User + system CPU seconds of the build: less disturbed by other load than wall seconds. */
  cpuSeconds: number;
  /** Peak RSS of the whole child, MiB. */
  peakMiB: number;
  /** Peak RSS once the edge list was generated, before the build, MiB. */
  beforeBuildMiB: number;
  edges: number;
}

const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

function child(implementation: Implementation, scale: number, variant: string): void {
  const spec = VARIANTS[variant];
  const list = rmatEdges({ scale, seed: 1, maxWeight: spec.maxWeight });
  const beforeBuildMiB = maxRssMiB();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const g = implementations[implementation](list, spec.build);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const result: Measurement = { seconds, cpuSeconds: (used.user + used.system) / 1e6, peakMiB: maxRssMiB(), beforeBuildMiB, edges: g.numEdges };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function sameArrays(a: Graph, b: Graph): string | null {
  const names = ['outOffsets', 'outTargets', 'inOffsets', 'inSources', 'inEdgeIds', 'weights'] as const;
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (x === null || y === null) {
      if (x !== y) return `${name}: one is null`;
      continue;
    }
    if (x.length !== y.length) return `${name}: length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `${name}[${i}]: ${x[i]} vs ${y[i]}`;
  }
  return null;
}

function check(scale: number, variant: string): void {
  const spec = VARIANTS[variant];
  const list = rmatEdges({ scale, seed: 2, maxWeight: spec.maxWeight });
  const difference = sameArrays(referenceBuildGraph(list, spec.build), buildGraph(list, spec.build));
  process.stdout.write(JSON.stringify({ identical: difference === null, difference }) + '\n');
}

function spawnChild(args: string[]): unknown {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, [...process.execArgv, self, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`bench/build: child ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}


async function main(): Promise<void> {
  const scales = (process.argv[2] ?? '20,22').split(',').map(Number);
  const runs = Number(process.argv[3] ?? 3);
  const variant = process.argv[4] ?? 'default';
  if (!VARIANTS[variant]) throw new Error(`bench/build: options must be one of ${Object.keys(VARIANTS).join(', ')}, got ${variant}`);
  const largest = Math.max(...scales);
  const checkScale = Math.min(...scales, 20);
  const checked = spawnChild(['--check', String(checkScale), variant]) as { identical: boolean; difference: string | null };
  console.log(`check at scale ${checkScale}:`, checked);

  const rows = [];
  for (const scale of scales) {
    const count = scale === largest && scales.length > 1 ? 1 : runs;
    const got: Record<Implementation, Measurement[]> = { reference: [], radix: [] };
    for (let r = 0; r < count; r++) {
      for (const implementation of ['reference', 'radix'] as const) {
        const m = spawnChild(['--child', implementation, String(scale), variant]) as Measurement;
        console.log(scale, implementation, m);
        got[implementation].push(m);
      }
    }
    const summary = (ms: Measurement[]) => ({
      seconds: median(ms.map((m) => m.seconds)),
      cpuSeconds: median(ms.map((m) => m.cpuSeconds)),
      peakMiB: median(ms.map((m) => m.peakMiB)),
      beforeBuildMiB: median(ms.map((m) => m.beforeBuildMiB)),
      all: ms.map((m) => m.seconds),
    });
    const reference = summary(got.reference);
    const radix = summary(got.radix);
    const row = {
      scale,
      edges: got.radix[0].edges,
      runs: count,
      reference,
      radix,
      speedup: reference.seconds / radix.seconds,
      cpuSpeedup: reference.cpuSeconds / radix.cpuSeconds,
      peakRatio: radix.peakMiB / reference.peakMiB,
    };
    console.log(`scale ${scale}: ${reference.seconds.toFixed(2)} s -> ${radix.seconds.toFixed(2)} s (${row.speedup.toFixed(1)}x; CPU ${reference.cpuSeconds.toFixed(2)} -> ${radix.cpuSeconds.toFixed(2)} s, ${row.cpuSpeedup.toFixed(1)}x), peak RSS ${reference.peakMiB.toFixed(0)} -> ${radix.peakMiB.toFixed(0)} MiB`);
    rows.push(row);
  }
  const base = resultsPath(variant === 'default' ? 'build' : `build-${variant}`);
  const meta = { node: process.version, variant, options: VARIANTS[variant], check: { scale: checkScale, ...checked } };
  await writeFileAtomic(`${base}.json`, JSON.stringify({ ...meta, rows }, null, 2) + '\n');
  await writeFileAtomic(
    `${base}.md`,
    `# buildGraph: two-level radix sorts vs one-level counting sorts\n\n` +
      `R-MAT (edge factor 16, seed 1), options \`${variant}\` ${JSON.stringify(VARIANTS[variant])}, ${process.version}; ` +
      `each run in its own child process. Outputs identical at scale ${checkScale}: ${checked.identical}.\n` +
      `Peak RSS is the child's whole peak; "before" is its peak once the edge list was generated.\n\n` +
      '| scale | edges | runs | reference s | radix s | speedup | reference CPU s | radix CPU s | CPU speedup | reference peak MiB | radix peak MiB | before build MiB |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
      rows
        .map(
          (r) =>
            `| ${r.scale} | ${r.edges} | ${r.runs} | ${r.reference.seconds.toFixed(2)} | ${r.radix.seconds.toFixed(2)} | ${r.speedup.toFixed(1)}x | ` +
            `${r.reference.cpuSeconds.toFixed(2)} | ${r.radix.cpuSeconds.toFixed(2)} | ${r.cpuSpeedup.toFixed(1)}x | ` +
            `${r.reference.peakMiB.toFixed(0)} | ${r.radix.peakMiB.toFixed(0)} | ${r.radix.beforeBuildMiB.toFixed(0)} |`,
        )
        .join('\n') +
      '\n',
  );
}

if (process.argv[2] === '--child') child(process.argv[3] as Implementation, Number(process.argv[4]), process.argv[5]);
else if (process.argv[2] === '--check') check(Number(process.argv[3]), process.argv[4]);
else await main();
