/**
 * soc-Epinions1 (SNAP, directed, file order) against figures the 2PS authors'
 * C++ code produced on it (replication factor at k = 8 / 32): an independent
 * implementation's answers, not ours. Skips when the dataset is absent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionGraph } from '../../partitioner/index.js';
import { loadEdgeStream } from '../../partitioner/bench/source.js';
import { shuffledOrder } from '../../partitioner/stream.js';
import type { EdgeStream, PartitionOptions } from '../../partitioner/types.js';
import { dataset, needsData } from '../helpers.js';

const path = dataset('snap/soc-Epinions1.txt.gz', 'soc-Epinions1 against the 2PS figures');
let stream: EdgeStream | null = null;
let shuffled: Uint32Array | null = null;

test.before(async () => {
  if (!path) return;
  stream = (await loadEdgeStream(path)).stream;
  shuffled = shuffledOrder(stream.count, 1);
});

function rf(algo: string, k: number, options: PartitionOptions): number {
  return partitionGraph(stream!, algo, k, { seed: 1, ...options }).metrics.replicationFactor;
}

function near(ours: number, theirs: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(ours / theirs - 1) <= tolerance, `${what}: ${ours.toFixed(3)} vs ${theirs} (more than ${tolerance * 100}% apart)`);
}

needsData(test, 'snap/soc-Epinions1.txt.gz')('the file parses to the published counts', () => {
  if (!stream) return;
  assert.is(stream.count, 508837);
  assert.is(stream.numVertices, 75879);
});

needsData(test, 'snap/soc-Epinions1.txt.gz')("HDRF as the 2PS code computes it (absolute balance term, lambda 1.1 as their README runs it) and DBH land within 5% of their figures", () => {
  if (!stream) return;
  const theirs = { balanceTerm: 'absolute', lambda: 1.1 } as const;
  near(rf('hdrf', 8, theirs), 2.24, 0.05, 'HDRF file k=8');
  near(rf('hdrf', 32, theirs), 3.51, 0.05, 'HDRF file k=32');
  near(rf('hdrf', 8, { ...theirs, visit: shuffled }), 1.69, 0.05, 'HDRF shuffled k=8');
  near(rf('hdrf', 32, { ...theirs, visit: shuffled }), 2.3, 0.05, 'HDRF shuffled k=32');
  near(rf('dbh', 8, {}), 1.83, 0.05, 'DBH k=8');
  near(rf('dbh', 32, {}), 2.95, 0.05, 'DBH k=32');
});

needsData(test, 'snap/soc-Epinions1.txt.gz')('the file-order HDRF figures pin lambda: 1.1 reproduces them to 1%, their flag default of 1 does not', () => {
  if (!stream) return;
  // Measured: lambda 1.1 gives 2.242 / 3.509, lambda 1 gives 2.194 / 3.322 (5.4% under 3.51).
  near(rf('hdrf', 8, { balanceTerm: 'absolute', lambda: 1.1 }), 2.24, 0.01, 'lambda 1.1, k=8');
  near(rf('hdrf', 32, { balanceTerm: 'absolute', lambda: 1.1 }), 3.51, 0.01, 'lambda 1.1, k=32');
  assert.ok(rf('hdrf', 32, { balanceTerm: 'absolute', lambda: 1 }) < 3.51 * 0.96, 'lambda 1 lands well under 3.51');
});

needsData(test, 'snap/soc-Epinions1.txt.gz')('NE is at or below 2PS-HDRF (1.60 / 2.17)', () => {
  if (!stream) return;
  assert.ok(rf('ne', 8, {}) <= 1.6);
  assert.ok(rf('ne', 32, {}) <= 2.17);
});

test("2PS-L and 2PS-HDRF land within 5% of the authors' code (1.92 / 2.94 and 1.60 / 2.17, file order)", () => {
  if (!stream) return;
  // Measured: 2PS-L 1.923 / 2.937, 2PS-HDRF 1.596 / 2.167.
  near(rf('2ps-l', 8, {}), 1.92, 0.05, '2PS-L k=8');
  near(rf('2ps-l', 32, {}), 2.94, 0.05, '2PS-L k=32');
  near(rf('2ps-hdrf', 8, {}), 1.6, 0.05, '2PS-HDRF k=8');
  near(rf('2ps-hdrf', 32, {}), 2.17, 0.05, '2PS-HDRF k=32');
});

test("the 2PS paper's order on this graph: 2PS-HDRF at or below HDRF (same stream, file order), 2PS-L above 2PS-HDRF", () => {
  if (!stream) return;
  // Measured: 2PS-HDRF 1.596 / 2.167, HDRF 1.600 / 2.434. (On wiki-Vote at k = 32 it does not hold: 4.229 vs 4.051.)
  for (const k of [8, 32]) {
    assert.ok(rf('2ps-hdrf', k, {}) <= rf('hdrf', k, {}), `k=${k}: 2PS-HDRF vs HDRF`);
    assert.ok(rf('2ps-l', k, {}) > rf('2ps-hdrf', k, {}), `k=${k}: 2PS-L vs 2PS-HDRF`);
  }
});

test('HEP with tau 100 is within 5% of NE, both at most 1.1 edge balance; HEP with tau 10 between NE and HDRF', () => {
  if (!stream) return;
  for (const k of [8, 32]) {
    const ne = partitionGraph(stream!, 'ne', k, { seed: 1 }).metrics;
    const hep100 = partitionGraph(stream!, 'hep', k, { seed: 1, tau: 100 }).metrics;
    const hep10 = partitionGraph(stream!, 'hep', k, { seed: 1, tau: 10 }).metrics;
    near(hep100.replicationFactor, ne.replicationFactor, 0.05, `HEP-100 vs NE, k=${k}`);
    assert.ok(ne.edgeBalance <= 1.1 && hep100.edgeBalance <= 1.1 && hep10.edgeBalance <= 1.1, `k=${k}: edge balance`);
    assert.ok(hep10.replicationFactor < rf('hdrf', k, {}), `k=${k}: HEP-10 below HDRF`);
  }
});

test.run();
