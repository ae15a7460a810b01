/**
 * Planted logistic-regression data, for tests, benchmarks and the command's
 * default: `features` true weights drawn N(0, 1), each example with
 * `nonzeros` distinct features of value 1 / sqrt(nonzeros) chosen uniformly,
 * and label +1 with probability sigmoid(sharpness * w . x), else -1. Seeded;
 * the same layout as a loaded LIBSVM file (0-based, increasing feature ids).
 */
import { UsageError } from '../../core/errors.js';
import type { SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { sharedFloat64, sharedUint32 } from '../../core/graph/shared.js';
import { Random } from '../../core/util/random.js';
import { sigmoid } from './logistic.js';

export interface PlantedLogisticOptions {
  examples: number;
  features: number;
  nonzeros: number;
  /** Scales the true margins: larger is less noisy. Default 4. */
  sharpness?: number;
  seed?: number;
}

export function plantedLogistic(options: PlantedLogisticOptions): SparseDataset & { trueWeights: Float64Array } {
  const { examples, features, nonzeros } = options;
  for (const [name, x] of [['examples', examples], ['features', features], ['nonzeros', nonzeros]] as const) {
    if (!(Number.isInteger(x) && x >= 1)) throw new UsageError(`plantedLogistic: ${name} must be a positive integer; got ${x}`);
  }
  if (nonzeros > features) throw new UsageError(`plantedLogistic: nonzeros (${nonzeros}) exceeds features (${features})`);
  const random = new Random(options.seed ?? 1);
  const sharpness = options.sharpness ?? 4;
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const trueWeights = Float64Array.from({ length: features }, normal);
  const rowOffsets = sharedUint32(examples + 1);
  const indices = sharedUint32(examples * nonzeros);
  const values = sharedFloat64(examples * nonzeros);
  const labels = sharedFloat64(examples);
  const value = 1 / Math.sqrt(nonzeros);
  const chosen = new Set<number>();
  for (let k = 0; k < examples; k++) {
    chosen.clear();
    while (chosen.size < nonzeros) chosen.add(random.nextInt(features));
    const ids = [...chosen].sort((a, b) => a - b);
    let z = 0;
    for (let i = 0; i < nonzeros; i++) {
      indices[k * nonzeros + i] = ids[i];
      values[k * nonzeros + i] = value;
      z += trueWeights[ids[i]] * value;
    }
    rowOffsets[k + 1] = (k + 1) * nonzeros;
    labels[k] = random.next() < sigmoid(sharpness * z) ? 1 : -1;
  }
  return { numExamples: examples, numFeatures: features, labels, rowOffsets, indices, values, trueWeights };
}
