/**
 * defineScoredPartitioner and defineOfflinePartitioner (partitioner/define.ts):
 * greedy and HDRF written as user score rules give the built-in modules'
 * parts (the built-ins are the same rule with the scores inlined; each is
 * checked against its paper elsewhere), every edge placed within the cap on
 * graphs with k up to 300, and a rule or a name that cannot work is refused
 * by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import { UsageError } from '../../core/errors.js';
import { defineOfflinePartitioner, defineScoredPartitioner, partitionGraph, streamFromEdgeList } from '../../partitioner/index.js';
import type { EdgeStream } from '../../partitioner/types.js';
import { skewedStream, verifyPartition } from './verify.js';

const graphs: Array<[string, EdgeStream]> = [
  ['skewed 150 x 2000', skewedStream(150, 2000, 13)],
  ['rmat scale 10', streamFromEdgeList(rmatEdges({ scale: 10, edgeFactor: 8, seed: 9 }))],
];

const greedyRule = defineScoredPartitioner({
  name: 'greedy-as-rule',
  replicaScore: (holdsU, holdsV) => (holdsU ? 1 : 0) + (holdsV ? 1 : 0),
  balanceScore: (load, min, max) => (max - load) / (1 + max - min),
});

const hdrfRule = defineScoredPartitioner({
  name: 'hdrf-as-rule',
  replicaScore: (holdsU, holdsV, du, dv) => (holdsU ? 1 + (1 - du / (du + dv)) : 0) + (holdsV ? 1 + (1 - dv / (du + dv)) : 0),
  // Multiplied by the reciprocal, as the built-in does, so that exact ties round alike.
  // Multiplied by the reciprocal, as the built-in does, so that exact ties round alike.
  balanceScore: (load, min, max) => (max - load) * (1 / (1 + max - min)),
});

test('greedy and HDRF as user score rules equal the built-ins, both orders, k up to 300', () => {
  for (const [name, stream] of graphs) {
    for (const k of [1, 3, 32, 33, 300]) {
      for (const order of ['file', 'shuffled'] as const) {
        for (const [rule, builtIn] of [[greedyRule, 'greedy'], [hdrfRule, 'hdrf']] as const) {
          const mine = partitionGraph(stream, rule, k, { order, seed: 2 });
          verifyPartition(stream, mine.partition);
          assert.ok(Math.max(...mine.metrics.edgesPerPart) <= Math.max(1, Math.ceil((1.05 * stream.count) / k)), `${rule.name} k=${k}: cap`);
          const theirs = partitionGraph(stream, builtIn, k, { order, seed: 2 });
          assert.equal(Array.from(mine.partition.parts), Array.from(theirs.partition.parts), `${rule.name} vs ${builtIn} on ${name}, k = ${k}, ${order}`);
        }
      }
    }
  }
});

test('bad definitions and answers are refused by name', () => {
  const refused = (fn: () => unknown, pattern: RegExp): void => {
    try {
      fn();
      assert.unreachable(String(pattern));
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, pattern);
    }
  };
  refused(() => defineScoredPartitioner({ name: 'has space', replicaScore: () => 0, balanceScore: () => 0 }), /defineScoredPartitioner: name must be letters/);
  refused(() => defineScoredPartitioner({ name: 'x', replicaScore: 1 as never, balanceScore: () => 0 }), /x needs replicaScore and balanceScore functions/);
  refused(() => defineScoredPartitioner({ name: 'x', degrees: 'full' as never, replicaScore: () => 0, balanceScore: () => 0 }), /degrees must be 'partial' or 'exact'; got "full"/);
  const nan = defineScoredPartitioner({ name: 'nan', replicaScore: () => NaN, balanceScore: () => 0 });
  refused(() => partitionGraph(graphs[0][1], nan, 4), /nan: the score rule gave NaN for an edge/);
  const short = defineOfflinePartitioner({ name: 'short', assign: () => [0, 1] });
  refused(() => partitionGraph(graphs[0][1], short, 4), /short: assign must return one part per edge \(2000\); got 2 entries/);
});

test.run();
