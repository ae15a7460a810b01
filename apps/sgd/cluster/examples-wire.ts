/**
 * Sparse examples on the wire for distributed training: the rows a machine
 * trains on (a range of examples, optionally only the features of one block,
 * for model parallelism) as four typed arrays, and back. What arrives is
 * checked before it is used: lengths that agree, offsets that only grow,
 * feature ids inside the model.
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import { toFloat64, toUint32 } from '../../../core/cluster/wire.js';

/** Examples [from, to) of `data`, keeping only features in [featureFrom, featureTo) (default: all). */
export function examplesToParts(data: SparseDataset, from: number, to: number, featureFrom = 0, featureTo = data.numFeatures): Uint8Array[] {
  let nonzeros = 0;
  for (let k = from; k < to; k++) {
    for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) {
      const j = data.indices[q];
      if (j >= featureFrom && j < featureTo) nonzeros++;
    }
  }
  const labels = data.labels.slice(from, to);
  const offsets = new Uint32Array(to - from + 1);
  const indices = new Uint32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let at = 0;
  for (let k = from; k < to; k++) {
    for (let q = data.rowOffsets[k]; q < data.rowOffsets[k + 1]; q++) {
      const j = data.indices[q];
      if (j < featureFrom || j >= featureTo) continue;
      indices[at] = j;
      values[at++] = data.values[q];
    }
    offsets[k - from + 1] = at;
  }
  const bytes = (a: Float64Array | Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [bytes(labels), bytes(offsets), bytes(indices), bytes(values)];
}

/** The examples of `examplesToParts`, checked against a model of `numFeatures` features; throws naming what is wrong. */
export function examplesFromParts(parts: Uint8Array[], numFeatures: number): SparseDataset {
  if (parts.length < 4) throw new Error(`examples: 4 arrays expected; got ${parts.length}`);
  const [labelBytes, offsetBytes, indexBytes, valueBytes] = parts;
  if (labelBytes.byteLength % 8 || offsetBytes.byteLength % 4 || indexBytes.byteLength % 4 || valueBytes.byteLength % 8) throw new Error('examples: an array of a partial element');
  const labels = toFloat64(labelBytes);
  const rowOffsets = toUint32(offsetBytes);
  const indices = toUint32(indexBytes);
  const values = toFloat64(valueBytes);
  const n = labels.length;
  if (rowOffsets.length !== n + 1 || rowOffsets[0] !== 0 || rowOffsets[n] !== indices.length || indices.length !== values.length) throw new Error('examples: offsets, ids and values do not agree');
  for (let k = 0; k < n; k++) if (rowOffsets[k + 1] < rowOffsets[k]) throw new Error(`examples: offsets fall at example ${k}`);
  for (let q = 0; q < indices.length; q++) if (indices[q] >= numFeatures) throw new Error(`examples: feature ${indices[q]} is beyond the model's ${numFeatures}`);
  return { numExamples: n, numFeatures, labels, rowOffsets, indices, values };
}
