/**
 * What ALS and SGD share about the factor column: each vertex of the
 * bipartite ratings graph keeps rank + 1 doubles, its factor and then its
 * bias; the global mean rating; the seeded initial factors (uniform in
 * +-0.1 from a hash of (seed, vertex, index), so the same for any thread
 * count or order); and the aggregator with which ALS sums squared training
 * errors over all ratings, counted at the users (RMSE = sqrt(sse / ratings);
 * SGD sums the errors it meets during its epoch instead, see sgd.ts).
 */
import { UsageError } from '../../core/errors.js';
import type { Graph } from '../../core/graph/graph.js';
import type { Aggregator } from '../../core/program.js';
import { hash32 } from '../../core/util/random.js';

/** Mean of the edge weights (the ratings): the model's global offset. */
export function meanRating(weights: Float64Array | null, count: number): number {
  if (weights === null || count === 0) return 0;
  let total = 0;
  for (let e = 0; e < count; e++) total += weights[e];
  return total / count;
}

/** Vertex v's initial factor (uniform in +-0.1) and a zero bias. */
export function initFactors(factors: Float64Array, v: number, rank: number, seed: number): void {
  const width = rank + 1;
  for (let i = 0; i < rank; i++) factors[v * width + i] = ((hash32(v * width + i, seed) / 2 ** 32) * 2 - 1) * 0.1;
  factors[v * width + rank] = 0;
}

/** The ratings graph's weights, or an error naming the program. */
export function ratingsOf(graph: Graph, who: string): Float64Array {
  if (graph.weights === null) throw new UsageError(`${who}: the graph has no ratings (edge weights); build it with ratingsToGraph`);
  return graph.weights;
}

/** Sum of squared training errors of the current factors, over each user's ratings. */
export function squaredErrorAggregator(graph: Graph, factors: Float64Array, rank: number): Aggregator {
  const width = rank + 1;
  const weights = ratingsOf(graph, 'squaredErrorAggregator');
  const mean = meanRating(weights, graph.numEdges);
  const { outOffsets, outTargets } = graph;
  return {
    map(u) {
      let total = 0;
      for (let e = outOffsets[u]; e < outOffsets[u + 1]; e++) {
        const i = outTargets[e];
        let prediction = mean + factors[u * width + rank] + factors[i * width + rank];
        for (let k = 0; k < rank; k++) prediction += factors[u * width + k] * factors[i * width + k];
        const error = weights[e] - prediction;
        total += error * error;
      }
      return total;
    },
    reduce: 'sum',
  };
}

/**
 * One SGD step on rating r of the user whose row starts at a and the item whose row starts at b
 * (Funk's update with L2 penalty, as sgd.ts documents it); returns the squared error before the
 * step. Shared by the Hogwild! program (sgd.ts) and stratified SGD (sgd-strata.ts), so that the
 * two take the same steps.
 */
export function sgdStep(factors: Float64Array, a: number, b: number, rating: number, mean: number, rank: number, eta: number, lambda: number, biases: boolean): number {
  let prediction = mean + factors[a + rank] + factors[b + rank];
  for (let k = 0; k < rank; k++) prediction += factors[a + k] * factors[b + k];
  const error = rating - prediction;
  if (biases) {
    factors[a + rank] += eta * (error - lambda * factors[a + rank]);
    factors[b + rank] += eta * (error - lambda * factors[b + rank]);
  }
  for (let k = 0; k < rank; k++) {
    const x = factors[a + k];
    const y = factors[b + k];
    factors[a + k] = x + eta * (error * y - lambda * x);
    factors[b + k] = y + eta * (error * x - lambda * y);
  }
  return error * error;
}
