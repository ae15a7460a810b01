/**
 * The popularity baseline every recommender report sets beside its model:
 * recommend each user the most-rated items of the training set that the user
 * has not rated. As a FactorModel of rank 0 (every score is the item's
 * training rating count, held as its bias), so the ranking metrics, top-N
 * lists and tie-breaking are exactly the model's; users and items without a
 * training rating are left out, as trainFactorModel leaves them out.
 */
import type { Ratings } from '../../core/graph/loaders/movielens.js';
import type { FactorModel } from './model.js';

export function popularityModel(train: Ratings): FactorModel {
  const userSeen = new Uint8Array(train.numUsers);
  const itemCount = new Float64Array(train.numItems);
  for (let k = 0; k < train.count; k++) {
    userSeen[train.users[k]] = 1;
    itemCount[train.items[k]]++;
  }
  const userIds: number[] = [];
  for (let u = 0; u < train.numUsers; u++) if (userSeen[u] === 1) userIds.push(train.userIds[u]);
  const itemIds: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < train.numItems; i++) {
    if (itemCount[i] === 0) continue;
    itemIds.push(train.itemIds[i]);
    counts.push(itemCount[i]);
  }
  return {
    algo: 'popularity',
    params: {},
    rank: 0,
    mean: 0,
    numUsers: userIds.length,
    numItems: itemIds.length,
    userIds: Float64Array.from(userIds),
    itemIds: Float64Array.from(itemIds),
    users: new Float64Array(userIds.length),
    items: Float64Array.from(counts),
  };
}
