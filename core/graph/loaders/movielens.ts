/**
 * MovieLens ratings: `u.data` and its splits (`u1.base`, `ua.test`, ...; tab
 * separated `user item rating time`), `ratings.dat` (`::` separated) and
 * `ratings.csv` (comma separated with the header `userId,movieId,rating,timestamp`).
 * The separator is read from the first data line, not the file name, so
 * renamed or gzipped copies load the same. `loadRatings` gives the ratings as
 * parallel arrays with users and items numbered densely in increasing order
 * of their file ids; `ratingsToGraph` turns them into the bipartite graph the
 * recommenders run on.
 */
import { InputError } from '../../errors.js';
import { parseLineBlocks } from '../../io/line-blocks.js';
import { RowParser } from '../../io/rows.js';
import { buildGraph } from '../build.js';
import type { BuildOptions } from '../build.js';
import { EdgeList } from '../edge-list.js';
import { Graph } from '../graph.js';
import { IdMap } from '../idmap.js';
import { sharedFloat64, sharedUint8 } from '../shared.js';
import { buildWithEdgeValues } from './edge-order.js';
import { GrowableFloat64, GrowableUint32 } from './growable.js';

/** Ratings as parallel arrays (on shared memory), one entry per rating, in file order. */
export interface Ratings {
  /** Dense user of each rating, 0..numUsers-1. */
  users: Uint32Array;
  /** Dense item of each rating, 0..numItems-1. */
  items: Uint32Array;
  values: Float64Array;
  /** Timestamp of each rating, or null when the file has no time column. */
  times: Float64Array | null;
  numUsers: number;
  numItems: number;
  /** File id of each dense user, ascending. */
  userIds: Float64Array;
  /** File id of each dense item, ascending. */
  itemIds: Float64Array;
  count: number;
}

export interface LoadRatingsOptions {
  /** Inclusive range a rating must lie in. Default [0.5, 5] (MovieLens). */
  ratingRange?: readonly [number, number];
  /** Called as the file is read with (bytes read, file size); compressed bytes for gzip. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

const COLUMNS = [
  { name: 'user id', kind: 'id' },
  { name: 'item id', kind: 'id' },
  { name: 'rating', kind: 'number' },
  { name: 'timestamp', kind: 'number' },
] as const;

class RatingsParser extends RowParser {
  readonly users = new GrowableUint32();
  readonly items = new GrowableUint32();
  readonly values = new GrowableFloat64();
  times: GrowableFloat64 | null = null;
  readonly userMap = new IdMap();
  readonly itemMap = new IdMap();

  constructor(
    file: string,
    private readonly low: number,
    private readonly high: number,
  ) {
    super(file, { columns: COLUMNS, required: 3 });
  }

  protected onRow(row: Float64Array, line: number): void {
    const rating = row[2];
    if (rating < this.low || rating > this.high) {
      throw new InputError(this.file, line, `rating ${rating} is outside the expected range [${this.low}, ${this.high}] (option ratingRange)`);
    }
    this.users.push(this.userMap.intern(row[0]));
    this.items.push(this.itemMap.intern(row[1]));
    this.values.push(rating);
    if (this.columns === 4) (this.times ??= new GrowableFloat64()).push(row[3]);
  }
}

/** Renumber dense ids (order of appearance) in increasing order of file id. */
function relabelSorted(ids: Uint32Array, map: IdMap): Float64Array {
  const { relabel, sortedIds } = map.sortedRelabel();
  for (let i = 0; i < ids.length; i++) ids[i] = relabel[ids[i]];
  const out = sharedFloat64(sortedIds.length);
  out.set(sortedIds);
  return out;
}

/** Load a MovieLens ratings file (u.data / *.base / *.test, ratings.dat, ratings.csv; gzip or not). */
export async function loadRatings(path: string, options: LoadRatingsOptions = {}): Promise<Ratings> {
  const [low, high] = options.ratingRange ?? [0.5, 5];
  const parser = new RatingsParser(path, low, high);
  await parseLineBlocks(path, parser, { onProgress: options.onProgress });
  const count = parser.values.length;
  if (count === 0) {
    throw new InputError(path, null, `no ratings found in ${parser.line} lines (expected lines "user item rating [timestamp]")`);
  }
  const users = parser.users.toShared();
  const items = parser.items.toShared();
  return {
    users,
    items,
    values: parser.values.toShared(),
    times: parser.times ? parser.times.toShared() : null,
    numUsers: parser.userMap.size,
    numItems: parser.itemMap.size,
    userIds: relabelSorted(users, parser.userMap),
    itemIds: relabelSorted(items, parser.itemMap),
    count,
  };
}

/**
 * The bipartite user -> item graph of a set of ratings: users are vertices
 * 0..U-1, items U..U+I-1, one directed edge per rating weighted by it (an
 * edge column `time` when the ratings have times, in CSR order).
 *
 * Ids: `fileIds` must stay ascending (Graph.denseId searches it), so users
 * keep their own file ids and items continue after the largest user id
 * (item i gets lastUserId + 1 + i); an item's own id is in the vertex column
 * `itemId` (f64, -1 for users), and the vertex column `side` (u8) is 0 for
 * users and 1 for items.
 */
export function ratingsToGraph(r: Ratings, options: Omit<BuildOptions, 'onProgress'> = {}): Graph {
  const U = r.numUsers;
  const n = U + r.numItems;
  const list = new EdgeList({ mapIds: false, weighted: true, expectedEdges: r.count });
  list.setNumVertices(n);
  const src = list.src;
  const dst = list.dst;
  const w = list.weight!;
  for (let k = 0; k < r.count; k++) {
    src[k] = r.users[k];
    dst[k] = U + r.items[k];
    w[k] = r.values[k];
  }
  list.length = r.count;
  const build = { undirected: options.undirected, selfLoops: options.selfLoops, duplicates: options.duplicates };
  const g = r.times ? buildWithEdgeValues(list, build, { time: r.times }) : buildGraph(list, build);

  const fileIds = sharedFloat64(n);
  fileIds.set(r.userIds);
  const next = U > 0 ? r.userIds[U - 1] + 1 : 0;
  const side = sharedUint8(n);
  const itemId = sharedFloat64(n);
  itemId.fill(-1, 0, U);
  for (let i = 0; i < r.numItems; i++) {
    fileIds[U + i] = next + i;
    side[U + i] = 1;
    itemId[U + i] = r.itemIds[i];
  }
  return new Graph({ ...g.toArrays(), fileIds, vertexColumns: { ...g.vertexColumns, side, itemId } });
}
