/**
 * `gasworks recommend` as a user meets it, in a child process: train on a
 * MovieLens-style file with a test file, --json and --save, then `top` from
 * the saved model with the user's rated items skipped; the default (generated
 * ratings, hold-out split); and user mistakes that exit 1 with one line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectUserMistakes, gasworks, type CliResult } from './cli-runner.js';
import { plantedRatings } from '../../../apps/recommender/source.js';
import { splitRatings } from '../../../apps/recommender/split.js';
import type { Ratings } from '../../../core/graph/loaders/movielens.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();

function ok(r: CliResult): CliResult {
  assert.is(r.status, 0, `exit status ${r.status}; stderr: ${r.stderr}`);
  return r;
}

/** u.data style lines (user, item, rating, time), with file ids offset so they are not 0..n-1. */
function writeRatings(path: string, r: Ratings): void {
  const lines: string[] = [];
  for (let k = 0; k < r.count; k++) lines.push(`${r.userIds[r.users[k]] + 100}\t${r.itemIds[r.items[k]] * 3}\t${Math.round(r.values[k])}\t${880000000 + k}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

const { train, test: held } = splitRatings(plantedRatings(150, 60, 3, 4), 0.2, 2);
const trainFile = join(dir, 'u1.base');
const testFile = join(dir, 'u1.test');
writeRatings(trainFile, train);
writeRatings(testFile, held);

test('recommend train --json --save, then recommend top skipping rated items', () => {
  const model = join(dir, 'model.gwm');
  const r = ok(gasworks(['recommend', 'train', '-r', trainFile, '-t', testFile, '--rank', '3', '-i', '8', '-w', '2', '--save', model, '--json']));
  const s = JSON.parse(r.stdout);
  assert.is(s.trainRatings, train.count);
  assert.is(s.testRatings, held.count);
  assert.is(s.trainRmseByIteration.length, 8);
  assert.ok(s.testRmse > 0 && s.testRmse < 0.8, `test RMSE ${s.testRmse}`);
  assert.ok(s.trainRmse < s.trainRmseByIteration[0], 'training RMSE should fall');
  for (const key of ['precisionAtK', 'recallAtK', 'ndcgAtK']) assert.ok(s[key] >= 0 && s[key] <= 1, `${key} ${s[key]}`);
  assert.is(s.baseline.name, 'popularity');
  assert.is(s.baseline.rankedUsers, s.rankedUsers);
  for (const key of ['precisionAtK', 'recallAtK', 'ndcgAtK']) assert.ok(s.baseline[key] >= 0 && s.baseline[key] <= 1, `baseline ${key} ${s.baseline[key]}`);
  const user = train.userIds[train.users[0]] + 100;
  const top = JSON.parse(ok(gasworks(['recommend', 'top', '-m', model, '-u', String(user), '-n', '5', '-r', trainFile, '--json'])).stdout);
  assert.is(top.user, user);
  assert.is(top.items.length, 5);
  const rated = new Set<number>();
  for (let k = 0; k < train.count; k++) if (train.userIds[train.users[k]] + 100 === user) rated.add(train.itemIds[train.items[k]] * 3);
  for (const item of top.items) assert.not.ok(rated.has(item.item), `item ${item.item} was rated in training`);
  for (let i = 1; i < top.items.length; i++) assert.ok(top.items[i].score <= top.items[i - 1].score, 'best first');
});

test('recommend top --items: a plain ranked table with titles and reasons; similar; no -m trains iALS on -r', () => {
  const titles = join(dir, 'titles.csv');
  const itemIds = new Set<number>();
  for (let k = 0; k < train.count; k++) itemIds.add(train.itemIds[train.items[k]] * 3);
  writeFileSync(titles, 'id,title\n' + [...itemIds].map((id) => `${id},"Film ${id}, The"`).join('\n') + '\n');
  const user = String(train.userIds[train.users[0]] + 100);
  const table = ok(gasworks(['recommend', 'top', '-u', user, '-n', '4', '-r', trainFile, '--items', titles, '-q'])).stdout.split('\n');
  assert.match(table[0], new RegExp(`^top 4 for user ${user}: iALS trained on .*u1\\.base \\(rank 40\\); \\d+ rated items skipped$`));
  assert.match(table[1], /^ *# +item +title +score +because you rated$/);
  assert.match(table[2], /^-+  -+  -+  -+  -+$/);
  assert.is(table.filter((l) => /^ *\d+ +\d+ +Film \d+, The +[0-9.]+ +Film \d+, The \([-0-9.]+\)$/.test(l)).length, 4, table.join('\n'));
  const json = JSON.parse(ok(gasworks(['recommend', 'top', '-u', user, '-n', '4', '-r', trainFile, '--items', titles, '--json', '-q'])).stdout);
  assert.is(json.algo, 'ials');
  assert.is(json.items.length, 4);
  for (const l of json.items) {
    assert.is(l.title, `Film ${l.item}, The`);
    assert.ok(Number.isFinite(l.score) && l.because.similarity <= 1 + 1e-12);
  }
  const item = String([...itemIds][0]);
  const similar = JSON.parse(ok(gasworks(['recommend', 'similar', '--item', item, '-r', trainFile, '-n', '3', '--items', titles, '--json', '-q'])).stdout);
  assert.is(similar.item, Number(item));
  assert.is(similar.title, `Film ${item}, The`);
  assert.is(similar.items.length, 3);
  assert.ok(similar.items.every((s: { item: number; similarity: number }) => s.item !== Number(item) && s.similarity <= 1 + 1e-12));
  for (let i = 1; i < 3; i++) assert.ok(similar.items[i].similarity <= similar.items[i - 1].similarity);
  assert.match(ok(gasworks(['recommend', 'similar', '--item', item, '-r', trainFile, '-n', '3', '-q'])).stdout, new RegExp(`^3 items most like item ${item}: iALS`));
});

test('recommend train with no arguments runs on generated ratings and prints a table; --algo sgd', () => {
  const r = ok(gasworks(['recommend', 'train', '-i', '2', '-w', '1']));
  assert.match(r.stdout, 'test RMSE');
  assert.match(r.stdout, 'planted:2000:1000:5');
  assert.match(r.stdout, /popularity baseline @10 +[0-9.]+ \/ [0-9.]+ \/ [0-9.]+/);
  const s = JSON.parse(ok(gasworks(['recommend', 'train', '-r', trainFile, '-t', testFile, '-a', 'sgd', '-i', '20', '--learning-rate', '0.03', '--rank', '3', '--json'])).stdout);
  assert.is(s.algo, 'sgd');
  assert.is(s.trainRmseByIteration.length, 20);
  assert.ok(s.testRmse < 0.8, `SGD test RMSE ${s.testRmse}`);
});

test('recommend train -a ials: ranking figures beside the baseline, no rating error; the table says so', () => {
  const args = ['recommend', 'train', '-r', trainFile, '-t', testFile, '-a', 'ials', '--rank', '3', '-i', '4', '--alpha', '2', '--lambda', '1'];
  const s = JSON.parse(ok(gasworks([...args, '--json'])).stdout);
  assert.is(s.algo, 'ials');
  assert.equal(s.params, { rank: 3, lambda: 1, alpha: 2, seed: 1, solver: 'cholesky', iterations: 4 });
  assert.is(s.testRmse, null);
  assert.is(s.trainRmseByIteration.length, 4);
  assert.ok(s.precisionAtK > 0 && s.baseline.precisionAtK > 0, `precision ${s.precisionAtK}, baseline ${s.baseline.precisionAtK}`);
  const table = ok(gasworks([...args, '--solver', 'cg', '--cg-steps', '2'])).stdout;
  assert.match(table, /iALS, rank 3, lambda 1, alpha 2, conjugate gradient \(2 steps\), 4 iterations/);
  assert.match(table, /none \(iALS ranks items; it predicts no ratings\)/);
});

test('recommend train -a svdpp: a rating model that learns the planted ratings', () => {
  const s = JSON.parse(ok(gasworks(['recommend', 'train', '-r', trainFile, '-t', testFile, '-a', 'svdpp', '--rank', '3', '-i', '30', '--learning-rate', '0.03', '--json'])).stdout);
  assert.is(s.algo, 'svdpp');
  assert.equal(s.params, { rank: 3, lambda: 0.1, seed: 1, learningRate: 0.03, biases: true, iterations: 30 });
  assert.ok(s.testRmse > 0 && s.testRmse < 0.8, `SVD++ test RMSE ${s.testRmse}`);
  assert.ok(s.trainRmse < s.trainRmseByIteration[0]);
});

test('recommend tune: a table best first, an SVG plot, and a train command that reproduces the best score', () => {
  const plot = join(dir, 'tune.svg');
  const args = ['recommend', 'tune', '-r', trainFile, '-t', testFile, '-a', 'als', '--rank', '2,3', '--lambda', '0.05,0.2', '-i', '4'];
  const s = JSON.parse(ok(gasworks([...args, '--plot', plot, '--json'])).stdout);
  assert.is(s.trials.length, 4);
  assert.is(s.best.score, Math.min(...s.trials.map((t: { score: number }) => t.score)));
  assert.match(readFileSync(plot, 'utf8'), /^<svg[^>]*>.*recommend tune: als, test RMSE \(given split\)/s);
  assert.match(s.command, /^gasworks recommend train -r \S+u1\.base -t \S+u1\.test -a als --rank \d --lambda [0-9.]+ -i 4 --seed 1$/);
  const again = JSON.parse(ok(gasworks([...s.command.split(' ').slice(1), '--json'])).stdout);
  assert.is(again.testRmse, s.best.score);
  const table = ok(gasworks([...args, '--no-plot', '-q'])).stdout.split('\n');
  assert.match(table[0], /^recommend tune: als, 4 settings, given split, grid search \(seed 1\)$/);
  assert.match(table[1], /^#  rank  lambda  iterations  test RMSE$/);
  assert.match(table[3], new RegExp(`^1 +${s.best.params.rank} +${s.best.params.lambda} +4 +${s.best.score.toFixed(4)}$`));
  assert.match(table.at(-2)!, /^gasworks recommend train /);
  const folds = JSON.parse(ok(gasworks(['recommend', 'tune', '-r', trainFile, '-a', 'ials', '--rank', '2', '--alpha', '0.5,1', '-i', '3', '--folds', '3', '--no-plot', '--json'])).stdout);
  assert.is(folds.metric, 'precision');
  assert.is(folds.trials[0].folds.length, 3);
});

test('recommend train --kernels cpu and gpu give the engine\'s figures (bit for bit on cpu, to 32-bit precision on gpu.js)', () => {
  const args = ['recommend', 'train', '-r', trainFile, '-t', testFile, '--rank', '3', '-i', '4', '--json'];
  const engine = JSON.parse(ok(gasworks([...args, '-w', '1'])).stdout);
  const cpu = JSON.parse(ok(gasworks([...args, '--kernels', 'cpu'])).stdout);
  const gpu = JSON.parse(ok(gasworks([...args, '--kernels', 'gpu'])).stdout);
  assert.is(engine.kernels, 'engine');
  assert.is(cpu.kernels, 'cpu');
  assert.match(gpu.kernels, /Kernel$/);
  assert.equal(cpu.trainRmseByIteration, engine.trainRmseByIteration);
  assert.is(cpu.testRmse, engine.testRmse);
  assert.ok(Math.abs(gpu.testRmse - engine.testRmse) < 1e-5, `gpu.js test RMSE ${gpu.testRmse} vs ${engine.testRmse}`);
  assert.ok(Math.abs(gpu.ndcgAtK - engine.ndcgAtK) < 1e-3, `gpu.js NDCG ${gpu.ndcgAtK} vs ${engine.ndcgAtK}`);
});

test('recommend train -a sgd --schedule strata: the same figures on 1 and 2 workers', () => {
  const args = ['recommend', 'train', '-r', trainFile, '-t', testFile, '-a', 'sgd', '--rank', '3', '-i', '6', '--schedule', 'strata', '--strata', '4', '--json'];
  const one = JSON.parse(ok(gasworks([...args, '-w', '1'])).stdout);
  const two = JSON.parse(ok(gasworks([...args, '-w', '2'])).stdout);
  assert.is(one.kernels, 'strata');
  assert.is(one.params.strata, 4);
  assert.equal(two.trainRmseByIteration, one.trainRmseByIteration);
  assert.is(two.testRmse, one.testRmse);
  assert.ok(one.testRmse < 1.2, `test RMSE ${one.testRmse}`);
});

test('recommend train: an SGD learning rate that diverges stops with one line naming it, exit 1, and saves nothing', () => {
  const model = join(dir, 'diverged.gwm');
  const r = gasworks(['recommend', 'train', '-r', trainFile, '-t', testFile, '-a', 'sgd', '--learning-rate', '1000', '--save', model]);
  assert.is(r.status, 1, r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^gasworks: recommend train: SGD diverged in epoch 1 .*: lower --learning-rate \(now 1000\); no model kept\n$/);
  assert.is(r.stdout, '');
  assert.not.ok(readdirSync(dir).some((name) => name.includes('diverged')), `left ${readdirSync(dir).join(', ')}`);
});

test('recommend: user mistakes exit 1 with a message and no stack trace', () => {
  const bad = join(dir, 'bad.data');
  writeFileSync(bad, '1\t2\t4\n1\tx\t3\n');
  expectUserMistakes([
    [['recommend', 'train', '-r', bad], /bad\.data:2: expected a non-negative integer item id/],
    [['recommend', 'train', '-r', 'planted:10'], /planted:USERS:ITEMS/],
    [['recommend', 'train', '--rank', '0'], /positive integer/],
    [['recommend', 'train', '--algo', 'svd'], /--algo must be als, sgd, svdpp or ials; got "svd"/],
    [['recommend', 'train', '--learning-rate', '0.1'], /--learning-rate is for --algo sgd and svdpp \(als takes no step size\)/],
    [['recommend', 'train', '--alpha', '2'], /--alpha is for --algo ials/],
    [['recommend', 'train', '-a', 'ials', '--solver', 'lu'], /--solver must be cholesky or cg; got "lu"/],
    [['recommend', 'train', '-a', 'ials', '--cg-steps', '2'], /--cg-steps goes with --solver cg/],
    [['recommend', 'train', '-a', 'sgd', '--solver', 'cg'], /--solver is for --algo als and ials/],
    [['recommend', 'train', '--solver', 'cg', '--kernels', 'cpu'], /--solver cg runs on the engine; --kernels cpu solves by Cholesky/],
    [['recommend', 'train', '-a', 'ials', '--no-biases'], /--no-biases is for als and sgd/],
    [['recommend', 'train', '-t', 'planted:10:10'], /--test takes a ratings file/],
    [['recommend', 'top', '-m', trainFile, '-u', '1'], /not a gasworks model/],
    [['recommend', 'tune', '-r', trainFile, '-a', 'ials', '--metric', 'rmse'], /recommend tune: --metric rmse is for rating models/],
    [['recommend', 'tune', '-r', trainFile, '--alpha', '1'], /recommend tune: --alpha is for --algo ials/],
    [['recommend', 'tune', '-r', trainFile, '--rank', '2.5'], /recommend tune: --rank takes positive integers; got 2.5/],
    [['recommend', 'tune', '-r', trainFile, '--lambda', 'a,b'], /--lambda <list>' argument 'a,b' is invalid/],
    [['recommend', 'tune', '-r', trainFile, '-t', testFile, '--folds', '3'], /recommend tune: --folds is for cross-validation/],
    [['recommend', 'top', '-u', '1'], /recommend top: give a saved model \(-m FILE\) or ratings to train one on \(-r FILE\)/],
    [['recommend', 'top', '-u', '99999', '-r', trainFile, '-q'], /recommend top: --user must be a user id in the model \(150 of them, ids 101 to 250\); got 99999/],
    [['recommend', 'similar', '--item', 'x', '-r', trainFile, '-q'], /recommend similar: --item must be an item id in the model .*; got x/],
    [['recommend', 'top', '-u', '101', '-r', trainFile, '--items', bad], /bad\.data:1: expected an item id \(a whole number\) in column 1, found "1\\t2\\t4"/],
    [['recommend', 'train', '--kernels', 'tpu'], /--kernels must be engine, cpu or gpu; got "tpu"/],
    [['recommend', 'train', '--kernels', 'gpu', '-w', '2'], /--kernels gpu runs on one thread of this machine/],
    [['recommend', 'train', '--kernels', 'cpu', '-a', 'sgd'], /--kernels cpu is for ALS/],
    [['recommend', 'train', '--schedule', 'strata'], /--schedule strata is for --algo sgd/],
    [['recommend', 'train', '-a', 'sgd', '--schedule', 'lanes'], /--schedule must be hogwild or strata; got "lanes"/],
    [['recommend', 'train', '-a', 'sgd', '--strata', '3'], /--strata goes with --schedule strata/],
  ] as const, assert);
});

test.run();
