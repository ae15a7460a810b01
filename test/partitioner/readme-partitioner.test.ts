/**
 * The README's "Write your own partitioner" must stay true: its two modules
 * (the score rule, then the whole-graph function) are written into the
 * package (so `gasworks/partitioner` resolves by self-reference), run through
 * the real command line by `bench partitioners --algos hdrf,./low-end.ts` and
 * by `run --cluster ... --partitioner ./low-end.ts` on two worker processes,
 * and the score rule's partition is checked edge by edge against a
 * transcription written here: a scan of all k parts with the README's
 * formula, sharing no code with the scan it checks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { repoRoot, tempDir } from '../helpers.js';
import { gasworks, gasworksInBackground } from '../apps/cli/cli-runner.js';
import { workerAddress } from '../../core/cluster/worker-process.js';
import { loadPartitioner, partitionGraph, streamFromEdgeList } from '../../partitioner/index.js';
import { parseEdgeList } from '../../core/graph/loaders/snap.js';
import { loadGraph } from '../../core/graph/load.js';
import { UsageError } from '../../core/errors.js';
import type { EdgeStream } from '../../partitioner/types.js';
import { verifyPartition } from './verify.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Write your own partitioner'));
const [scoreRule, offline] = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

const moduleDir = join(repoRoot, 'dist', 'readme-partitioner');
mkdirSync(moduleDir, { recursive: true });
process.on('exit', () => rmSync(moduleDir, { recursive: true, force: true }));
const lowEnd = join(moduleDir, 'low-end.ts');
const bySource = join(moduleDir, 'by-source.ts');
writeFileSync(lowEnd, scoreRule);
writeFileSync(bySource, offline);

// A skewed graph with file ids: a few hubs, many leaves.
const data = tempDir();
const graphFile = join(data, 'g.txt');
let seed = 99;
const draw = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const lines: string[] = [];
for (let i = 0; i < 1500; i++) lines.push(`${Math.floor(draw() * draw() * 400) + 5} ${Math.floor(draw() * 400) + 5}`);
writeFileSync(graphFile, lines.join('\n') + '\n');

/** The README's rule as a plain scan of every part: highest score below the cap, ties to the lowest part. */
function transcription(stream: EdgeStream, k: number, slack: number): number[] {
  const m = stream.count;
  const degree = new Map<number, number>();
  for (let e = 0; e < m; e++) {
    degree.set(stream.src[e], (degree.get(stream.src[e]) ?? 0) + 1);
    degree.set(stream.dst[e], (degree.get(stream.dst[e]) ?? 0) + 1);
  }
  const holds = new Map<number, Set<number>>();
  const loads = new Array<number>(k).fill(0);
  const cap = Math.max(1, Math.ceil(((1 + slack) * m) / k));
  const parts: number[] = [];
  for (let e = 0; e < m; e++) {
    const u = stream.src[e];
    const v = stream.dst[e];
    const du = degree.get(u)!;
    const dv = degree.get(v)!;
    const minLoad = Math.min(...loads);
    const maxLoad = Math.max(...loads);
    let best = -1;
    let bestScore = -Infinity;
    for (let p = 0; p < k; p++) {
      if (loads[p] >= cap) continue;
      let score = 0;
      if (holds.get(u)?.has(p)) score += 1 + (dv / (du + dv)) ** 2;
      if (holds.get(v)?.has(p)) score += 1 + (du / (du + dv)) ** 2;
      score += (maxLoad - loads[p]) / (1 + maxLoad - minLoad);
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    parts.push(best);
    loads[best]++;
    for (const x of [u, v]) {
      if (!holds.has(x)) holds.set(x, new Set());
      holds.get(x)!.add(best);
    }
  }
  return parts;
}

test('the score rule is under 40 lines and equals a full scan of k parts with its formula', async () => {
  assert.ok(scoreRule && offline, 'two ts blocks in the section');
  assert.ok(scoreRule.trim().split('\n').length < 40, 'example under 40 lines');
  const partitioner = await loadPartitioner(lowEnd);
  assert.is(partitioner.name, 'low-end');
  const stream = streamFromEdgeList(await parseEdgeList(graphFile, { weighted: false }));
  for (const k of [3, 8, 40]) {
    const run = partitionGraph(stream, partitioner, k, { seed: 1 });
    verifyPartition(stream, run.partition);
    assert.equal(Array.from(run.partition.parts), transcription(stream, k, 0.05), `k = ${k}`);
  }
});

test('bench partitioners --algos hdrf,./low-end.ts,./by-source.ts reports each, the figures of the library', async () => {
  const out = tempDir();
  const r = gasworks(['bench', 'partitioners', '--graph', graphFile, '--parts', '4,16', '--algos', `hdrf,${lowEnd},${bySource}`, '--json', '-q', '--out', out]);
  assert.is(r.status, 0, r.stderr);
  const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { algo: string; k: number; replicationFactor: number; edgeBalance: number });
  assert.equal(records.map((x) => `${x.algo}@${x.k}`), ['hdrf@4', 'low-end@4', 'by-source@4', 'hdrf@16', 'low-end@16', 'by-source@16']);
  const stream = streamFromEdgeList(await parseEdgeList(graphFile, { weighted: false }));
  for (const record of records.filter((x) => x.algo !== 'hdrf')) {
    const run = partitionGraph(stream, await loadPartitioner(record.algo === 'low-end' ? lowEnd : bySource), record.k, { seed: 1 });
    assert.is(record.replicationFactor, run.metrics.replicationFactor, `${record.algo} k = ${record.k}`);
  }
  // by-source: edges by source id mod k, so each dense source keeps one part.
  const bySourceRun = partitionGraph(stream, await loadPartitioner(bySource), 4, {});
  for (let e = 0; e < stream.count; e++) assert.is(bySourceRun.partition.parts[e], stream.src[e] % 4);
});

