/**
 * Stratified SGD across machines (DSGD: apps/recommender/strata-cluster.ts):
 * on 1, 2 and 3 `gasworks worker` processes holding a token (started once,
 * killed at the end), with as many strata as machines and more (uneven
 * ownership), the model and the RMSE of every epoch equal the one-process
 * stratified run's bit for bit, and with one stratum that is the SGD vertex
 * program's one-thread model (sgd-strata.test.ts); the command line says so too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { readSecurityFiles, type ClusterSecurity } from '../../../core/cluster/security.js';
import { workerAddress } from '../../../core/cluster/worker-process.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { splitRatings } from '../../../apps/recommender/split.js';
import { trainFactorModel } from '../../../apps/recommender/train.js';
import { gasworks, gasworksInBackground } from '../cli/cli-runner.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
const tokenFile = join(dir, 'cluster.token');
const children: ChildProcess[] = [];
let workers: string[] = [];
let security: ClusterSecurity;
const { train } = splitRatings(plantedRatings(400, 150, 3, 6), 0.2, 2);

test.before(async () => {
  const made = gasworks(['token', '--out', tokenFile]);
  assert.is(made.status, 0, made.stderr);
  security = readSecurityFiles('test', { tokenFile });
  for (let i = 0; i < 3; i++) children.push(gasworksInBackground(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--token-file', tokenFile]));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the workers did not listen within 20 s')), 20_000);
  });
  try {
    workers = await Promise.race([Promise.all(children.map(workerAddress)), late]);
  } finally {
    clearTimeout(timer);
  }
});

test.after(() => {
  for (const child of children) {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  }
});

test('DSGD on 1, 2 and 3 machines: the one-process stratified model and errors, bit for bit', async () => {
  for (const strata of [3, 5]) {
    const common = { algo: 'sgd' as const, rank: 4, iterations: 3, schedule: 'strata' as const, strata, seed: 3 };
    const one = await trainFactorModel(train, { ...common, workers: 1 });
    for (const machines of [1, 2, 3]) {
      const many = await trainFactorModel(train, { ...common, cluster: workers.slice(0, machines), security });
      assert.equal(Array.from(many.model.users), Array.from(one.model.users), `${strata} strata, ${machines} machines: users`);
      assert.equal(Array.from(many.model.items), Array.from(one.model.items), `${strata} strata, ${machines} machines: items`);
      assert.equal(many.trainRmse, one.trainRmse, `${strata} strata, ${machines} machines: RMSE per epoch`);
    }
  }
});

test('gasworks recommend train -a sgd --schedule strata --cluster: the one-process JSON; hogwild SGD is refused across machines', () => {
  const args = ['recommend', 'train', '-r', 'planted:300:100:5', '-a', 'sgd', '--schedule', 'strata', '--strata', '4', '-i', '3', '--json', '-q'];
  const here = gasworks([...args, '--workers', '1']);
  const there = gasworks([...args, '--cluster', workers.slice(0, 2).join(','), '--token-file', tokenFile]);
  assert.is(there.status, 0, there.stderr);
  const a = JSON.parse(here.stdout) as { trainRmseByIteration: number[]; testRmse: number };
  const b = JSON.parse(there.stdout) as { trainRmseByIteration: number[]; testRmse: number };
  assert.equal(b.trainRmseByIteration, a.trainRmseByIteration);
  assert.is(b.testRmse, a.testRmse);
  const hogwild = gasworks(['recommend', 'train', '-r', 'planted:300:100:5', '-a', 'sgd', '--cluster', workers[0], '--token-file', tokenFile, '-q']);
  assert.is(hogwild.status, 1);
  assert.match(hogwild.stderr, /and SGD with schedule 'strata' \(DSGD\); SVD\+\+ and Hogwild! SGD update the items of every rating in place/);
});

test.run();
