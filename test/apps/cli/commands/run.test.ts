/**
 * `gasworks run`, called through commander in this process: bundled programs
 * by name, a user's own program module from a temp dir, --out files in the
 * file's own vertex ids checked against serial references, --json, --param
 * and --source mapping, and user mistakes as UsageErrors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerRun } from '../../../../apps/cli/commands/run.js';
import { closeWorkers } from '../../../../core/engine/index.js';
import { UsageError } from '../../../../core/errors.js';
import { repoRoot, tempDir } from '../../../helpers.js';

const dir = tempDir();

/** Run `gasworks run ...args` through commander; returns what it printed on stdout. */
async function run(args: string[]): Promise<string> {
  const program = new Command('gasworks').exitOverride().configureOutput({ writeErr: () => {} });
  registerRun(program);
  let printed = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'gasworks', 'run', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return printed;
}

async function usageError(args: string[], pattern: RegExp): Promise<void> {
  try {
    await run(args);
  } catch (error) {
    // Option syntax errors come from commander (it prints them and exits 1 in the real CLI); the rest are UsageErrors.
    const ok = error instanceof UsageError || error instanceof CommanderError;
    assert.ok(ok, `expected a UsageError for ${args.join(' ')}, got ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`gasworks run ${args.join(' ')} should have failed`);
}

function readColumns(path: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of readFileSync(path, 'utf8').trim().split('\n')) {
    const [id, ...values] = line.split('\t');
    out.set(id, values.map(Number));
  }
  return out;
}

// A small directed graph with sparse file ids, a dangling vertex (50) and a self-loop.
const EDGES: Array<[number, number]> = [
  [10, 20], [20, 30], [30, 10], [30, 40], [40, 10], [10, 40], [40, 50], [20, 20], [30, 20],
];
const graphFile = join(dir, 'small.txt');
writeFileSync(graphFile, '# small\n' + EDGES.map(([a, b]) => `${a}\t${b}`).join('\n') + '\n');

/** Serial PageRank in file ids (dangling rank dropped, as vertex-programs/pagerank). */
function serialPagerank(iterations: number, d = 0.85): Map<number, number> {
  const ids = [...new Set(EDGES.flat())].sort((a, b) => a - b);
  const n = ids.length;
  const outDegree = new Map<number, number>(ids.map((id) => [id, 0]));
  for (const [a] of EDGES) outDegree.set(a, outDegree.get(a)! + 1);
  let rank = new Map<number, number>(ids.map((id) => [id, 1 / n]));
  for (let it = 0; it < iterations; it++) {
    const sum = new Map<number, number>(ids.map((id) => [id, 0]));
    for (const [a, b] of EDGES) sum.set(b, sum.get(b)! + rank.get(a)! / outDegree.get(a)!);
    rank = new Map(ids.map((id) => [id, (1 - d) / n + d * sum.get(id)!]));
  }
  return rank;
}

test('pagerank: --out in file ids matches a serial reference; --json summary', async () => {
  const out = join(dir, 'ranks.tsv');
  const printed = await run(['pagerank', '--graph', graphFile, '--workers', '2', '--iterations', '20', '--param', 'damping=0.8', '--out', out, '--json', '--quiet']);
  const summary = JSON.parse(printed);
  assert.is(summary.vertices, 5);
  assert.is(summary.edges, EDGES.length);
  assert.is(summary.workers, 2);
  assert.is(summary.engine, 'sync');
  assert.is(summary.iterations, 20);
  assert.is(summary.vertexUpdates, 20 * 5);
  assert.is(summary.params.damping, 0.8);
  assert.ok(summary.computeSeconds >= 0 && summary.edgesPerSecond >= 0);
  const ranks = readColumns(out);
  const expected = serialPagerank(20, 0.8);
  assert.equal([...ranks.keys()].sort(), ['10', '20', '30', '40', '50']);
  for (const [id, value] of expected) assert.ok(Math.abs(ranks.get(String(id))![0] - value) < 1e-12, `rank of ${id}`);
});

test('the summary table names the engine, iterations and output', async () => {
  const out = join(dir, 'ranks-table.tsv');
  const printed = await run(['pagerank', '--graph', graphFile, '--workers', '1', '--iterations', '3', '--out', out, '--quiet']);
  assert.match(printed, /gasworks run pagerank/);
  assert.match(printed, /sync, 1 worker\b/);
  assert.match(printed, /\niterations +3\b/);
  assert.match(printed, /ranks-table\.tsv/);
});

test('bfs --source takes a file id; a generated rmat graph works without a file', async () => {
  const out = join(dir, 'levels.tsv');
  await run(['bfs', '--graph', graphFile, '--source', '30', '--workers', '2', '--out', out, '--quiet', '--json']);
  const levels = readColumns(out);
  // 30 -> 10, 20, 40 (level 1); 40 -> 50 (level 2).
  assert.equal(levels.get('30'), [0]);
  assert.equal(levels.get('10'), [1]);
  assert.equal(levels.get('20'), [1]);
  assert.equal(levels.get('40'), [1]);
  assert.equal(levels.get('50'), [2]);
  const summary = JSON.parse(await run(['pagerank', '--graph', 'rmat:8:4:3', '--iterations', '5', '--workers', '2', '--json', '--quiet']));
  assert.is(summary.vertices, 256);
  assert.is(summary.edges, 1024);
  assert.is(summary.iterations, 5);
  assert.is(summary.edgesTraversed, 5 * 1024);
});

test('sssp --engine async --scheduler buckets --bucket-width: distances by file id (hand-checked)', async () => {
  const weighted = join(dir, 'weighted.txt');
  // 1 -> 2 (4), 1 -> 3 (1), 3 -> 2 (2), 2 -> 4 (5), 3 -> 4 (9), 5 -> 1 (1): from 1, 2 at 3 via 3, 4 at 8.
  writeFileSync(weighted, '1 2 4\n1 3 1\n3 2 2\n2 4 5\n3 4 9\n5 1 1\n');
  for (const workers of ['1', '2']) {
    const out = join(dir, `distances-${workers}.tsv`);
    await run(['sssp', '--graph', weighted, '--format', 'weighted', '--engine', 'async', '--scheduler', 'buckets', '--bucket-width', '2', '--source', '1', '--workers', workers, '--out', out, '--quiet']);
    const distances = readColumns(out);
    assert.equal(['1', '2', '3', '4', '5'].map((id) => distances.get(id)![0]), [0, 3, 1, 8, Infinity]);
  }
  await usageError(['sssp', '--graph', weighted, '--engine', 'async', '--scheduler', 'buckets', '--bucket-width', '0', '--source', '1', '--quiet'], /bucketWidth must be a positive number; got 0/);
});

test("a user's own program module (.ts, default export) runs the same way, vector column output", async () => {
  // A user's ES-module project: .ts files are ES modules under "type": "module" (else name them .mts).
  const project = join(dir, 'my-project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  const programFile = join(project, 'my-program.ts');
  const programModule = pathToFileURL(join(repoRoot, 'core', 'program.js')).href;
  writeFileSync(
    programFile,
    `import { defineProgram } from ${JSON.stringify(programModule)};
export default defineProgram({
  name: 'my-degrees',
  url: import.meta.url,
  vertex: { degrees: 'f64x2' },
  params: { scale: 1 },
  accumulator: { kind: 'vector', size: 2 },
  gatherEdges: 'all',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, graph, params }) {
    const { degrees } = vertex;
    return {
      gather(v, u, e, acc) {
        // out-edge when the CSR edge e leaves v
        if (e >= graph.outOffsets[v] && e < graph.outOffsets[v + 1] && graph.outTargets[e] === u) acc[1] += params.scale;
        else acc[0] += params.scale;
      },
      apply(v, acc) { degrees.set(acc, v * 2); return true; },
    };
  },
});
`,
  );
  const out = join(dir, 'degrees.tsv');
  await run([programFile, '--graph', graphFile, '--iterations', '1', '--workers', '2', '--param', 'scale=2', '--out', out, '--quiet', '--json']);
  const degrees = readColumns(out);
  for (const id of [10, 20, 30, 40, 50]) {
    let inDeg = 0;
    let outDeg = 0;
    for (const [a, b] of EDGES) {
      if (b === id) inDeg++;
      if (a === id) outDeg++;
    }
    // A self-loop is visited as an in-edge and as an out-edge, both with its one CSR edge id, so the test above counts it as out twice.
    const loops = EDGES.filter(([a, b]) => a === id && b === id).length;
    assert.equal(degrees.get(String(id)), [2 * (inDeg - loops), 2 * (outDeg + loops)], `vertex ${id}`);
  }
});

test('user mistakes are UsageErrors with a message', async () => {
  await usageError(['pagernk', '--graph', graphFile], /unknown vertex program "pagernk".*pagerank/);
  await usageError(['pagerank', '--graph', graphFile, '--param', 'damping=high'], /--param damping expects a number/);
  await usageError(['pagerank', '--graph', graphFile, '--param', 'dampng=0.5'], /no parameter "dampng"/);
  await usageError(['pagerank', '--graph', graphFile, '--param', 'damping'], /expects key=value/);
  await usageError(['pagerank', '--graph', join(dir, 'missing.txt')], /no such file/);
  await usageError(['bfs', '--graph', graphFile, '--source', '99'], /"99" is not in the graph/);
  await usageError(['pagerank', '--graph', graphFile, '--source', '10'], /no source parameter/);
  await usageError(['pagerank', '--graph', graphFile, '--workers', '0'], /positive integer/);
  await usageError(['pagerank', '--graph', graphFile, '--engine', 'fast'], /--engine must be sync or async/);
  await usageError(['./no-such-program.ts', '--graph', graphFile], /not found/);
  // .mjs: a bare .js outside a package is CommonJS to Node, and this module uses export.
  const notAProgram = join(dir, 'not-a-program.mjs');
  writeFileSync(notAProgram, 'export const x = 1;\n');
  await usageError([notAProgram, '--graph', graphFile], /exports no vertex program/);
});

test.after(async () => {
  await closeWorkers();
});

test.run();