test("a module that is missing, broken or exports no partitioner is one line naming it", async () => {
  const broken = join(data, 'broken.ts');
  writeFileSync(broken, 'export default {');
  const empty = join(data, 'empty.mjs');
  writeFileSync(empty, 'export const x = 1;\n');
  for (const [spec, message] of [
    ['./nowhere/my-cut.ts', /bench partitioners: partitioner module \.\/nowhere\/my-cut\.ts not found/],
    [broken, /could not load partitioner module .*broken\.ts/],
    [empty, /exports no partitioner/],
  ] as const) {
    const r = gasworks(['bench', 'partitioners', '--graph', graphFile, '--parts', '4', '--algos', `hdrf,${spec}`, '-q', '--out', data]);
    assert.is(r.status, 1, spec);
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const { defineOfflinePartitioner } = await import('../../partitioner/define.js');
  const outOfRange = defineOfflinePartitioner({ name: 'oops', assign: (s) => new Array(s.count).fill(9) });
  const stream = streamFromEdgeList(await parseEdgeList(graphFile, { weighted: false }));
  assert.throws(() => partitionGraph(stream, outOfRange, 4), (e: Error) => e instanceof UsageError && /oops: edge 0 was given part 9; parts must be integers in 0\.\.3/.test(e.message));
});

test('run --cluster --partitioner ./low-end.ts places the graph with it on two workers; PageRank as on one machine', async () => {
  const workers: ChildProcess[] = [];
  try {
    const start = (): Promise<string> => {
      const child = gasworksInBackground(['worker', '--listen', '127.0.0.1:0', '--threads', '1'], { GASWORKS_TOKEN_FILE: undefined });
      workers.push(child);
      return workerAddress(child);
    };
    const cluster = (await Promise.all([start(), start()])).join(',');
    const here = join(data, 'pr-1.tsv');
    const there = join(data, 'pr-cluster.tsv');
    assert.is(gasworks(['run', 'pagerank', '--graph', graphFile, '--iterations', '8', '--workers', '1', '--out', here, '-q']).status, 0);
    const r = gasworks(['run', 'pagerank', '--graph', graphFile, '--iterations', '8', '--cluster', cluster, '--partitioner', lowEnd, '--out', there, '--json'], { env: { GASWORKS_TOKEN_FILE: undefined } });
    assert.is(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { cluster: { partitioner: string; replicationFactor: number; machines: number } };
    assert.is(summary.cluster.partitioner, 'low-end');
    assert.is(summary.cluster.machines, 2);
    const graph = await loadGraph(graphFile);
    const expected = partitionGraph(graph, await loadPartitioner(lowEnd), 2, { seed: 1 }).metrics.replicationFactor;
    assert.ok(Math.abs(summary.cluster.replicationFactor - expected) < 1e-12, `${summary.cluster.replicationFactor} vs ${expected}`);
    const a = readFileSync(here, 'utf8').trim().split('\n');
    const b = readFileSync(there, 'utf8').trim().split('\n');
    assert.is(a.length, b.length);
    a.forEach((line, i) => {
      const [id, x] = line.split('\t');
      const [id2, y] = b[i].split('\t');
      assert.is(id2, id);
      assert.ok(Math.abs(Number(x) - Number(y)) < 1e-12, `vertex ${id}: ${x} vs ${y}`);
    });
  } finally {
    for (const child of workers) child.kill('SIGTERM');
  }
});

test.run();
