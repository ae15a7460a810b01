import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLibsvm } from '../../../../core/graph/loaders/libsvm.js';
import { dataset, tempDir, needsData } from '../../../helpers.js';
import { rejectsInput, writeText } from './input-error.js';

const dir = tempDir();

test('LIBSVM rows: trailing blanks, blank lines, empty examples, CRLF, gzip', async () => {
  const text = '+1 3:1 11:0.5 \r\n-1 \r\n\r\n0.25 1:-2e-1\t2:3\n-1';
  for (const name of ['small.svm', 'small.svm.gz']) {
    const d = await loadLibsvm(writeText(dir, name, text));
    assert.is(d.numExamples, 4);
    assert.is(d.numFeatures, 11);
    assert.equal(Array.from(d.labels), [1, -1, 0.25, -1]);
    assert.equal(Array.from(d.rowOffsets), [0, 2, 2, 4, 4]);
    assert.equal(Array.from(d.indices), [2, 10, 0, 1]);
    assert.equal(Array.from(d.values), [1, 0.5, -0.2, 3]);
    assert.ok(d.indices.buffer instanceof SharedArrayBuffer);
  }
  const forced = await loadLibsvm(writeText(dir, 'forced.svm', '1 2:1\n'), { numFeatures: 5 });
  assert.is(forced.numFeatures, 5);
});

needsData(test, 'libsvm/a9a.gz', 'libsvm/a9a.t.gz')('a9a: 32,561 examples, 123 features, 451,592 non-zeros, 7,841 positives; a9a.t forced to 123', async () => {
  const path = dataset('libsvm/a9a.gz', 'a9a');
  if (path) {
    const d = await loadLibsvm(path);
    assert.is(d.numExamples, 32561);
    assert.is(d.numFeatures, 123);
    assert.is(d.indices.length, 451592);
    assert.is(d.rowOffsets[d.numExamples], 451592);
    assert.is(d.labels.filter((y) => y === 1).length, 7841);
    assert.is(d.labels.filter((y) => y === -1).length, 24720);
  }
  const t = dataset('libsvm/a9a.t.gz', 'a9a.t');
  if (t) {
    assert.is((await loadLibsvm(t)).numFeatures, 122);
    const d = await loadLibsvm(t, { numFeatures: 123 });
    assert.is(d.numFeatures, 123);
    assert.is(d.numExamples, 16281);
    assert.is(d.indices.length, 225731);
  }
});

test('malformed LIBSVM lines are InputErrors naming file and line', async () => {
  const cases: Array<[string, number | null, string, object?]> = [
    ['', null, 'no examples'],
    ['1 1:1\nx 1:1\n', 2, 'label'],
    ['1 1:1\n1 3:1 2:1\n', 2, 'increase'],
    ['1 1:1 1:1\n', 1, 'increase'],
    ['1 0:1\n', 1, '1-based'],
    ['1 a:1\n', 1, '"a:1"'],
    ['1 2\n', 1, 'index:value'],
    ['1 2:x\n', 1, 'value of feature 2'],
    ['1 2:NaN\n', 1, 'value of feature 2'],
    ['1 2:1x\n', 1, 'value of feature 2'],
    ['1 1:1\n1 9:1\n', 2, 'above numFeatures = 5', { numFeatures: 5 }],
  ];
  let i = 0;
  for (const [text, line, fragment, options] of cases) {
    const path = writeText(dir, `bad-${i++}.svm`, text);
    await rejectsInput(loadLibsvm(path, options), path, line, fragment);
  }
});

test.run();
