/**
 * How the recommender tells a model that is diverging from one that is
 * learning, and what it says. A rating model whose mean squared error on its
 * own training ratings passes (100 x the rating span)^2 (or is not a number)
 * has left every sensible answer behind: SGD's steps are growing, not
 * shrinking. Trainers check it once per user per epoch (free beside the
 * epoch's steps) and stop at the end of the epoch; `DivergedError` names the
 * setting to lower. No trained model with a non-finite value leaves
 * trainFactorModel, and saveModel / loadModel refuse one.
 */
import { UsageError } from '../../core/errors.js';

/** The squared error per rating past which training has diverged: (100 x max(1, span of the ratings))^2. */
export function squaredErrorLimit(weights: Float64Array | null, count: number): number {
  let low = Infinity;
  let high = -Infinity;
  for (let e = 0; e < count; e++) {
    const r = weights![e];
    if (r < low) low = r;
    if (r > high) high = r;
  }
  const span = count === 0 ? 1 : Math.max(1, high - low);
  return (100 * span) ** 2;
}

/**
 * Which setting an SGD run that diverged should lower: the one furthest above its default
 * (learning rate 0.01, lambda 0.05), as a ratio. Both make steps overshoot; this names the one
 * the user moved.
 */
export function settingToLower(learningRate: number, lambda: number, defaults = { learningRate: 0.01, lambda: 0.05 }): 'learningRate' | 'lambda' {
  return lambda / defaults.lambda > learningRate / defaults.learningRate ? 'lambda' : 'learningRate';
}

/** Training stopped because the model diverged; `setting` names the option to lower. */
export class DivergedError extends UsageError {
  constructor(
    readonly who: string,
    readonly algo: string,
    readonly epoch: number,
    readonly setting: 'learningRate' | 'lambda' | null,
    readonly value: number | null,
    flagName: (setting: 'learningRate' | 'lambda') => string = (s) => s,
  ) {
    super(
      `${who}: ${algo.toUpperCase()} diverged in ${algo === 'als' || algo === 'ials' ? 'iteration' : 'epoch'} ${epoch} (training error not finite or past 100x the rating span)` +
        (setting === null ? '; no model kept' : `: lower ${flagName(setting)} (now ${value}); no model kept`),
    );
    this.name = 'UsageError';
  }
}

/** Index of the first non-finite value of `values`, or -1. */
export function firstNonFinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
