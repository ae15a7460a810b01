/**
 * `gasworks run` as a user meets it: the real command line in a child
 * process (cli-runner.ts). PageRank on 2 workers with --json and --out in the
 * file's own (non-contiguous) ids against a serial PageRank, bfs --source by
 * file id against a serial BFS, a user's own program module importing
 * defineProgram by file URL, and user mistakes that exit 1 with a message
 * and no stack trace. (test/apps/cli/commands/run.test.ts covers more flags
 * in-process, through commander.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gasworks, type CliResult } from './cli-runner.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
/** A directed graph in file ids 3..1000 (gaps, a self-loop, a dangling vertex 1000, a repeated edge). */
const EDGES: Array<[number, number]> = [
  [10, 20], [20, 30], [30, 10], [10, 30], [40, 10], [40, 50], [50, 40], [50, 50],
  [7, 10], [7, 40], [30, 1000], [20, 1000], [3, 7], [10, 20],
];
const graphFile = join(dir, 'graph.txt');
writeFileSync(graphFile, '# from to\n' + EDGES.map(([a, b]) => `${a}\t${b}`).join('\n') + '\n');
const ids = [...new Set(EDGES.flat())].sort((a, b) => a - b);

/** `id<TAB>value` lines of an --out file, as a map from file id. */
function readOut(path: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of readFileSync(path, 'utf8').trim().split('\n')) {
    const [id, value] = line.split('\t');
    assert.not.ok(out.has(Number(id)), `id ${id} written twice`);
    out.set(Number(id), Number(value));
  }
  return out;
}

function ok(r: CliResult): CliResult {
  assert.is(r.status, 0, `exit status ${r.status}; stderr: ${r.stderr}`);
  return r;
}

/** Serial PageRank in file ids, with the bundled program's rule (dangling rank dropped). */
function serialPagerank(iterations: number, d = 0.85): Map<number, number> {
  const n = ids.length;
  let rank = new Map(ids.map((id) => [id, 1 / n]));
  const outDegree = new Map(ids.map((id) => [id, EDGES.filter(([a]) => a === id).length]));
  for (let it = 0; it < iterations; it++) {
    const next = new Map(ids.map((id) => [id, 0]));
    for (const [a, b] of EDGES) next.set(b, next.get(b)! + rank.get(a)! / outDegree.get(a)!);
    rank = new Map(ids.map((id) => [id, (1 - d) / n + d * next.get(id)!]));
  }
  return rank;
}

test('pagerank --engine sync --workers 2: --json summary, --out in file ids matches a serial PageRank', () => {
  const out = join(dir, 'ranks.tsv');
  const r = ok(gasworks(['run', 'pagerank', '--graph', graphFile, '--engine', 'sync', '--workers', '2', '--iterations', '20', '--out', out, '--json']));
  const summary = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.is(summary.vertices, ids.length);
  assert.is(summary.edges, EDGES.length);
  assert.is(summary.workers, 2);
  assert.is(summary.engine, 'sync');
  assert.is(summary.iterations, 20);
  assert.is(summary.vertexUpdates, 20 * ids.length);
  for (const key of ['computeSeconds', 'edgesPerSecond']) assert.ok(typeof summary[key] === 'number' && (summary[key] as number) >= 0, key);
  const ranks = readOut(out);
  const expected = serialPagerank(20);
  assert.equal([...ranks.keys()].sort((a, b) => a - b), ids);
  for (const id of ids) assert.ok(Math.abs(ranks.get(id)! - expected.get(id)!) < 1e-14, `rank of ${id}: ${ranks.get(id)} vs ${expected.get(id)}`);
});

test('bfs --source takes a file id; levels match a serial BFS (-1 when unreachable)', () => {
  const out = join(dir, 'levels.tsv');
  const summary = JSON.parse(ok(gasworks(['run', 'bfs', '--graph', graphFile, '--source', '40', '--workers', '1', '--out', out, '--quiet', '--json'])).stdout);
  assert.is(summary.source.fileId, 40);
  assert.is(summary.params.source, summary.source.denseId);
  const levels = readOut(out);
  const expected = new Map(ids.map((id) => [id, -1]));
  expected.set(40, 0);
  for (let frontier = [40], level = 1; frontier.length > 0; level++) {
    const next: number[] = [];
    for (const [a, b] of EDGES) {
      if (frontier.includes(a) && expected.get(b) === -1) {
        expected.set(b, level);
        next.push(b);
      }
    }
    frontier = next;
  }
  assert.equal(levels, expected);
  assert.is(levels.get(3), -1);
});

test('connected-components --out writes each component as its smallest file id', () => {
  const out = join(dir, 'components.tsv');
  ok(gasworks(['run', 'connected-components', '--graph', graphFile, '--workers', '2', '--out', out, '--json']));
  const written = readOut(out);
  // Union-find over the file's own ids: every vertex's component is the smallest id reachable ignoring direction.
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (x: number): number => (parent.get(x) === x ? x : find(parent.get(x)!));
  for (const [a, b] of EDGES) {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  for (const id of ids) assert.is(written.get(id), find(id), `vertex ${id}`);
});

test("a user's own program module runs the same way (defineProgram imported by file URL)", () => {
  // Match how this test runs: from TypeScript sources (tsx) or compiled JavaScript (dist/).
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const programModule = new URL(`../../../core/program${ext}`, import.meta.url).href;
  const programFile = join(dir, `in-weight${ext === '.ts' ? '.mts' : '.mjs'}`);
  writeFileSync(
    programFile,
    `import { defineProgram } from ${JSON.stringify(programModule)};
export default defineProgram({
  name: 'in-count-scaled',
  url: import.meta.url,
  vertex: { count: 'f64' },
  params: { scale: 1 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  create({ vertex, params }) {
    const count = vertex.count;
    return {
      gather: () => params.scale,
      apply(v, acc) { count[v] = acc; return true; },
    };
  },
});
`,
  );
  const out = join(dir, 'counts.tsv');
  const r = ok(gasworks(['run', programFile, '--graph', graphFile, '--workers', '2', '--iterations', '1', '--param', 'scale=3', '--out', out, '--json']));
  assert.is((JSON.parse(r.stdout) as { program: string }).program, 'in-count-scaled');
  const counts = readOut(out);
  for (const id of ids) assert.is(counts.get(id), 3 * EDGES.filter(([, b]) => b === id).length, `vertex ${id}`);
});

test('user mistakes exit 1 with a message and no stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['run', 'no-such-program', '--graph', graphFile], /no-such-program/],
    [['run', 'pagerank', '--graph', graphFile, '--param', 'damping=abc'], /damping.*number/],
    [['run', 'pagerank', '--graph', join(dir, 'missing.txt')], /missing\.txt/],
  ];
  for (const [args, message] of cases) {
    const r = gasworks(args);
    assert.is(r.status, 1, `${args.join(' ')}: exit status ${r.status}; stderr: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /^\s+at /m, `${args.join(' ')} printed a stack trace: ${r.stderr}`);
  }
});

test.run();
