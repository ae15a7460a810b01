/**
 * Stochastic gradient descent for matrix factorisation with biases (Funk's
 * method as in Koren, Bell and Volinsky 2009), as a vertex program over the
 * bipartite user -> item ratings graph: the model and the factor column are
 * ALS's (factors.ts). Every superstep is an epoch: each user's apply walks
 * its ratings in item order and, for each, takes one step on the squared
 * error plus L2 penalty, moving its own factor and bias and those of the
 * item: e = r - prediction; b_u += eta (e - lambda b_u); b_i += eta (e -
 * lambda b_i); x_u += eta (e y_i - lambda x_u); y_i += eta (e x_u - lambda y_i).
 *
 * Writing the item's factors from the user's apply is outside the
 * gather-apply-scatter contract on purpose: it is the Hogwild! scheme (Niu et
 * al. 2011), where threads update shared parameters without locks and the
 * rare collisions on sparse data cost little accuracy. With one worker the
 * run is deterministic (users in id order); with more, items touched by users
 * on two threads at once see racy updates, so answers vary slightly from run
 * to run. Items' own applies do nothing.
 *
 * Params: rank 10, learningRate 0.01, lambda 0.05, biases true, seed 1. The
 * aggregator `sse` sums each rating's squared error just before its step
 * (the running training error of the epoch, kept per user in the column
 * `loss`): free to compute, where re-predicting every rating at the epoch's
 * end would cost as much as the epoch itself. The aggregator `diverged` is 1
 * once a user's mean squared error passes divergence.ts's limit, and stops the
 * run at the end of that epoch.
 */
import { UsageError } from '../../core/errors.js';
import { defineProgram } from '../../core/program.js';
import { squaredErrorLimit } from './divergence.js';
import { initFactors, meanRating, ratingsOf, sgdStep } from './factors.js';

const sgd = defineProgram({
  // Not plain 'sgd': apps/sgd is the logistic-regression SGD.
  name: 'sgd-mf',
  url: import.meta.url,
  description: 'SGD matrix factorisation with biases (Hogwild! across threads) on a user -> item ratings graph',
  vertex: (p) => ({ factors: `f64x${p.rank + 1}` as const, loss: 'f64' as const, diverged: 'u8' as const }),
  params: { rank: 10, learningRate: 0.01, lambda: 0.05, biases: true as boolean, seed: 1 },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  // a user's apply writes its items' factors: one machine only (see dataAccess in core/program.ts).
  dataAccess: 'shared-memory',
  output: 'factors',
  create({ graph, vertex, params }) {
    const { rank, learningRate: eta, lambda, seed, biases } = params;
    if (!(Number.isInteger(rank) && rank >= 1)) throw new UsageError(`sgd-mf: rank must be a positive integer, got ${rank}`);
    if (!(eta > 0)) throw new UsageError(`sgd-mf: learningRate must be > 0, got ${eta}`);
    if (!(lambda >= 0)) throw new UsageError(`sgd-mf: lambda must be >= 0, got ${lambda}`);
    const weights = ratingsOf(graph, 'sgd');
    const { factors, loss, diverged } = vertex;
    const width = rank + 1;
    const mean = meanRating(weights, graph.numEdges);
    const limit = squaredErrorLimit(weights, graph.numEdges);
    const { outOffsets, outTargets } = graph;
    return {
      init(v) {
        initFactors(factors, v, rank, seed);
      },
      apply(u) {
        // Captured arrays copied to locals: V8 compiles a closure created more than once
        // without specialising it to its captured values, and read from the closure inside
        // the loop this ran 2x slower from a program's second run on in one process (140
        // against 70 ms per epoch); now every run keeps the first one's speed
        // (`node --expose-gc dist/bench/programs.js`: 66-71 ms per epoch).
        const factors = vertex.factors;
        const ratings = weights;
        const end = outOffsets[u + 1];
        if (outOffsets[u] === end) return false;
        const a = u * width;
        let squared = 0;
        for (let e = outOffsets[u]; e < end; e++) squared += sgdStep(factors, a, outTargets[e] * width, ratings[e], mean, rank, eta, lambda, biases);
        loss[u] = squared;
        // A NaN fails the comparison too. One test per user per epoch: the epoch stops the run (converged).
        if (!(squared <= limit * (end - outOffsets[u]))) diverged[u] = 1;
        return true;
      },
    };
  },
  aggregators({ vertex }) {
    const { loss, diverged } = vertex;
    return { sse: { map: (v) => loss[v], reduce: 'sum' }, diverged: { map: (v) => diverged[v], reduce: 'max' } };
  },
  // Divergence ends the run at the end of its epoch (apps/recommender/divergence.ts); train.ts says so.
  converged: (aggregates) => aggregates.diverged > 0,
});

export default sgd;
