/**
 * 'easgd' (elastic averaging, Zhang, Choromanska and LeCun 2015): each
 * thread runs SGD on its own copy of the weights, and every `tau` examples
 * moves it and the shared centre toward each other by `alpha` of their
 * difference; the centre is the model. An exchange visits only the
 * coordinates the thread touched since its last one (and the bias): on
 * sparse data a dense exchange costs the whole model every `tau` examples
 * (it made an epoch of 320,000 examples over 100,000 features take 4.5 s).
 * The pulls a coordinate missed while untouched are applied in closed form
 * just before an example next reads it (each pull keeps the midpoint of the
 * two values and shrinks their difference by 1 - 2 alpha), and for every
 * coordinate at the end of the run, so the result is the dense schedule's
 * on one thread (and close to it on several, whose pulls on the centre
 * interleave). On sparse data that pull slows learning: a rare feature is
 * drawn back toward the centre between its occurrences. Threads move the
 * centre without locks (an add can be lost, as in Hogwild!).
 */
import type { SparseDataset } from '../../../core/graph/loaders/libsvm.js';
import type { ThreadModel } from './model.js';
import { exampleStep, touchSet, type TouchSet } from './steps.js';

/** EASGD bookkeeping of one thread: exchanges done, the exchange count when each coordinate was last pulled, and (1 - 2 alpha)^k for small k. */
interface ElasticState {
  exchanges: number;
  lastPulled: Int32Array;
  shrink: Float64Array;
}

/** Powers of 1 - 2 alpha kept in a table: Math.pow per caught-up coordinate made EASGD 2x slower (723 against 363 ms per epoch in `node --expose-gc dist/bench/sgd.js 400000 3`). */
const SHRINK_TABLE = 4096;

function elasticState(width: number, alpha: number): ElasticState {
  const shrink = new Float64Array(SHRINK_TABLE);
  shrink[0] = 1;
  for (let k = 1; k < SHRINK_TABLE; k++) shrink[k] = shrink[k - 1] * (1 - 2 * alpha);
  return { exchanges: 0, lastPulled: new Int32Array(width), shrink };
}

/** One elastic pull of coordinate j (exchange number state.exchanges); j must be up to date with the earlier ones. */
function pull(local: Float64Array, centre: Float64Array, j: number, alpha: number, state: ElasticState): void {
  const diff = alpha * (local[j] - centre[j]);
  local[j] -= diff;
  centre[j] += diff;
  state.lastPulled[j] = state.exchanges;
}

/** Apply the pulls coordinate j missed since it was last pulled (they commute with nothing: do it before j is read). */
function catchUp(local: Float64Array, centre: Float64Array, j: number, alpha: number, state: ElasticState): void {
  const missed = state.exchanges - state.lastPulled[j];
  if (missed > 0) {
    const middle = (local[j] + centre[j]) / 2;
    const half = ((local[j] - centre[j]) / 2) * (missed < SHRINK_TABLE ? state.shrink[missed] : Math.pow(1 - 2 * alpha, missed));
    local[j] = middle + half;
    centre[j] = middle - half;
  }
  state.lastPulled[j] = state.exchanges;
}

/** EASGD: one example's step on the thread's copy, its features first brought up to date with the pulls they missed, and marked for the next exchange. */
function easgdStep(local: Float64Array, centre: Float64Array, data: SparseDataset, k: number, rate: number, lambda: number, set: TouchSet, alpha: number, state: ElasticState): number {
  const { rowOffsets, indices } = data;
  const { flags, list } = set;
  for (let q = rowOffsets[k]; q < rowOffsets[k + 1]; q++) {
    const j = indices[q];
    if (flags[j] !== 0) continue;
    flags[j] = 1;
    list[set.count++] = j;
    catchUp(local, centre, j, alpha, state);
  }
  return exampleStep(local, data, k, rate, lambda);
}

/** EASGD's elastic exchange over the touched coordinates and the bias; clears the set. */
function elasticExchange(local: Float64Array, centre: Float64Array, set: TouchSet, bias: number, alpha: number, state: ElasticState): void {
  state.exchanges++;
  const { flags, list } = set;
  for (let i = 0; i < set.count; i++) {
    const j = list[i];
    flags[j] = 0;
    pull(local, centre, j, alpha, state);
  }
  set.count = 0;
  pull(local, centre, bias, alpha, state);
}

/** At the end of a run: apply every coordinate's missed pulls (no new pull). */
function settleElastic(local: Float64Array, centre: Float64Array, alpha: number, state: ElasticState): void {
  for (let j = 0; j < local.length; j++) catchUp(local, centre, j, alpha, state);
}

export const easgdModel: ThreadModel = {
  start: ({ shared, thread, threads, order, barrier }) => {
    const { weights, data } = shared;
    const { tau, alpha, lambda } = shared.params;
    const d = data.numFeatures;
    const local = Float64Array.from(weights);
    const elastic = elasticState(d + 1, alpha);
    const set = touchSet(d + 1);
    let sinceExchange = 0;
    return {
      epoch(rate) {
        let loss = 0;
        for (let i = 0; i < order.length; i++) {
          loss += easgdStep(local, weights, data, order[i], rate, lambda, set, alpha, elastic);
          if (++sinceExchange === tau) {
            sinceExchange = 0;
            elasticExchange(local, weights, set, d, alpha, elastic);
          }
        }
        return loss;
      },
      finish() {
        // Each thread's missed pulls on the centre, one thread at a time (they all move it).
        for (let t = 0; t < threads; t++) {
          if (t === thread) settleElastic(local, weights, alpha, elastic);
          barrier.arrive(null);
        }
      },
    };
  },
};
