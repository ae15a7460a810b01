/**
 * Brute-force ranking metrics for the recommender tests, sharing no code with
 * apps/recommender/metrics.ts: ratings as plain objects keyed by file id, each
 * user's candidates sorted in full by score (ties to the lower item id),
 * precision, recall and NDCG at k over the users with a relevant test item.
 * Not a test file itself.
 */
import type { Ratings } from '../../../core/graph/loaders/movielens.js';

export interface Triple {
  user: number;
  item: number;
  value: number;
}

export function triples(r: Ratings): Triple[] {
  const out: Triple[] = [];
  for (let k = 0; k < r.count; k++) out.push({ user: r.userIds[r.users[k]], item: r.itemIds[r.items[k]], value: r.values[k] });
  return out;
}

/**
 * Mean precision / recall / NDCG at k. `score(user, item)` ranks the candidates: the items in
 * `catalogue` that the user did not rate in `train`; users are those of `train` with a test item
 * rated >= relevant that is in the catalogue.
 */
export function bruteRanking(
  train: Triple[],
  test: Triple[],
  catalogue: number[],
  score: (user: number, item: number) => number,
  k = 10,
  relevant = 4,
): { precision: number; recall: number; ndcg: number; users: number } {
  const inCatalogue = new Set(catalogue);
  const rated = new Map<number, Set<number>>();
  for (const t of train) {
    if (!rated.has(t.user)) rated.set(t.user, new Set());
    rated.get(t.user)!.add(t.item);
  }
  const liked = new Map<number, Set<number>>();
  for (const t of test) {
    if (t.value < relevant || !rated.has(t.user) || !inCatalogue.has(t.item)) continue;
    if (!liked.has(t.user)) liked.set(t.user, new Set());
    liked.get(t.user)!.add(t.item);
  }
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  for (const [user, good] of liked) {
    const seen = rated.get(user)!;
    const ranked = catalogue
      .filter((i) => !seen.has(i))
      .map((i) => ({ i, s: score(user, i) }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, k);
    let hits = 0;
    let dcg = 0;
    ranked.forEach((x, r) => {
      if (good.has(x.i)) {
        hits++;
        dcg += 1 / Math.log2(r + 2);
      }
    });
    let ideal = 0;
    for (let r = 0; r < Math.min(k, good.size); r++) ideal += 1 / Math.log2(r + 2);
    precision += hits / k;
    recall += hits / good.size;
    ndcg += dcg / ideal;
  }
  const users = liked.size;
  return { precision: precision / users, recall: recall / users, ndcg: ndcg / users, users };
}
