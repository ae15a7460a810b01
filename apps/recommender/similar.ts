/**
 * Item-to-item similarity in a factor model: the cosine of two items' factor
 * vectors (biases left out), for "more like this" lists (`recommend similar`)
 * and for the reason beside a recommendation: the item the user rated that
 * is most like it. Scores every item once per call into typed arrays.
 */
import { topByScore } from '../metrics/top-k.js';
import type { FactorModel } from './model.js';

/** Euclidean norm of each item's factor vector. */
export function itemNorms(model: FactorModel): Float64Array {
  const width = model.rank + 1;
  const norms = new Float64Array(model.numItems);
  for (let i = 0; i < model.numItems; i++) {
    let s = 0;
    for (let k = 0; k < model.rank; k++) s += model.items[i * width + k] ** 2;
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

/** Cosine of dense items a and b (0 when either factor is zero). */
export function itemCosine(model: FactorModel, norms: Float64Array, a: number, b: number): number {
  const width = model.rank + 1;
  if (norms[a] === 0 || norms[b] === 0) return 0;
  let dot = 0;
  for (let k = 0; k < model.rank; k++) dot += model.items[a * width + k] * model.items[b * width + k];
  return dot / (norms[a] * norms[b]);
}

/** The `n` items most like dense item i by cosine (i itself and `exclude`d items left out), best first. */
export function similarItems(model: FactorModel, i: number, n: number, exclude: Uint8Array | null = null, norms = itemNorms(model)): Array<{ index: number; similarity: number }> {
  const scores = new Float64Array(model.numItems);
  for (let j = 0; j < model.numItems; j++) scores[j] = itemCosine(model, norms, i, j);
  const skip = exclude === null ? new Uint8Array(model.numItems) : exclude.slice();
  skip[i] = 1;
  return Array.from(topByScore(scores, n, skip), (index) => ({ index, similarity: scores[index] }));
}

/** Of the dense items in `rated`, the one most like dense item i (-1 when `rated` is empty). */
export function mostSimilarRated(model: FactorModel, norms: Float64Array, i: number, rated: ArrayLike<number>): { index: number; similarity: number } {
  let best = -1;
  let similarity = -Infinity;
  for (let r = 0; r < rated.length; r++) {
    const s = itemCosine(model, norms, i, rated[r]);
    if (s > similarity || (s === similarity && rated[r] < best)) {
      similarity = s;
      best = rated[r];
    }
  }
  return { index: best, similarity: best < 0 ? 0 : similarity };
}
