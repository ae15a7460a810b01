/**
 * `gasworks worker` and `gasworks run --cluster` end to end: two worker
 * processes on this machine holding a token, a bundled program and a user's
 * own module (shipped by content) run across them, each `--out` file compared
 * with the same run on one machine; a worker without a token, which runs
 * bundled programs only and refuses to listen beyond loopback; and the
 * mistakes a user makes with the flags.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { gasworks, gasworksInBackground, expectUserMistakes, type CliResult } from './cli-runner.js';
import { tempDir } from '../../helpers.js';
import { workerAddress } from '../../../core/cluster/worker-process.js';
import { workerStatus, type WorkerStatus } from '../../../core/cluster/status.js';

const dir = tempDir();
const EDGES: Array<[number, number]> = [
  [10, 20], [20, 30], [30, 10], [10, 30], [40, 10], [40, 50], [50, 40], [50, 50],
  [7, 10], [7, 40], [30, 1000], [20, 1000], [3, 7], [10, 20], [60, 70], [70, 80],
];
const graphFile = join(dir, 'graph.txt');
writeFileSync(graphFile, EDGES.map(([a, b]) => `${a} ${b}`).join('\n') + '\n');

// The token every command here finds through GASWORKS_TOKEN_FILE (one worker is also given --token-file),
// and a program cache of this test's own (shipped modules land under XDG_CACHE_HOME).
const tokenFile = join(dir, 'cluster.token');
const otherTokenFile = join(dir, 'other.token');
process.env.GASWORKS_TOKEN_FILE = tokenFile;
process.env.XDG_CACHE_HOME = join(dir, 'cache');

const workers: ChildProcess[] = [];
let cluster = '';
let tokenless = '';

/** Start a worker on a free port; resolves to the address it printed. */
function startWorker(extra: string[] = [], env: Record<string, string | undefined> = {}): Promise<string> {
  const child = gasworksInBackground(['worker', '--listen', '127.0.0.1:0', ...extra], env);
  workers.push(child);
  return workerAddress(child);
}

test.before(async () => {
  ok(gasworks(['token', '--out', tokenFile]));
  ok(gasworks(['token', '--out', otherTokenFile]));
  cluster = (await Promise.all([startWorker(['--token-file', tokenFile, '--threads', '2']), startWorker(['--threads', '1'])])).join(',');
  tokenless = await startWorker([], { GASWORKS_TOKEN_FILE: undefined });
});

test.after(() => {
  for (const child of workers) child.kill('SIGTERM');
});

function ok(r: CliResult): CliResult {
  assert.is(r.status, 0, `exit status ${r.status}; stderr: ${r.stderr}`);
  return r;
}

const read = (path: string): string => readFileSync(path, 'utf8');

test('a bundled program on two worker processes writes what one machine writes', () => {
  for (const [program, extra] of [['connected-components', []], ['pagerank', ['--iterations', '12']], ['sssp', ['--source', '7']]] as const) {
    const here = join(dir, `${program}-1.tsv`);
    const there = join(dir, `${program}-cluster.tsv`);
    ok(gasworks(['run', program, '--graph', graphFile, '--workers', '1', '--out', here, '-q', ...extra]));
    const r = ok(gasworks(['run', program, '--graph', graphFile, '--cluster', cluster, '--partitioner', 'greedy', '--out', there, '--json', ...extra]));
    const summary = JSON.parse(r.stdout) as { workers: number; cluster: { machines: number; partitioner: string; workers: string[]; recoveries: number } };
    assert.is(summary.cluster.recoveries, 0);
    assert.is(summary.cluster.machines, 2);
    assert.is(summary.cluster.partitioner, 'greedy');
    assert.equal(summary.cluster.workers, cluster.split(','));
    if (program === 'pagerank') {
      const a = read(here).trim().split('\n').map((l) => l.split('\t'));
      const b = read(there).trim().split('\n').map((l) => l.split('\t'));
      assert.is(a.length, b.length);
      a.forEach(([id, x], i) => {
        assert.is(b[i][0], id);
        assert.ok(Math.abs(Number(x) - Number(b[i][1])) < 1e-15, `${program} vertex ${id}: ${x} vs ${b[i][1]}`);
      });
    } else {
      assert.is(read(there), read(here), program);
    }
  }
});

