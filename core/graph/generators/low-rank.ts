/**
 * Planted low-rank ratings, the test bed for recommenders: user and item
 * factors of a given rank are drawn as independent normals with standard
 * deviation rank^(-1/4), so that a rating's noiseless part
 * dot(userFactor, itemFactor) has variance 1; each observed rating is that dot
 * product plus Gaussian noise (optionally clamped). Which pairs are observed:
 * each user gets `ratingsPerUser` distinct items (or, with `density`, an even
 * share of density * users * items ratings), chosen uniformly, and every item
 * is first handed to one user so that no user and no item is left unseen
 * (unless `coverItems: false`); a user's count is raised when that is needed
 * to cover all items. Each (user,
 * item) pair appears at most once. Ratings are listed user by user.
 */
import { UsageError } from '../../errors.js';
import { Random } from '../../util/random.js';

export interface PlantedLowRankOptions {
  users: number;
  items: number;
  /** Rank of the planted factors. */
  rank: number;
  /** Ratings per user (capped at `items`). Give this or `density`. */
  ratingsPerUser?: number;
  /** Fraction of all user-item pairs observed, in (0, 1]. Give this or `ratingsPerUser`. */
  density?: number;
  /** Standard deviation of the Gaussian noise added to each rating. Default 0. */
  noise?: number;
  /** Clamp each rating into [min, max] after adding noise. Default: no clamping. */
  clampRange?: readonly [number, number];
  /** Hand every item to some user first, so that no item goes unrated. Default true. */
  coverItems?: boolean;
  /** Default 1. */
  seed?: number;
}

export interface PlantedRatings {
  users: Uint32Array;
  items: Uint32Array;
  values: Float64Array;
  /** users * rank, user u's factor at [u*rank, (u+1)*rank). */
  userFactors: Float64Array;
  /** items * rank. */
  itemFactors: Float64Array;
  count: number;
}

export function plantedLowRank(options: PlantedLowRankOptions): PlantedRatings {
  const { users, items, rank } = options;
  for (const [name, value] of [['users', users], ['items', items], ['rank', rank]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`plantedLowRank: ${name} must be a positive integer, got ${value}`);
  }
  if ((options.ratingsPerUser === undefined) === (options.density === undefined)) {
    throw new UsageError('plantedLowRank: give exactly one of ratingsPerUser and density');
  }
  const noise = options.noise ?? 0;
  if (!(noise >= 0)) throw new UsageError(`plantedLowRank: noise must be >= 0, got ${noise}`);
  const clamp = options.clampRange;
  if (clamp && !(clamp[0] <= clamp[1])) throw new UsageError(`plantedLowRank: clampRange [${clamp}] has min > max`);
  const random = new Random(options.seed ?? 1);

  // How many ratings each user gets before coverage adjustments.
  const quota = new Uint32Array(users);
  if (options.ratingsPerUser !== undefined) {
    const k = options.ratingsPerUser;
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`plantedLowRank: ratingsPerUser must be a positive integer, got ${k}`);
    quota.fill(Math.min(k, items));
  } else {
    const density = options.density!;
    if (!(density > 0 && density <= 1)) throw new UsageError(`plantedLowRank: density must be in (0, 1], got ${density}`);
    const total = Math.round(density * users * items);
    const base = Math.floor(total / users);
    const extra = total - base * users;
    for (let u = 0; u < users; u++) quota[u] = Math.max(1, Math.min(items, base + (u < extra ? 1 : 0)));
  }

  // Coverage: item perm[j] goes to user userOrder[j % users]; quotas grow to fit.
  const covered = options.coverItems === false ? 0 : items;
  const itemOrder = random.shuffle(Uint32Array.from({ length: items }, (_, i) => i));
  const userOrder = random.shuffle(Uint32Array.from({ length: users }, (_, i) => i));
  const forcedCount = new Uint32Array(users);
  for (let j = 0; j < covered; j++) forcedCount[userOrder[j % users]]++;
  const forcedStart = new Uint32Array(users + 1);
  let count = 0;
  for (let u = 0; u < users; u++) {
    if (quota[u] < forcedCount[u]) quota[u] = forcedCount[u];
    forcedStart[u + 1] = forcedStart[u] + forcedCount[u];
    count += quota[u];
  }
  const forced = new Uint32Array(covered);
  const cursor = forcedStart.slice(0, users);
  for (let j = 0; j < covered; j++) forced[cursor[userOrder[j % users]]++] = itemOrder[j];

  const outUsers = new Uint32Array(count);
  const outItems = new Uint32Array(count);
  // stamp[i] === u + 1 marks item i as already given to user u (no per-user allocation).
  const stamp = new Uint32Array(items);
  let at = 0;
  for (let u = 0; u < users; u++) {
    const mark = u + 1;
    for (let f = forcedStart[u]; f < forcedStart[u + 1]; f++) {
      stamp[forced[f]] = mark;
      outUsers[at] = u;
      outItems[at++] = forced[f];
    }
    let need = quota[u] - forcedCount[u];
    if (quota[u] * 2 <= items) {
      // Sparse: rejection sampling; at most half the items are ever taken, so few collisions.
      while (need > 0) {
        const i = random.nextInt(items);
        if (stamp[i] === mark) continue;
        stamp[i] = mark;
        outUsers[at] = u;
        outItems[at++] = i;
        need--;
      }
    } else {
      // Dense: selection sampling (Knuth's Algorithm S) over the items not yet taken.
      let left = items - forcedCount[u];
      for (let i = 0; i < items && need > 0; i++) {
        if (stamp[i] === mark) continue;
        if (random.next() * left < need) {
          stamp[i] = mark;
          outUsers[at] = u;
          outItems[at++] = i;
          need--;
        }
        left--;
      }
    }
  }

  const scale = rank ** -0.25;
  const userFactors = new Float64Array(users * rank);
  const itemFactors = new Float64Array(items * rank);
  for (let x = 0; x < userFactors.length; x++) userFactors[x] = random.nextGaussian() * scale;
  for (let x = 0; x < itemFactors.length; x++) itemFactors[x] = random.nextGaussian() * scale;

  const values = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    const uo = outUsers[r] * rank;
    const io = outItems[r] * rank;
    let dot = 0;
    for (let k = 0; k < rank; k++) dot += userFactors[uo + k] * itemFactors[io + k];
    let value = noise > 0 ? dot + noise * random.nextGaussian() : dot;
    if (clamp) value = value < clamp[0] ? clamp[0] : value > clamp[1] ? clamp[1] : value;
    values[r] = value;
  }
  return { users: outUsers, items: outItems, values, userFactors, itemFactors, count };
}
