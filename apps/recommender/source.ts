/**
 * Where a recommender's ratings come from: a ratings file (MovieLens u.data,
 * ratings.dat or ratings.csv, gzip or not; see loadRatings), or a generated
 * spec `planted:USERS:ITEMS[:RANK[:SEED]]`: planted low-rank ratings
 * (core/graph/generators/low-rank.ts) on a 1-5 scale, 20 per user, noise 0.25,
 * which needs no data at all; or `planted-ml1m[:SEED]`, the same kind of
 * ratings in MovieLens 1M's shape (6,040 users, 3,706 items, about 1M
 * ratings, rank 10), for timing at the scale LIBMF's figures quote.
 * Generated users and items get file ids 1..n.
 */
import { plantedLowRank } from '../../core/graph/generators/low-rank.js';
import { loadRatings, type Ratings } from '../../core/graph/loaders/movielens.js';
import { parseIntegerSpec } from '../../core/util/spec.js';

export const PLANTED_HELP = 'a ratings file (MovieLens u.data / ratings.dat / ratings.csv, .gz ok), planted:USERS:ITEMS[:RANK[:SEED]] or planted-ml1m[:SEED] (MovieLens 1M-shaped)';

/** MovieLens 1M's shape: users, items and ratings. */
export const ML1M_SHAPE = { users: 6040, items: 3706, ratings: 1_000_209 };

/** Planted low-rank ratings as a Ratings set: 20 per user (at most all items, or `density` of all pairs), values 3 + rating, clamped to 1..5. */
export function plantedRatings(users: number, items: number, rank = 5, seed = 1, density?: number): Ratings {
  const p = plantedLowRank({ users, items, rank, ...(density !== undefined ? { density } : { ratingsPerUser: Math.min(20, items) }), noise: 0.25, seed });
  const values = new Float64Array(p.count);
  for (let k = 0; k < p.count; k++) values[k] = Math.min(5, Math.max(1, 3 + p.values[k]));
  return {
    users: p.users,
    items: p.items,
    values,
    times: null,
    numUsers: users,
    numItems: items,
    userIds: Float64Array.from({ length: users }, (_, u) => u + 1),
    itemIds: Float64Array.from({ length: items }, (_, i) => i + 1),
    count: p.count,
  };
}

/** Ratings from a file path or a `planted:` spec. */
export async function openRatings(spec: string, onProgress?: (read: number, total: number) => void): Promise<Ratings> {
  const ml1m = /^planted-ml1m(?::(\d+))?$/.exec(spec);
  if (ml1m !== null) return plantedRatings(ML1M_SHAPE.users, ML1M_SHAPE.items, 10, Number(ml1m[1] ?? 1), ML1M_SHAPE.ratings / (ML1M_SHAPE.users * ML1M_SHAPE.items));
  const numbers = parseIntegerSpec(spec, 'planted', ['USERS', 'ITEMS', 'RANK', 'SEED'], 2);
  if (numbers === null) return loadRatings(spec, { onProgress });
  const [users, items, rank, seed] = numbers;
  return plantedRatings(users!, items!, rank ?? 5, seed ?? 1);
}
