/**
 * Predicted ratings of one user for every item, on typed arrays: score(i) =
 * mean + b_u + b_i + x_u . y_i over factor rows of rank + 1 doubles (factor,
 * then bias), as apps/recommender/model.ts lays them out. What top-N lists
 * and ranking metrics rank by; kernels/gpu.ts has the gpu.js version for
 * blocks of users.
 */

/** out[i] = the score of user row `u` of `users` for item row i of `items`, for i < numItems. */
export function scoreItems(users: Float64Array, u: number, items: Float64Array, numItems: number, rank: number, mean: number, out: Float64Array): void {
  const width = rank + 1;
  const a = u * width;
  const userBias = mean + users[a + rank];
  for (let i = 0; i < numItems; i++) {
    const b = i * width;
    let score = userBias + items[b + rank];
    for (let k = 0; k < rank; k++) score += users[a + k] * items[b + k];
    out[i] = score;
  }
}