test('a generated graph is streamed to the machines (random, HDRF): the same output as one process', () => {
  for (const [program, extra] of [['pagerank', ['--iterations', '10']], ['bfs', ['--source', '3']]] as const) {
    const here = join(dir, `${program}-rmat-1.tsv`);
    const there = join(dir, `${program}-rmat-stream.tsv`);
    ok(gasworks(['run', program, '--graph', 'rmat:9:6:4', '--workers', '1', '--out', here, '-q', ...extra]));
    const r = ok(gasworks(['run', program, '--graph', 'rmat:9:6:4', '--cluster', cluster, '--partitioner', 'random', '--out', there, '--json', ...extra]));
    const summary = JSON.parse(r.stdout) as { vertices: number; edges: number; cluster: { ingress: string; edges: number; partitioner: string } };
    assert.is(summary.cluster.ingress, 'stream');
    assert.is(summary.cluster.partitioner, 'random');
    assert.is(summary.edges, 512 * 6);
    assert.is(summary.vertices, 512);
    const a = read(here).trim().split('\n').map((l) => l.split('\t'));
    const b = read(there).trim().split('\n').map((l) => l.split('\t'));
    assert.is(a.length, b.length);
    a.forEach(([id, x], i) => {
      assert.is(b[i][0], id);
      assert.ok(Math.abs(Number(x) - Number(b[i][1])) < 1e-15, `${program} vertex ${id}: ${x} vs ${b[i][1]}`);
    });
  }
  // A directed .gwg file streams as well (its own ids in the output).
  const gwg = join(dir, 'rmat9.gwg');
  ok(gasworks(['generate', 'rmat', '--scale', '9', '--out', gwg, '-q']));
  const fromFile = join(dir, 'pagerank-gwg-stream.tsv');
  const fileRun = ok(gasworks(['run', 'pagerank', '--graph', gwg, '--cluster', cluster, '--iterations', '10', '--out', fromFile, '--json']));
  assert.is((JSON.parse(fileRun.stdout) as { cluster: { ingress: string } }).cluster.ingress, 'stream');
  const oneFile = join(dir, 'pagerank-gwg-1.tsv');
  ok(gasworks(['run', 'pagerank', '--graph', gwg, '--workers', '1', '--iterations', '10', '--out', oneFile, '-q']));
  const x = read(oneFile).trim().split('\n');
  const y = read(fromFile).trim().split('\n');
  assert.is(x.length, y.length);
  x.forEach((line, i) => {
    assert.is(y[i].split('\t')[0], line.split('\t')[0]);
    assert.ok(Math.abs(Number(line.split('\t')[1]) - Number(y[i].split('\t')[1])) < 1e-15, line);
  });
  // HDRF (the default) streams too; a placement that needs the whole graph (NE) loads it, as does a program that reads it.
  const ingressOf = (args: string[]): string => (JSON.parse(ok(gasworks(['run', ...args, '--graph', 'rmat:8', '--cluster', cluster, '--iterations', '3', '--json'])).stdout) as { cluster: { ingress: string } }).cluster.ingress;
  assert.is(ingressOf(['pagerank']), 'stream');
  assert.is(ingressOf(['pagerank', '--partitioner', 'ne']), 'load');
  assert.is(ingressOf(['label-propagation']), 'load');
});

