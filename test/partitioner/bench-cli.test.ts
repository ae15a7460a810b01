/**
 * `gasworks bench partitioners` (apps/cli/commands/bench-partitioners.ts),
 * driven through a commander program built here as the CLI's main does.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { registerBenchPartitioners } from '../../apps/cli/commands/bench-partitioners.js';
import { partitionGraph } from '../../partitioner/index.js';
import { loadEdgeStream } from '../../partitioner/bench/source.js';
import { tempDir } from '../helpers.js';

async function run(args: string[]): Promise<string> {
  const program = new Command('gasworks').exitOverride();
  const bench = program.command('bench').exitOverride();
  registerBenchPartitioners(bench);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'gasworks', 'bench', 'partitioners', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('--json prints one object per run with the documented fields; files are written', async () => {
  const dir = tempDir();
  const out = await run(['--graph', 'rmat:8', '--graph', 'rmat:7:4:3', '--parts', '2,8', '--algos', 'hdrf,random,edge-cut', '--repeat', '3', '--json', '--quiet', '--out', dir]);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length, 2 * 2 * 3);
  for (const r of lines) {
    for (const key of ['graph', 'algo', 'k', 'replicationFactor', 'edgeBalance', 'vertexBalance', 'seconds', 'edgesPerSecond']) {
      assert.ok(key in r, `field ${key}`);
    }
    assert.is(r.secondsAll.length, 3);
    assert.ok(r.secondsAll.includes(r.seconds), 'median of three is one of them');
  }
  // The figures are the partitioner's own, recomputed here through the library.
  const { stream } = await loadEdgeStream('rmat:8');
  const hdrf8 = lines.find((r) => r.graph === 'rmat:8' && r.algo === 'hdrf' && r.k === 8);
  assert.is(hdrf8.replicationFactor, partitionGraph(stream, 'hdrf', 8, { seed: 1 }).metrics.replicationFactor);
  assert.is(lines.filter((r) => r.algo === 'edge-cut').every((r) => typeof r.cutFraction === 'number'), true);
  const saved = JSON.parse(readFileSync(join(dir, 'partitioners.json'), 'utf8'));
  assert.is(saved.length, lines.length);
  assert.match(readFileSync(join(dir, 'partitioners.md'), 'utf8'), /\| rmat:7:4:3 \| 8 \| hdrf \|/);
  const svg = readFileSync(join(dir, 'partitioners.svg'), 'utf8');
  assert.match(svg, /^<svg/);
  assert.match(svg, /replication factor/);
  assert.ok(!existsSync(join(dir, 'partitioners.json.tmp')));
});

test('without --json: one table with a row per run', async () => {
  const dir = tempDir();
  const out = await run(['--graph', 'rmat:8', '--parts', '4', '--algos', 'all', '--order', 'shuffled', '--quiet', '--out', dir]);
  for (const algo of ['random', 'grid', 'dbh', 'greedy', 'hdrf', 'ne', 'edge-cut']) assert.match(out, new RegExp(`\\s${algo} +shuffled\\s`));
});

test('--by-degree: per-run degree classes in the JSON that add up to the replicas, and a Markdown table', async () => {
  const dir = tempDir();
  const out = await run(['--graph', 'rmat:8', '--parts', '4', '--algos', 'greedy,hdrf', '--by-degree', '--json', '--quiet', '--out', dir]);
  const records = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(records.length, 2);
  const { stream } = await loadEdgeStream('rmat:8');
  for (const r of records) {
    const classes = r.replicasByDegree as Array<{ minDegree: number; vertices: number; replicas: number }>;
    assert.ok(classes.length > 3, `${r.algo}: classes`);
    const again = partitionGraph(stream, r.algo, 4, { seed: 1 }).metrics;
    assert.is(classes.reduce((sum, c) => sum + c.replicas, 0), again.replicas, `${r.algo}: replicas`);
    assert.is(classes.reduce((sum, c) => sum + c.vertices, 0), again.vertices, `${r.algo}: vertices`);
  }
  const markdown = readFileSync(join(dir, 'partitioners.md'), 'utf8');
  assert.match(markdown, '## Copies per vertex by degree class');
  assert.match(markdown, '| degree | vertices | greedy | hdrf |');
});

test('bad flags are UsageErrors with a clear message', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--graph', 'rmat:8', '--parts', '0'], /k must be an integer from 1 to 65536, got 0/],
    [['--graph', 'rmat:8', '--parts', '4,x'], /got NaN/],
    [['--graph', 'rmat:8', '--algos', 'metis'], /unknown partitioner 'metis'/],
    [['--graph', 'rmat:8', '--order', 'sorted'], /--order must be file or shuffled/],
    [['--graph', 'rmat:8', '--repeat', '0'], /--repeat must be an integer >= 1/],
    [['--graph', 'rmat:x'], /expected rmat:SCALE/],
    [[], /at least one --graph/],
  ];
  for (const [args, pattern] of cases) {
    try {
      await run([...args, '--quiet', '--out', tempDir()]);
      assert.unreachable(`expected a UsageError for ${args.join(' ')}`);
    } catch (error) {
      assert.instance(error, UsageError, args.join(' '));
      assert.match((error as Error).message, pattern);
    }
  }
});

test('--help lists every option', async () => {
  const program = new Command('gasworks');
  registerBenchPartitioners(program.command('bench'));
  const help = program.commands[0].commands[0].helpInformation();
  for (const flag of ['--graph', '--parts', '--algos', '--order', '--seed', '--repeat', '--out', '--json', '--quiet', '--lambda', '--hdrf-balance', '--slack']) {
    assert.ok(help.includes(flag), flag);
  }
});

test.run();
