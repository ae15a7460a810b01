/**
 * Situations a user meets that are no bug of gasworks, through the real
 * command line: each exits 1 with one `gasworks:` line (no stack trace of
 * gasworks' own) and leaves no file behind. An --out that is a file, running
 * out of memory (under `ulimit -v`), a user's own program that throws (one
 * line naming the program, the function and the vertex, then only the
 * program's own frames), a worker whose port is taken.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { gasworks, gasworksInBackground } from './cli-runner.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
const mainJs = fileURLToPath(new URL('../../../apps/cli/main.js', import.meta.url));
const coreUrl = pathToFileURL(fileURLToPath(new URL('../../../core/index.js', import.meta.url))).href;

/** stderr is one `gasworks:` line (plus, for a program's error, the program's own frames). */
function oneLine(stderr: string, what: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.ok(lines[0].startsWith('gasworks: '), `${what}: first line ${JSON.stringify(lines[0])}`);
  return lines[0];
}

test('bench partitioners --out naming a file: one line before any run, and the file untouched', () => {
  const file = join(dir, 'taken');
  writeFileSync(file, 'mine\n');
  const r = gasworks(['bench', 'partitioners', '--graph', 'rmat:6', '--parts', '4', '-q', '--out', file]);
  assert.is(r.status, 1, r.stderr);
  assert.match(oneLine(r.stderr, 'bench --out'), /bench partitioners: --out must be a folder .*which is a file/);
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.is(r.stdout, '', 'no table printed before the refusal');
  const below = join(file, 'sub');
  const r2 = gasworks(['bench', 'partitioners', '--graph', 'rmat:6', '--parts', '4', '-q', '--out', below]);
  assert.is(r2.status, 1, r2.stderr);
  assert.match(oneLine(r2.stderr, 'bench --out below a file'), /could not write into --out .*ENOTDIR/);
});

