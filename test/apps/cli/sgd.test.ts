/**
 * `gasworks sgd` as a user meets it, in a child process: a LIBSVM file with a
 * test file under each consistency model, --json; the default (planted data);
 * and user mistakes that exit 1 with one line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectUserMistakes, gasworks } from './cli-runner.js';
import { plantedLogistic } from '../../../apps/sgd/synthetic.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();

function writeLibsvm(path: string, lo: number, hi: number, data: ReturnType<typeof plantedLogistic>): void {
  const lines: string[] = [];
  for (let k = lo; k < hi; k++) {
    const features: string[] = [];
    for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) features.push(`${data.indices[q] + 1}:${data.values[q]}`);
    lines.push(`${data.labels[k] > 0 ? '+1' : '-1'} ${features.join(' ')}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

const data = plantedLogistic({ examples: 3000, features: 60, nonzeros: 8, seed: 2 });
const trainFile = join(dir, 'train.svm');
const testFile = join(dir, 'test.svm');
writeLibsvm(trainFile, 0, 2500, data);
writeLibsvm(testFile, 2500, 3000, data);

test('sgd --json on a LIBSVM file with a test file, every consistency model on 2 workers', () => {
  for (const consistency of ['bsp', 'ssp', 'async', 'easgd']) {
    const r = gasworks(['sgd', '--train', trainFile, '--test', testFile, '-c', consistency, '-w', '2', '-e', '8', '--learning-rate', '0.5', '--json']);
    assert.is(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.is(s.examples, 2500);
    assert.is(s.consistency, consistency);
    assert.is(s.trainLogLossByEpoch.length, 8);
    assert.ok(s.accuracy > 0.75, `${consistency}: test accuracy ${s.accuracy}`);
    assert.ok(s.auc > 0.8, `${consistency}: test AUC ${s.auc}`);
  }
});

test('sgd on planted examples holds out a test share and learns them', () => {
  const r = gasworks(['sgd', '--train', 'planted:4000:100:10', '-e', '3', '-w', '1']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, 'test accuracy / log-loss / AUC');
  const s = JSON.parse(gasworks(['sgd', '--train', 'planted:4000:100:10', '-e', '5', '-w', '1', '--json']).stdout);
  assert.is(s.examples + s.testExamples, 4000);
  assert.ok(Math.abs(s.testExamples / 4000 - 0.2) < 0.03, `test share ${s.testExamples}`);
  assert.ok(s.accuracy > 0.75, `held-out accuracy ${s.accuracy}`);
});

test('sgd: user mistakes exit 1 with a message and no stack trace', () => {
  const bad = join(dir, 'bad.svm');
  writeFileSync(bad, '+1 1:0.5 3:1\n-1 2:x\n');
  expectUserMistakes(
    [
      [['sgd', '--train', bad], /bad\.svm:2/],
      [['sgd', '-c', 'gossip'], /--consistency must be one of bsp, ssp, async, easgd/],
      [['sgd', '--train', 'planted:10:5'], /planted:EXAMPLES:FEATURES:NONZEROS/],
      [['sgd', '--alpha', '3'], /in \(0, 1\]/],
      [['sgd', '--test', 'planted:10:5:2'], /--test takes a LIBSVM file/],
    ],
    assert,
  );
});

test.run();
