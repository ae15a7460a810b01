/**
 * Where parallel SGD's examples come from: a LIBSVM file (see
 * core/graph/loaders/libsvm.ts), or a generated spec
 * `planted:EXAMPLES:FEATURES:NONZEROS[:SEED]` (synthetic.ts), which needs no
 * data at all.
 */
import { loadLibsvm, type SparseDataset } from '../../core/graph/loaders/libsvm.js';
import { parseIntegerSpec } from '../../core/util/spec.js';
import { plantedLogistic } from './synthetic.js';

export const EXAMPLES_HELP = 'a LIBSVM file (.gz ok) or planted:EXAMPLES:FEATURES:NONZEROS[:SEED]';

/** Examples from a LIBSVM file or a `planted:` spec. */
export async function openExamples(spec: string): Promise<SparseDataset> {
  const numbers = parseIntegerSpec(spec, 'planted', ['EXAMPLES', 'FEATURES', 'NONZEROS', 'SEED'], 3);
  if (numbers === null) return loadLibsvm(spec);
  const [examples, features, nonzeros, seed] = numbers;
  return plantedLogistic({ examples: examples!, features: features!, nonzeros: nonzeros!, seed: seed ?? 1 });
}