test('out of memory: says what did not fit, its size, and what to do (ulimit -v)', () => {
  for (const [args, what] of [
    [['info', 'rmat:24', '-q'], /info: out of memory for the graph rmat:24 \(16,777,216 vertices, 268,435,456 edges, about [\d.]+ GiB\); try a smaller graph/],
    [['run', 'pagerank', '-g', 'rmat:22', '-q', '-w', '1', '-i', '1'], /run: out of memory for the .*rmat:22 .*4,194,304 vertices.*GiB/],
  ] as const) {
    const r = spawnSync('sh', ['-c', `ulimit -v 2000000; exec "${process.execPath}" "${mainJs}" "$@"`, 'sh', ...args], { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 1, `${args.join(' ')}: status ${r.status} ${r.stderr}`);
    assert.match(oneLine(r.stderr, args.join(' ')), what);
    assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
});

const badProgram = join(dir, 'thrower.mjs');
writeFileSync(
  badProgram,
  `import { defineProgram } from ${JSON.stringify(coreUrl)};
function check(v) { if (v === 6) throw new TypeError('no weight for vertex ' + v); return 1; }
export default defineProgram({
  name: 'thrower', url: import.meta.url, vertex: { x: 'f64' }, params: { where: 'apply' },
  accumulator: { kind: 'scalar' }, gatherEdges: 'in', scatterEdges: 'out', activation: 'all',
  create: (ctx) => ({
    init: (v) => { if (ctx.params.where === 'init') check(v); },
    gather: (v, u) => (ctx.params.where === 'gather' ? check(v) : 1),
    apply: (v, acc) => { if (ctx.params.where === 'apply') check(v); ctx.vertex.x[v] = acc; return true; },
    scatter: (v, u) => { if (ctx.params.where === 'scatter') check(v); },
  }),
});
`,
);

test("a user's program that throws: one line naming program, function and vertex, then only its own frames", () => {
  // grid:3x3 holds vertices 0..8 with file ids 0..8, so vertex 6 is named 6.
  for (const where of ['init', 'gather', 'apply', 'scatter']) {
    for (const engine of ['sync', 'async']) {
      // Threads for every function (the error crosses a worker thread); inline (-w 1) once per engine.
      for (const workers of where === 'apply' ? ['1', '2'] : ['2']) {
        const what = `${where} ${engine} -w ${workers}`;
        const r = gasworks(['run', badProgram, '-g', 'grid:3x3', '-q', '-i', '2', '-p', `where=${where}`, '--engine', engine, '-w', workers]);
        assert.is(r.status, 1, `${what}: ${r.stderr}`);
        const [first, ...rest] = r.stderr.trimEnd().split('\n');
        assert.is(first, `gasworks: program thrower: ${where} threw at vertex 6: TypeError: no weight for vertex 6`, what);
        assert.ok(rest.length >= 2, `${what}: the program's frames (check, and ${where}): ${r.stderr}`);
        for (const line of rest) assert.ok(line.includes(badProgram) && /^\s+at /.test(line), `${what}: a frame not of the program: ${line}`);
        assert.ok(rest[0].includes('at check'), `${what}: innermost frame first: ${rest[0]}`);
      }
    }
  }
});

test('a worker whose port is taken: one gasworks line first, exit 1', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = gasworks(['worker', '--listen', `127.0.0.1:${port}`], { timeoutMs: 20_000 });
    assert.is(r.status, 1, r.stderr);
    assert.is(r.stderr, `gasworks: worker: --listen 127.0.0.1:${port}: port ${port} is taken (another worker?); choose another port, or port 0 for any free one\n`);
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test('parameters against their meaning: refused in one line, no --out file written', () => {
  const out = join(dir, 'never.tsv');
  for (const [args, message] of [
    [['run', 'pagerank', '-g', 'grid:3x3', '-p', 'damping=2'], /^gasworks: run: parameter "damping" of program pagerank must be a number in \[0, 1\] .*; got 2$/],
    [['run', 'pagerank', '-g', 'grid:3x3', '--tolerance', '-1'], /^gasworks: run: parameter "tolerance" of program pagerank must be a number >= 0.*; got -1$/],
    [['run', 'personalized-pagerank', '-g', 'grid:3x3', '--source', '1', '-p', 'damping=1'], /must be a number in \[0, 1\) .*; got 1$/],
    [['run', 'bfs', '-g', 'grid:3x3'], /^gasworks: run: program bfs needs --source ID \(the vertex to start from\)$/],
    [['run', 'sssp', '-g', 'grid:3x3'], /^gasworks: run: program sssp needs --source ID/],
    [['run', 'personalized-pagerank', '-g', 'grid:3x3'], /^gasworks: run: program personalized-pagerank needs --source ID/],
  ] as const) {
    const r = gasworks([...args, '-q', '--out', out]);
    assert.is(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trimEnd(), message);
    assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
  const ok = gasworks(['run', 'bfs', '-g', 'grid:3x3', '--source', '4', '-q', '--json']);
  assert.is(ok.status, 0, ok.stderr);
  assert.is(JSON.parse(ok.stdout).aggregates.reached, 9);
});

test('flags of another mode are refused, not ignored; --workers has an upper bound', () => {
  const g = ['-g', 'grid:3x3', '-q'];
  for (const [args, message] of [
    [['run', 'pagerank', ...g, '--engine', 'async', '--chromatic'], /^gasworks: run: --chromatic goes with --consistency edge/],
    [['run', 'pagerank', ...g, '--scheduler', 'fifo'], /^gasworks: run: --scheduler is for --engine async$/],
    [['run', 'pagerank', ...g, '--consistency', 'edge'], /^gasworks: run: --consistency is for --engine async$/],
    [['run', 'pagerank', ...g, '--engine', 'async', '--frontier', 'dense'], /^gasworks: run: --frontier is for --engine sync$/],
    [['run', 'pagerank', ...g, '--partitioner', 'hdrf'], /^gasworks: run: --partitioner places edges on the machines of a cluster: give --cluster too$/],
    [['sgd', '-c', 'bsp', '--staleness', '5'], /^gasworks: sgd: --staleness is for -c ssp; got -c bsp$/],
    [['sgd', '-c', 'bsp', '--tau', '5'], /^gasworks: sgd: --tau is for -c easgd; got -c bsp$/],
    [['sgd', '-c', 'async', '--batch-size', '5'], /^gasworks: sgd: --batch-size is for -c bsp and -c ssp; got -c async$/],
    [['recommend', 'train', '-a', 'als', '--learning-rate', '0.1'], /^gasworks: recommend train: --learning-rate is for --algo sgd/],
    [['fraud', '-n', 'none.csv', '-m', 'negative', '--score', 'fairness'], /^gasworks: fraud: --score is for --method rev2; got --method negative$/],
  ] as const) {
    const r = gasworks([...args], { timeoutMs: 20_000 });
    assert.is(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trimEnd(), message);
  }
  const started = Date.now();
  const r = gasworks(['run', 'pagerank', ...g, '-w', '1000'], { timeoutMs: 20_000 });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /--workers <n>' argument '1000' is invalid\. expected at most \d+ \(4 per core/);
  assert.ok(Date.now() - started < 15_000, 'refused at once, not after starting 1000 threads');
});

test('kill -9 during generate --out: the next write of that file removes the dead run\'s temporary file', async () => {
  const sub = join(dir, 'killed');
  mkdirSync(sub);
  const target = join(sub, 'big.txt');
  const child = gasworksInBackground(['generate', 'rmat', '--scale', '17', '--out', target, '-q']);
  try {
    const deadline = Date.now() + 60_000;
    while (!readdirSync(sub).some((name) => name.endsWith('.tmp')) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(readdirSync(sub).some((name) => name.endsWith('.tmp')), `a temporary file while writing: ${readdirSync(sub)}`);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  const left = readdirSync(sub);
  assert.equal(left.length, 1, `the killed run left its temporary file (and no big.txt): ${left}`);
  assert.match(left[0], new RegExp(`^\\.big\\.txt\\.${child.pid}\\.[0-9a-f]{8}\\.tmp$`));
  // A temporary file of a live process (this one) is not touched.
  const live = join(sub, `.big.txt.${process.pid}.0123abcd.tmp`);
  writeFileSync(live, 'being written');
  const r = gasworks(['generate', 'rmat', '--scale', '4', '--out', target, '-q']);
  assert.is(r.status, 0, r.stderr);
  assert.equal(readdirSync(sub).sort(), [`.big.txt.${process.pid}.0123abcd.tmp`, 'big.txt']);
  rmSync(live);
});

test('nothing left behind in the test folder but what the tests wrote', () => {
  assert.equal(readdirSync(dir).sort(), ['killed', 'taken', 'thrower.mjs']);
});

test.run();
