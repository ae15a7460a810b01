/**
 * `gasworks bench partitioners` (apps/cli/commands/bench-partitioners.ts),
 * driven through a commander program built here as the CLI's main does.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { registerBenchPartitioners } from '../../apps/cli/commands/bench-partitioners.js';
import { partitionGraph } from '../../partitioner/index.js';
import { loadEdgeStream } from '../../partitioner/bench/source.js';
import { tempDir } from '../helpers.js';
import { buildGraph } from '../../core/graph/build.js';
import { rmatEdges } from '../../core/graph/generators/rmat.js';

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
  for (const algo of ['random', 'grid', 'dbh', 'greedy', 'hdrf', 'restream-greedy', 'restream-hdrf', '2ps-l', '2ps-hdrf', 'ne', 'hep', 'edge-cut']) assert.match(out, new RegExp(`\\s${algo} +shuffled\\s`));
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

test('--compare: previous figures matched by graph, algo, k and order, ratios, JSON and Markdown', async () => {
  const dir = tempDir();
  const previousFile = join(dir, 'previous.json');
  writeFileSync(
    previousFile,
    JSON.stringify([
      { graph: 'rmat:8', algo: 'hdrf', k: 4, order: 'file', replicationFactor: 2, note: 'made up' },
      { graph: 'rmat:8', algo: 'hdrf', k: 4, order: 'shuffled', replicationFactor: 9 },
      { graph: 'rmat:8', algo: 'dbh', k: 8, replicationFactor: 3, source: 'a paper' },
      { graph: 'rmat:9', algo: 'dbh', k: 8, replicationFactor: 1 },
    ]),
  );
  const out = await run(['--graph', 'rmat:8', '--parts', '4,8', '--algos', 'hdrf,dbh', '--compare', previousFile, '--json', '--quiet', '--out', dir]);
  const records = out.trim().split('\n').map((l) => JSON.parse(l));
  const { stream } = await loadEdgeStream('rmat:8');
  const hdrf4 = records.find((r) => r.algo === 'hdrf' && r.k === 4);
  assert.is(hdrf4.compared.length, 1, 'the shuffled-order record does not match a file-order run');
  assert.is(hdrf4.compared[0].ratio, partitionGraph(stream, 'hdrf', 4, { seed: 1 }).metrics.replicationFactor / 2);
  assert.is(records.find((r) => r.algo === 'dbh' && r.k === 8).compared[0].ratio, partitionGraph(stream, 'dbh', 8, { seed: 1 }).metrics.replicationFactor / 3);
  assert.is(records.find((r) => r.algo === 'hdrf' && r.k === 8).compared.length, 0);
  const markdown = readFileSync(join(dir, 'partitioners.md'), 'utf8');
  assert.match(markdown, `## Compared with ${previousFile}`);
  assert.match(markdown, 'Previous figures: a paper.');
  assert.match(markdown, /\| rmat:8 \| 4 \| hdrf \| file \| [0-9.]+ \| 2\.000 \| [0-9.]+ \|/);
  const table = await run(['--graph', 'rmat:8', '--parts', '8', '--algos', 'dbh', '--compare', previousFile, '--quiet', '--out', dir]);
  assert.match(table, /Compared with .*previous\.json:/);
  for (const [content, message] of [
    ['not json', /--compare .*bad\.json must be JSON/],
    ['{"graph": 1}', /must be a JSON list of records; got object/],
    ['[{"graph": "g", "algo": "hdrf", "k": 4}]', /record 0 must have graph, algo \(strings\), k \(an integer\) and replicationFactor \(a number\)/],
  ] as const) {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, content);
    try {
      await run(['--graph', 'rmat:8', '--parts', '4', '--compare', bad, '--quiet', '--out', dir]);
      assert.unreachable(content);
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
    }
  }
  try {
    await run(['--graph', 'rmat:8', '--compare', join(dir, 'missing.json'), '--quiet', '--out', dir]);
    assert.unreachable('missing file');
  } catch (error) {
    assert.match((error as Error).message, /--compare .*missing\.json cannot be read: ENOENT/);
  }
});

test('--run pagerank --machines 2: each vertex-cut places the graph on two worker processes; RF as the library, bytes and time per superstep', async () => {
  const dir = tempDir();
  const out = await run(['--graph', 'rmat:9', '--algos', 'random,hdrf,ne,edge-cut', '--run', 'pagerank', '--machines', '2', '--iterations', '3', '--json', '--quiet', '--out', dir]);
  const records = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.map((r) => r.algo), ['random', 'hdrf', 'ne'], 'the edge-cut is skipped');
  const graph = buildGraph(rmatEdges({ scale: 9, edgeFactor: 16, seed: 1 }));
  for (const r of records) {
    assert.is(r.machines, 2);
    assert.is(r.supersteps, 3);
    assert.is(r.program, 'pagerank');
    assert.ok(r.bytesPerSuperstep > 0 && r.secondsPerSuperstep > 0, r.algo);
    const expected = partitionGraph(graph, r.algo, 2, { seed: 1 }).metrics.replicationFactor;
    assert.ok(Math.abs(r.replicationFactor - expected) < 1e-12, `${r.algo}: RF ${r.replicationFactor} vs ${expected}`);
  }
  // Fewer replicas, fewer bytes: random replicates most on R-MAT, NE least.
  const by = (algo: string) => records.find((r) => r.algo === algo);
  assert.ok(by('random').replicationFactor > by('hdrf').replicationFactor && by('hdrf').replicationFactor > by('ne').replicationFactor);
  assert.ok(by('random').bytesPerSuperstep > by('hdrf').bytesPerSuperstep && by('hdrf').bytesPerSuperstep > by('ne').bytesPerSuperstep);
  assert.match(readFileSync(join(dir, 'partitioners-run.svg'), 'utf8'), /^<svg[\s\S]*ms per superstep/);
  assert.match(readFileSync(join(dir, 'partitioners-run.md'), 'utf8'), /## What replicas cost: pagerank on 2 worker processes, 3 supersteps/);
  assert.is(JSON.parse(readFileSync(join(dir, 'partitioners-run.json'), 'utf8')).length, 3);
});

test('--chunked: the graph streamed in chunks gives the in-memory figures, peak memory reported; other partitioners refused', async () => {
  const dir = tempDir();
  const out = await run(['--graph', 'rmat:10', '--parts', '8,33', '--algos', 'hdrf,greedy', '--chunked', '--json', '--quiet', '--out', dir]);
  const results = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(results.map((r) => `${r.algo}@${r.k}`), ['hdrf@8', 'greedy@8', 'hdrf@33', 'greedy@33']);
  const { stream } = await loadEdgeStream('rmat:10');
  for (const r of results) {
    const inMemory = partitionGraph(stream, r.algo, r.k, { seed: 1 }).metrics;
    assert.ok(Math.abs(r.replicationFactor - inMemory.replicationFactor) < 1e-12, `${r.algo} k=${r.k}`);
    assert.ok(r.maxRssBytes > 0 && r.stateBytes > 0);
  }
  assert.match(readFileSync(join(dir, 'partitioners-chunked.md'), 'utf8'), /\| rmat:10 \| 8 \| hdrf \|/);
  for (const [args, message] of [
    [['--algos', 'ne'], /--chunked runs hdrf and greedy .*; got ne/],
    [['--algos', 'hdrf', '--order', 'shuffled'], /--chunked reads the stream in its own order/],
  ] as const) {
    try {
      await run(['--graph', 'rmat:8', '--parts', '4', '--chunked', ...args, '--quiet', '--out', dir]);
      assert.unreachable(args.join(' '));
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
    }
  }
});

test('--help lists every option', async () => {
  const program = new Command('gasworks');
  registerBenchPartitioners(program.command('bench'));
  const help = program.commands[0].commands[0].helpInformation();
  for (const flag of ['--graph', '--parts', '--algos', '--order', '--seed', '--repeat', '--out', '--json', '--quiet', '--lambda', '--hdrf-balance', '--slack', '--tau', '--passes', '--clustering-passes', '--compare', '--run', '--machines', '--iterations', '--chunked']) {
    assert.ok(help.includes(flag), flag);
  }
});

test.run();
