/**
 * `gasworks run --cluster ... --load distributed` end to end: two worker
 * processes started with --data-dir each read their range of a .gwg file
 * (named relative to that folder) and send its edges on; the --out file is
 * the one a coordinator that streams the file writes, byte for byte, and
 * within rounding one process's. The mistakes a user makes with the flags exit 1
 * saying why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { gasworks, gasworksInBackground, expectUserMistakes, type CliResult } from './cli-runner.js';
import { tempDir } from '../../helpers.js';
import { workerAddress } from '../../../core/cluster/worker-process.js';

const dir = tempDir();
const tokenFile = join(dir, 'cluster.token');
// Given to each child, not set here: other test files of the same run set their own.
const env = { GASWORKS_TOKEN_FILE: tokenFile, XDG_CACHE_HOME: join(dir, 'cache') };
const workers: ChildProcess[] = [];
let cluster = '';
// A file the coordinator reads, outside the workers' --data-dir.
const outside = join(tempDir(), 'elsewhere.gwg');

function ok(r: CliResult): CliResult {
  assert.is(r.status, 0, `exit status ${r.status}; stderr: ${r.stderr}`);
  return r;
}

test.before(async () => {
  ok(gasworks(['token', '--out', tokenFile], { env }));
  ok(gasworks(['generate', 'rmat', '--scale', '9', '--out', join(dir, 'rmat9.gwg'), '-q'], { env }));
  ok(gasworks(['generate', 'rmat', '--scale', '6', '--out', outside, '-q'], { env }));
  const start = (): Promise<string> => {
    const child = gasworksInBackground(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--data-dir', dir], env);
    workers.push(child);
    return workerAddress(child);
  };
  cluster = (await Promise.all([start(), start()])).join(',');
});

test.after(() => {
  for (const child of workers) child.kill('SIGTERM');
});

test('each worker reads its range of the file: the output a streamed run writes, and one process\'s', () => {
  // Run from the data folder, so that --graph names the file as the workers find it under --data-dir.
  const graph = 'rmat9.gwg';
  for (const [program, extra] of [['pagerank', ['--iterations', '10']], ['sssp', ['--source', '3']]] as const) {
    const distributed = join(dir, `${program}-distributed.tsv`);
    const streamed = join(dir, `${program}-streamed.tsv`);
    const one = join(dir, `${program}-one.tsv`);
    const r = ok(gasworks(['run', program, '--graph', graph, '--cluster', cluster, '--load', 'distributed', '--out', distributed, '--json', ...extra], { cwd: dir, env }));
    const summary = JSON.parse(r.stdout) as { edges: number; cluster: { ingress: string; partitioner: string; edges: number } };
    assert.is(summary.cluster.ingress, 'distributed');
    assert.is(summary.cluster.partitioner, 'random');
    assert.is(summary.edges, 512 * 16);
    ok(gasworks(['run', program, '--graph', graph, '--cluster', cluster, '--partitioner', 'random', '--out', streamed, '-q', ...extra], { cwd: dir, env }));
    ok(gasworks(['run', program, '--graph', graph, '--workers', '1', '--out', one, '-q', ...extra], { cwd: dir, env }));
    assert.is(readFileSync(distributed, 'utf8'), readFileSync(streamed, 'utf8'), `${program}: distributed vs streamed`);
    const a = readFileSync(one, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const b = readFileSync(distributed, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    assert.is(a.length, b.length);
    a.forEach(([id, x], i) => {
      assert.is(b[i][0], id);
      assert.ok(x === b[i][1] || Math.abs(Number(x) - Number(b[i][1])) < 1e-15, `${program} vertex ${id}: ${x} vs ${b[i][1]}`);
    });
  }
});

test('a text edge list is read by byte ranges, its ids as vertex ids: the output of the loaded file with --ids identity', () => {
  // Ids 0..199 with gaps (isolated ids are vertices too), a comment, and a weight column.
  const lines = ['# a weighted edge list'];
  for (let i = 0; i < 900; i++) lines.push(`${(i * 37) % 199} ${(i * 53 + 11) % 197} ${1 + (i % 9) / 4}`);
  writeFileSync(join(dir, 'edges.txt'), lines.join('\n') + '\n');
  for (const [program, extra] of [['pagerank', ['--iterations', '10']], ['sssp', ['--source', '11']]] as const) {
    const distributed = join(dir, `${program}-text-distributed.tsv`);
    const loaded = join(dir, `${program}-text-loaded.tsv`);
    const r = ok(gasworks(['run', program, '--graph', 'edges.txt', '--cluster', cluster, '--load', 'distributed', '--out', distributed, '--json', ...extra], { cwd: dir, env }));
    const summary = JSON.parse(r.stdout) as { vertices: number; edges: number; cluster: { ingress: string } };
    assert.is(summary.cluster.ingress, 'distributed');
    assert.is(summary.edges, 900);
    assert.is(summary.vertices, 199);
    ok(gasworks(['run', program, '--graph', 'edges.txt', '--ids', 'identity', '--cluster', cluster, '--partitioner', 'random', '--out', loaded, '-q', ...extra], { cwd: dir, env }));
    assert.is(readFileSync(distributed, 'utf8'), readFileSync(loaded, 'utf8'), `${program}: distributed vs loaded`);
  }
});

test('--load mistakes exit 1 with a message and no stack trace', () => {
  const gwg = join(dir, 'rmat9.gwg');
  expectUserMistakes(
    [
      [['run', 'pagerank', '--graph', gwg, '--load', 'distributed'], /--load distributed is for cluster runs \(give --cluster too\)/],
      [['worker', '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'no-such-folder')], /worker: --data-dir must be a folder; got .*no-such-folder/],
      [['run', 'pagerank', '--graph', gwg, '--cluster', cluster, '--token-file', tokenFile, '--load', 'everywhere'], /--load must be here or distributed; got everywhere/],
      [['run', 'pagerank', '--graph', gwg, '--cluster', cluster, '--token-file', tokenFile, '--load', 'distributed', '--partitioner', 'hdrf'], /--load distributed needs --partitioner random .*got hdrf/],
      [['run', 'pagerank', '--graph', 'edges.txt.gz', '--cluster', cluster, '--token-file', tokenFile, '--load', 'distributed'], /--load distributed reads a directed \.gwg file or a plain \(not gzipped\) text edge list; got --graph edges\.txt\.gz/],
      [['run', 'pagerank', '--graph', 'edges.txt', '--ids', 'dense', '--cluster', cluster, '--token-file', tokenFile, '--load', 'distributed'], /reads a text edge list's ids as vertex ids \(--ids identity/],
      [['run', 'pagerank', '--graph', gwg, '--undirected', '--cluster', cluster, '--token-file', tokenFile, '--load', 'distributed'], /--undirected, --drop-self-loops and --drop-duplicates need the whole graph/],
      [['run', 'label-propagation', '--graph', gwg, '--cluster', cluster, '--token-file', tokenFile, '--load', 'distributed'], /needs a program that reads only the whole graph's view .*label-propagation does not/],
      [['run', 'pagerank', '--graph', 'missing.txt', '--cluster', cluster, '--token-file', tokenFile, '--load', 'distributed'], /no file "missing\.txt" under this worker's --data-dir \(ENOENT\)/],
      [['run', 'pagerank', '--graph', outside, '--cluster', cluster, '--token-file', tokenFile, '--load', 'distributed'], /LoadRange: path must be inside this worker's --data-dir; got ".*elsewhere\.gwg"/],
    ],
    assert,
  );
});

test.run();
