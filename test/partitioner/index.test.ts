import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { graphFromPairs } from '../../core/graph/build.js';
import { UsageError } from '../../core/errors.js';
import { checkParts, getPartitioner, partitionGraph, partitioners, resolveAlgos } from '../../partitioner/index.js';
import { shuffledOrder, streamFromGraph } from '../../partitioner/stream.js';
import { verifyPartition } from './verify.js';

function usageError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable('expected a UsageError');
}

test('k below 1, fractional or too large is a UsageError that says what k must be', () => {
  const graph = graphFromPairs([[0, 1], [1, 2]]);
  for (const k of [0, -3, 2.5, NaN, 65537]) {
    usageError(() => partitionGraph(graph, 'hdrf', k), /k must be an integer from 1 to 65536, got/);
  }
  usageError(() => checkParts(0), /got 0/);
});

test('an unknown partitioner is a UsageError listing the known ones', () => {
  usageError(() => getPartitioner('metis'), /unknown partitioner 'metis': expected one of random, grid, dbh, greedy, hdrf, restream-greedy, restream-hdrf, 2ps-l, 2ps-hdrf, ne, hep, edge-cut or all/);
  usageError(() => resolveAlgos('hdrf,nope'), /'nope'/);
  usageError(() => resolveAlgos(' , '), /no partitioner named/);
});

test('resolveAlgos: all, lists, repeats', () => {
  assert.equal(resolveAlgos('all').map((p) => p.name), partitioners.map((p) => p.name));
  assert.equal(resolveAlgos(['hdrf,dbh', 'hdrf']).map((p) => p.name), ['hdrf', 'dbh']);
});

test('a built Graph is partitioned over its CSR edges; an undirected one over each edge once', () => {
  const pairs: Array<[number, number]> = [[0, 1], [1, 2], [2, 3], [3, 0], [0, 2], [4, 4]];
  const directed = graphFromPairs(pairs);
  assert.is(partitionGraph(directed, 'random', 3).partition.numEdges, 6);
  const undirected = graphFromPairs(pairs, { undirected: true });
  const stream = streamFromGraph(undirected);
  assert.is(stream.count, 6);
  for (let e = 0; e < stream.count; e++) assert.ok(stream.src[e] <= stream.dst[e]);
  const run = partitionGraph(undirected, 'ne', 2);
  verifyPartition(stream, run.partition);
});

test('shuffledOrder is a seeded permutation', () => {
  const a = shuffledOrder(1000, 4);
  assert.equal([...a].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.equal(a, shuffledOrder(1000, 4));
  assert.not.equal(a, shuffledOrder(1000, 5));
});

test('the registry says what each partitioner is: vertex-cut or edge-cut, streaming or not (NE reads the whole graph)', () => {
  const described = Object.fromEntries(partitioners.map((p) => [p.name, `${p.kind} ${p.streaming ? 'streaming' : 'offline'}`]));
  assert.equal(described, {
    random: 'vertex-cut streaming',
    grid: 'vertex-cut streaming',
    dbh: 'vertex-cut streaming',
    greedy: 'vertex-cut streaming',
    hdrf: 'vertex-cut streaming',
    'restream-greedy': 'vertex-cut streaming',
    'restream-hdrf': 'vertex-cut streaming',
    '2ps-l': 'vertex-cut streaming',
    '2ps-hdrf': 'vertex-cut streaming',
    ne: 'vertex-cut offline',
    hep: 'vertex-cut offline',
    'edge-cut': 'edge-cut streaming',
  });
});

test("hdrf's options: defaults are 'partial' degrees and the 'normalized' balance term; anything else refused", async () => {
  const { rmatEdges } = await import('../../core/graph/generators/rmat.js');
  const { streamFromEdgeList } = await import('../../partitioner/stream.js');
  const stream = streamFromEdgeList(rmatEdges({ scale: 9, edgeFactor: 8, seed: 4 }));
  const hdrf = getPartitioner('hdrf');
  const parts = (options: Record<string, unknown>) => Array.from(hdrf.partition(stream, 8, options).parts);
  const byDefault = hdrf.partition(stream, 8, {});
  assert.is(byDefault.algo, 'hdrf');
  assert.equal(Array.from(byDefault.parts), parts({ degrees: 'partial', balanceTerm: 'normalized' }));
  assert.not.equal(Array.from(byDefault.parts), parts({ degrees: 'exact' }), 'exact degrees place differently');
  assert.not.equal(Array.from(byDefault.parts), parts({ balanceTerm: 'absolute', lambda: 4 }), 'the absolute balance term places differently');
  assert.throws(() => hdrf.partition(stream, 8, { degrees: 'approximate' as never }), (e: Error) => e instanceof UsageError && /hdrf: degrees must be 'partial' or 'exact'; got "approximate"/.test(e.message));
});

test.run();
