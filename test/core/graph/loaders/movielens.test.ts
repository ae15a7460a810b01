import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadRatings, ratingsToGraph } from '../../../../core/graph/loaders/movielens.js';
import type { Ratings } from '../../../../core/graph/loaders/movielens.js';
import { dataset, tempDir, needsData } from '../../../helpers.js';
import { rejectsInput, writeText } from './input-error.js';

const dir = tempDir();

/** Ratings back in file ids: [user, item, rating, time] per rating. */
function rows(r: Ratings): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < r.count; k++) out.push([r.userIds[r.users[k]], r.itemIds[r.items[k]], r.values[k], r.times ? r.times[k] : NaN]);
  return out;
}

const expected = [
  [196, 242, 3, 881250949],
  [22, 377, 1, 878887116],
  [196, 51, 4.5, 881250950],
];

test('u.data, ratings.dat and ratings.csv give the same ratings', async () => {
  const files = [
    ['u.data', '196\t242\t3\t881250949\n22\t377\t1\t878887116\n196\t51\t4.5\t881250950\n'],
    ['ratings.dat.gz', '196::242::3::881250949\r\n22::377::1::878887116\r\n196::51::4.5::881250950'],
    ['ratings.csv', 'userId,movieId,rating,timestamp\n196,242,3,881250949\n\n22,377,1,878887116\n196,51,4.5,881250950\n'],
  ];
  for (const [name, text] of files) {
    const r = await loadRatings(writeText(dir, name, text));
    assert.is(r.count, 3);
    assert.is(r.numUsers, 2);
    assert.is(r.numItems, 3);
    assert.equal(Array.from(r.userIds), [22, 196]);
    assert.equal(Array.from(r.itemIds), [51, 242, 377]);
    assert.equal(rows(r), expected, name);
  }
  const noTime = await loadRatings(writeText(dir, 'three.data', '1 2 5\n3 2 0.5\n'));
  assert.is(noTime.times, null);
});

test('ratingsToGraph: bipartite user -> item graph with sides, item ids and times', async () => {
  const r = await loadRatings(writeText(dir, 'g.data', '196\t242\t3\t10\n22\t377\t1\t20\n196\t51\t4.5\t30\n'));
  const g = ratingsToGraph(r);
  assert.is(g.numVertices, 5);
  assert.is(g.numEdges, 3);
  assert.equal(Array.from(g.vertexColumns.side), [0, 0, 1, 1, 1]);
  assert.equal(Array.from(g.vertexColumns.itemId), [-1, -1, 51, 242, 377]);
  assert.equal(Array.from(g.fileIds!), [22, 196, 197, 198, 199]);
  assert.is(g.denseId(196), 1);
  // user 196 (dense 1) rated items 51 (vertex 2) and 242 (vertex 3); user 22 rated 377 (vertex 4).
  assert.equal(Array.from(g.outNeighbors(0)), [4]);
  assert.equal(Array.from(g.outNeighbors(1)), [2, 3]);
  assert.equal(Array.from(g.weights!), [1, 4.5, 3]);
  assert.equal(Array.from(g.edgeColumns.time), [20, 30, 10]);
});

needsData(test, 'movielens/ml-100k.u.data.gz', 'movielens/ml-100k.u1.base.gz', 'movielens/ml-100k.u1.test.gz')('MovieLens 100K: 100,000 ratings, 943 users, 1,682 items; u1 split', async () => {
  const path = dataset('movielens/ml-100k.u.data.gz', 'ML-100K u.data');
  if (path) {
    const r = await loadRatings(path);
    assert.is(r.count, 100000);
    assert.is(r.numUsers, 943);
    assert.is(r.numItems, 1682);
    assert.equal([r.userIds[0], r.userIds[942], r.itemIds[0], r.itemIds[1681]], [1, 943, 1, 1682]);
    const histogram = [0, 0, 0, 0, 0, 0];
    for (const v of r.values) histogram[v]++;
    assert.equal(histogram.slice(1), [6110, 11370, 27145, 34174, 21201]);
    const g = ratingsToGraph(r);
    assert.is(g.numVertices, 943 + 1682);
    assert.is(g.numEdges, 100000);
  }
  const base = dataset('movielens/ml-100k.u1.base.gz', 'ML-100K u1.base');
  const probe = dataset('movielens/ml-100k.u1.test.gz', 'ML-100K u1.test');
  if (base && probe) {
    const train = await loadRatings(base);
    const held = await loadRatings(probe);
    assert.equal([train.count, train.numUsers, train.numItems], [80000, 943, 1650]);
    assert.equal([held.count, held.numUsers, held.numItems], [20000, 459, 1410]);
  }
});

test('malformed ratings are InputErrors naming file and line', async () => {
  const cases: Array<[string, string, number | null, string, object?]> = [
    ['empty.data', '', null, 'no ratings'],
    ['blank.data', '\n\n', null, 'no ratings'],
    ['range.data', '1\t2\t3\t4\n1\t3\t6\t5\n', 2, 'outside the expected range [0.5, 5]'],
    ['range0.data', '1\t2\t0\t4\n', 1, 'outside'],
    ['user.data', '1\t2\t3\t4\nx\t2\t3\t4\n', 2, 'user id'],
    ['negative.data', '-1\t2\t3\t4\n', 1, 'negative'],
    ['missing.data', '1\t2\t3\t4\n1\t2\n', 2, 'missing rating'],
    ['columns.data', '1\t2\t3\t4\n1\t2\t3\n', 2, 'expected 4 columns'],
    ['extra.data', '1\t2\t3\t4\t5\n', 1, 'extra "5"'],
    ['nan.csv', 'userId,movieId,rating,timestamp\n1,2,NaN,4\n', 2, 'finite number'],
    ['sep.dat', '1::2::3::4\n1::2:3::4\n', 2, 'found'],
    ['custom.data', '1 2 7 1\n', null, '', { ratingRange: [1, 10] }],
  ];
  for (const [name, text, line, fragment, options] of cases) {
    const path = writeText(dir, name, text);
    if (name === 'custom.data') {
      assert.is((await loadRatings(path, options)).values[0], 7);
      continue;
    }
    await rejectsInput(loadRatings(path, options ?? {}), path, line, fragment);
  }
});

test.run();