test('recommend train --cluster: ALS across the workers fits the model one machine fits', () => {
  const args = ['recommend', 'train', '--ratings', 'planted:300:200:4', '--rank', '4', '--iterations', '3', '--json', '-q'];
  const here = JSON.parse(ok(gasworks([...args, '--workers', '1'])).stdout) as { testRmse: number; trainRmseByIteration: number[] };
  const there = JSON.parse(ok(gasworks([...args, '--cluster', cluster])).stdout) as { testRmse: number; trainRmseByIteration: number[] };
  assert.ok(Math.abs(here.testRmse - there.testRmse) < 1e-9, `test RMSE ${here.testRmse} on one machine, ${there.testRmse} across two`);
  here.trainRmseByIteration.forEach((x, i) => assert.ok(Math.abs(x - there.trainRmseByIteration[i]) < 1e-9, `iteration ${i + 1}: train RMSE ${x} vs ${there.trainRmseByIteration[i]}`));
});

test('recommend train -a ials --cluster: iALS (whose applies read the aggregated Gram matrices) fits the model one machine fits', () => {
  const args = ['recommend', 'train', '--ratings', 'planted:300:200:4', '-a', 'ials', '--rank', '4', '--iterations', '3', '--json', '-q'];
  const here = JSON.parse(ok(gasworks([...args, '--workers', '1'])).stdout) as { precisionAtK: number; trainRmseByIteration: number[] };
  const there = JSON.parse(ok(gasworks([...args, '--cluster', cluster])).stdout) as { precisionAtK: number; trainRmseByIteration: number[] };
  assert.is(there.trainRmseByIteration.length, 3);
  here.trainRmseByIteration.forEach((x, i) => assert.ok(Math.abs(x - there.trainRmseByIteration[i]) < 1e-9, `iteration ${i + 1}: objective ${x} vs ${there.trainRmseByIteration[i]}`));
  assert.is(there.precisionAtK, here.precisionAtK);
});

test("a user's own program module runs on the cluster (shipped by content to the workers, which hold the token)", () => {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const programModule = new URL(`../../../core/program${ext}`, import.meta.url).href;
  const programFile = join(dir, `in-count${ext === '.ts' ? '.mts' : '.mjs'}`);
  writeFileSync(
    programFile,
    `import { defineProgram } from ${JSON.stringify(programModule)};
export default defineProgram({
  name: 'in-count',
  url: import.meta.url,
  vertex: { count: 'f64' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'in',
  scatterEdges: 'none',
  activation: 'all',
  dataAccess: 'gas',
  create({ vertex }) {
    const count = vertex.count;
    return { gather: () => 1, apply(v, acc) { count[v] = acc; return true; } };
  },
});
`,
  );
  const out = join(dir, 'in-count.tsv');
  ok(gasworks(['run', programFile, '--graph', graphFile, '--cluster', cluster, '--iterations', '1', '--out', out, '-q']));
  for (const line of read(out).trim().split('\n')) {
    const [id, count] = line.split('\t').map(Number);
    assert.is(count, EDGES.filter(([, b]) => b === id).length, `vertex ${id}`);
  }
  // The workers cached the shipped module by its hash.
  const cached = readdirSync(join(dir, 'cache', 'gasworks', 'programs')).filter((f) => /^[0-9a-f]{64}\.mjs$/.test(f));
  assert.is(cached.length, 1);
  // A worker without a token runs bundled programs, never a shipped one.
  const unauthenticated = { GASWORKS_TOKEN_FILE: undefined };
  ok(gasworks(['run', 'connected-components', '--graph', graphFile, '--cluster', tokenless, '-q'], { env: unauthenticated }));
  const refused = gasworks(['run', programFile, '--graph', graphFile, '--cluster', tokenless, '--iterations', '1', '-q'], { env: unauthenticated });
  assert.is(refused.status, 1);
  assert.match(refused.stderr, /has no cluster token, so it runs bundled programs only/);
});

