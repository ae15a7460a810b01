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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { gasworks, gasworksInBackground, expectUserMistakes, type CliResult } from './cli-runner.js';
import { tempDir } from '../../helpers.js';
import { workerAddress } from '../../../core/cluster/worker-process.js';

const dir = tempDir();
const tokenFile = join(dir, 'cluster.token');
process.env.GASWORKS_TOKEN_FILE = tokenFile;
process.env.XDG_CACHE_HOME = join(dir, 'cache');
const workers: ChildProcess[] = [];
let cluster = '';
// A file the coordinator reads, outside the workers' --data-dir.
const outside = join(tempDir(), 'elsewhere.gwg');

function ok(r: CliResult): CliResult {
  assert.is(r.status, 0, `exit status ${r.status}; stderr: ${r.stderr}`);
  return r;
}

test.before(async () => {
  ok(gasworks(['token', '--out', tokenFile]));
  ok(gasworks(['generate', 'rmat', '--scale', '9', '--out', join(dir, 'rmat9.gwg'), '-q']));
  ok(gasworks(['generate', 'rmat', '--scale', '6', '--out', outside, '-q']));
  const start = (): Promise<string> => {
    const child = gasworksInBackground(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--data-dir', dir]);
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
    const r = ok(gasworks(['run', program, '--graph', graph, '--cluster', cluster, '--load', 'distributed', '--out', distributed, '--json', ...extra], { cwd: dir }));
    const summary = JSON.parse(r.stdout) as { edges: number; cluster: { ingress: string; partitioner: string; edges: number } };
    assert.is(summary.cluster.ingress, 'distributed');
    assert.is(summary.cluster.partitioner, 'random');
    assert.is(summary.edges, 512 * 16);
    ok(gasworks(['run', program, '--graph', graph, '--cluster', cluster, '--partitioner', 'random', '--out', streamed, '-q', ...extra], { cwd: dir }));
    ok(gasworks(['run', program, '--graph', graph, '--workers', '1', '--out', one, '-q', ...extra], { cwd: dir }));
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

test('--load mistakes exit 1 with a message and no stack trace', () => {
  const gwg = join(dir, 'rmat9.gwg');
  expectUserMistakes(
    [
      [['run', 'pagerank', '--graph', gwg, '--load', 'distributed'], /--load distributed is for cluster runs \(give --cluster too\)/],
      [['run', 'pagerank', '--graph', gwg, '--cluster', cluster, '--load', 'everywhere'], /--load must be here or distributed; got everywhere/],
      [['run', 'pagerank', '--graph', gwg, '--cluster', cluster, '--load', 'distributed', '--partitioner', 'hdrf'], /--load distributed needs --partitioner random .*got hdrf/],
      [['run', 'pagerank', '--graph', 'rmat:8', '--cluster', cluster, '--load', 'distributed'], /--load distributed reads a directed \.gwg graph file .*got --graph rmat:8/],
      [['run', 'label-propagation', '--graph', gwg, '--cluster', cluster, '--load', 'distributed'], /label-propagation does not\)/],
      [['run', 'pagerank', '--graph', outside, '--cluster', cluster, '--load', 'distributed'], /LoadRange: path must be inside this worker's --data-dir; got ".*elsewhere\.gwg"/],
    ],
    assert,
  );
});

test.run();
