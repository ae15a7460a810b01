/**
 * A seeded random hold-out split of sparse examples (LIBSVM rows) into
 * training and test sets: each example goes to the test set with probability
 * `testFraction`, decided by a hash of its index and the seed, so the split is
 * the same on every run. Both halves keep the feature numbering.
 */
import { UsageError } from '../../core/errors.js';
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { sharedFloat64, sharedUint32 } from '../../core/graph/shared.js';
import { hash32 } from '../../core/util/random.js';

function rows(data: SparseDataset, keep: (k: number) => boolean): SparseDataset {
  let examples = 0;
  let nonzeros = 0;
  for (let k = 0; k < data.numExamples; k++) {
    if (!keep(k)) continue;
    examples++;
    nonzeros += data.rowOffsets[k + 1] - data.rowOffsets[k];
  }
  const labels = sharedFloat64(examples);
  const rowOffsets = sharedUint32(examples + 1);
  const indices = sharedUint32(nonzeros);
  const values = sharedFloat64(nonzeros);
  let row = 0;
  let at = 0;
  for (let k = 0; k < data.numExamples; k++) {
    if (!keep(k)) continue;
    labels[row] = data.labels[k];
    for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++, at++) {
      indices[at] = data.indices[q];
      values[at] = data.values[q];
    }
    rowOffsets[++row] = at;
  }
  return { numExamples: examples, numFeatures: data.numFeatures, labels, rowOffsets, indices, values };
}

export function splitExamples(data: SparseDataset, testFraction: number, seed = 1): { train: SparseDataset; test: SparseDataset } {
  if (!(testFraction > 0 && testFraction < 1)) throw new UsageError(`splitExamples: testFraction must be in (0, 1); got ${testFraction}`);
  const threshold = testFraction * 2 ** 32;
  const inTest = (k: number): boolean => hash32(k, seed) < threshold;
  return { train: rows(data, (k) => !inTest(k)), test: rows(data, inTest) };
}