/** A program module whose apply sleeps `ms` at vertex 0 each superstep: a run that lasts. */
function slowProgram(ms: number): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const programModule = new URL(`../../../core/program${ext}`, import.meta.url).href;
  const file = join(dir, `slow-${ms}.mjs`);
  writeFileSync(
    file,
    `import { defineProgram } from ${JSON.stringify(programModule)};
const pause = new Int32Array(new SharedArrayBuffer(4));
export default defineProgram({
  name: 'slow', url: import.meta.url, vertex: { x: 'f64' }, params: {}, accumulator: { kind: 'scalar' },
  gatherEdges: 'in', scatterEdges: 'none', activation: 'all', dataAccess: 'gas',
  create: () => ({ apply(v) { if (v === 0) Atomics.wait(pause, 0, 0, ${ms}); return true; } }),
});
`,
  );
  return file;
}

test('a run longer than its lease lives on (its coordinator renews it); a killed coordinator\'s job is dropped', async () => {
  // Four supersteps per call of 400 ms each: every call outlasts the 1 s lease.
  const slow = slowProgram(400);
  ok(gasworks(['run', slow, '--graph', graphFile, '--cluster', cluster, '--iterations', '4', '--lease', '1', '-q']));
  const addresses = cluster.split(',');
  const security = { token: readFileSync(tokenFile, 'utf8').trim() };
  const statuses = (): Promise<WorkerStatus[]> => Promise.all(addresses.map((a) => workerStatus(a, { security })));
  const expiredBefore = (await statuses()).reduce((sum, s) => sum + s.expired, 0);
  const coordinator = gasworksInBackground(['run', slow, '--graph', graphFile, '--cluster', cluster, '--iterations', '1000', '--lease', '1', '-q']);
  try {
    let held: WorkerStatus[] = [];
    for (let i = 0; i < 100 && held.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      held = (await statuses()).filter((s) => s.jobs.length === 1);
    }
    assert.is(held.length, 2, 'the job was set up on both workers');
    // Each worker runs the job on its --threads.
    assert.equal(held.map((s) => s.jobs[0].threads), [2, 1]);
  } finally {
    coordinator.kill('SIGKILL');
  }
  let left = 2;
  for (let i = 0; i < 60 && left > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = (await statuses()).reduce((sum, s) => sum + s.jobs.length, 0);
  }
  assert.is(left, 0, 'the killed coordinator\'s job is gone from every worker');
  assert.is((await statuses()).reduce((sum, s) => sum + s.expired, 0) - expiredBefore, 2);
  // gasworks status shows the workers, now without jobs.
  const shown = ok(gasworks(['status', '--cluster', cluster, '--json']));
  const parsed = JSON.parse(shown.stdout) as Array<{ address: string; jobs: unknown[]; rssBytes: number }>;
  assert.equal(parsed.map((s) => [s.address, s.jobs.length]), addresses.map((a) => [a, 0]));
  assert.match(ok(gasworks(['status', '--cluster', cluster])).stdout, /none/);
});

test('a worker without a token listens on loopback only, unless told --insecure', async () => {
  const env = { GASWORKS_TOKEN_FILE: undefined };
  const refused = gasworks(['worker', '--listen', '0.0.0.0:0'], { env });
  assert.is(refused.status, 1);
  assert.match(refused.stderr, /a worker without the cluster token listens on loopback only.*--token-file F.*--insecure; got 0\.0\.0\.0:0/);
  assert.not.match(refused.stderr, /\n\s+at /);
  const insecure = await startWorker(['--insecure'].concat([]), env).catch((e: Error) => e.message);
  assert.match(String(insecure), /^127\.0\.0\.1:\d+$/);
  const open = gasworksInBackground(['worker', '--listen', '0.0.0.0:0', '--insecure'], env);
  workers.push(open);
  assert.match(await workerAddress(open), /^0\.0\.0\.0:\d+$/);
});

test('workers given --checkpoint-dir keep the checkpoints, each its part, and leave none behind', async () => {
  const shared = join(dir, 'shared-checkpoints');
  const pair = (await Promise.all([startWorker(['--threads', '1', '--checkpoint-dir', shared]), startWorker(['--threads', '1', '--checkpoint-dir', shared])])).join(',');
  const here = join(dir, 'pagerank-ckpt-1.tsv');
  const there = join(dir, 'pagerank-ckpt.tsv');
  ok(gasworks(['run', 'pagerank', '--graph', 'rmat:8', '--workers', '1', '--iterations', '7', '--out', here, '-q']));
  const r = ok(gasworks(['run', 'pagerank', '--graph', 'rmat:8', '--cluster', pair, '--checkpoint-every', '2', '--iterations', '7', '--out', there, '--json']));
  const summary = JSON.parse(r.stdout) as { cluster: { checkpointsAt: string; checkpoints: number } };
  assert.is(summary.cluster.checkpointsAt, 'workers');
  assert.is(summary.cluster.checkpoints, 4);
  const a = read(here).trim().split('\n');
  const b = read(there).trim().split('\n');
  a.forEach((line, i) => assert.ok(Math.abs(Number(line.split('\t')[1]) - Number(b[i].split('\t')[1])) < 1e-15, line));
  for (let i = 0; i < 50 && readdirSync(shared).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(readdirSync(shared), []);
  const bad = gasworks(['worker', '--listen', '127.0.0.1:0', '--checkpoint-dir', join(graphFile, 'sub')]);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /worker: --checkpoint-dir must be a folder this worker can write; got .*graph\.txt\/sub \(ENOTDIR\)/);
});

test('cluster mistakes exit 1 with a message and no stack trace', () => {
  expectUserMistakes(
    [
      [['run', 'pagerank', '--graph', graphFile, '--cluster', 'no-port'], /--cluster.*expected host:port.*no-port/],
      [['run', 'pagerank', '--graph', graphFile, '--cluster', cluster, '--workers', '2'], /--workers is for one machine/],
      [['run', 'pagerank', '--graph', graphFile, '--cluster', cluster, '--engine', 'async'], /cluster run uses the sync engine/],
      [['run', 'pagerank', '--graph', graphFile, '--cluster', cluster, '--partitioner', 'edge-cut'], /edge-cut; the cluster runs on vertex-cuts/],
      [['run', 'belief-propagation', '--graph', graphFile, '--cluster', cluster], /runs on one machine only/],
      [['run', 'pagerank', '--graph', graphFile, '--cluster', '127.0.0.1:1'], /cannot reach worker 127\.0\.0\.1:1/],
      [['worker', '--listen', 'nowhere'], /expected host:port/],
      [['run', 'pagerank', '--graph', graphFile, '--spare', cluster], /--spare, --checkpoint-every and --lease are for cluster runs/],
      [['run', 'pagerank', '--graph', graphFile, '--cluster', cluster, '--spare', 'x'], /--spare.*expected host:port/],
      [['recommend', 'train', '--ratings', 'planted:50:40:3', '--algo', 'sgd', '--cluster', cluster], /ALS and iALS train across machines, and SGD with schedule 'strata' \(DSGD\)/],
      [['recommend', 'train', '--ratings', 'planted:50:40:3', '--algo', 'svdpp', '--cluster', cluster], /SVD\+\+ and Hogwild! SGD update the items of every rating in place/],
      [['run', 'pagerank', '--graph', graphFile, '--cluster', cluster, '--token-file', otherTokenFile], /refused: a wrong credential \(another cluster token, or meant for another worker\?\).*give the coordinator the workers' token/],
      [['run', 'pagerank', '--graph', graphFile, '--cluster', cluster, '--token-file', graphFile], /token file .*graph\.txt must hold one secret of at least 32 characters/],
      [['run', 'pagerank', '--graph', graphFile, '--token-file', tokenFile], /--token-file and --tls-\* are for cluster runs/],
      [['worker', '--listen', '0.0.0.0:0', '--token-file', join(dir, 'missing.token')], /cannot read the token file .*missing\.token: ENOENT/],
      [['token', '--out', tokenFile], /exists; remove it first/],
      [['status', '--cluster', cluster, '--token-file', otherTokenFile], /status: 2 of 2 workers did not answer: .*refused: a wrong credential/],
    ],
    assert,
  );
});

test.run();
