import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { candidatePairs, erdosRenyiGnm, erdosRenyiGnp } from '../../../../core/graph/generators/erdos-renyi.js';
import type { EdgeList } from '../../../../core/graph/edge-list.js';
import { UsageError } from '../../../../core/errors.js';

/** The edges as "u,v" strings, checking validity on the way: in range, no duplicates, self-loops and orientation as allowed. */
function pairSet(list: EdgeList, n: number, directed: boolean, selfLoops = false): Set<string> {
  const seen = new Set<string>();
  for (let e = 0; e < list.length; e++) {
    const u = list.src[e];
    const v = list.dst[e];
    assert.ok(u < n && v < n, `edge ${u} -> ${v} out of range`);
    if (!selfLoops) assert.ok(u !== v, `self-loop at ${u}`);
    if (!directed) assert.ok(u < v, `undirected edge ${u}, ${v} not listed as (min, max)`);
    const key = `${u},${v}`;
    assert.not.ok(seen.has(key), `duplicate edge ${key}`);
    seen.add(key);
  }
  assert.is(list.numVertices, n);
  return seen;
}

/** Every candidate pair by brute force. */
function allPairs(n: number, directed: boolean, selfLoops: boolean): string[] {
  const out: string[] = [];
  for (let u = 0; u < n; u++) {
    for (let v = directed ? 0 : u + 1; v < n; v++) if (u !== v || selfLoops) out.push(`${u},${v}`);
  }
  return out;
}

test('G(n, p): edge count within 5 standard deviations of n-choose-2 p, no duplicates or self-loops', () => {
  const n = 2000;
  const p = 0.005;
  const pairs = candidatePairs(n);
  assert.is(pairs, (n * (n - 1)) / 2);
  const sd = Math.sqrt(pairs * p * (1 - p));
  for (const seed of [1, 2, 3]) {
    const list = erdosRenyiGnp({ n, p, seed });
    pairSet(list, n, false);
    assert.ok(Math.abs(list.length - pairs * p) < 5 * sd, `seed ${seed}: ${list.length} edges, expected ${pairs * p}`);
  }
  const directed = erdosRenyiGnp({ n, p, directed: true, seed: 4 });
  pairSet(directed, n, true);
  const dPairs = n * (n - 1);
  assert.ok(Math.abs(directed.length - dPairs * p) < 5 * Math.sqrt(dPairs * p * (1 - p)));
});

test('G(n, p): every candidate pair is taken with frequency p (skipping maps gaps to pairs correctly)', () => {
  const trials = 400;
  for (const [directed, selfLoops] of [[false, false], [true, false], [true, true]] as const) {
    const n = 6;
    const p = 0.3;
    const counts = new Map(allPairs(n, directed, selfLoops).map((k) => [k, 0]));
    for (let seed = 1; seed <= trials; seed++) {
      for (const key of pairSet(erdosRenyiGnp({ n, p, directed, selfLoops, seed }), n, directed, selfLoops)) {
        assert.ok(counts.has(key), `${key} is not a candidate pair`);
        counts.set(key, counts.get(key)! + 1);
      }
    }
    const sd = Math.sqrt(trials * p * (1 - p));
    for (const [key, c] of counts) assert.ok(Math.abs(c - trials * p) < 5 * sd, `pair ${key}: ${c} of ${trials}`);
  }
});

test('G(n, p) with p = 0 and p = 1: empty and complete', () => {
  assert.is(erdosRenyiGnp({ n: 50, p: 0 }).length, 0);
  assert.is(erdosRenyiGnp({ n: 50, p: 0 }).numVertices, 50);
  assert.is(pairSet(erdosRenyiGnp({ n: 30, p: 1 }), 30, false).size, candidatePairs(30));
  assert.is(pairSet(erdosRenyiGnp({ n: 30, p: 1, directed: true }), 30, true).size, 30 * 29);
  assert.is(pairSet(erdosRenyiGnp({ n: 30, p: 1, directed: true, selfLoops: true }), 30, true, true).size, 900);
  assert.is(erdosRenyiGnp({ n: 1, p: 1 }).length, 0);
});

test('G(n, m): exactly m distinct pairs on both the sparse and the complement path', () => {
  for (const directed of [false, true]) {
    const n = 40;
    const total = candidatePairs(n, directed);
    for (const m of [0, 1, 100, Math.floor(total / 2), Math.floor(total / 2) + 1, total - 3, total]) {
      const list = erdosRenyiGnm({ n, m, directed, seed: m + 1 });
      assert.is(list.length, m);
      assert.is(pairSet(list, n, directed).size, m);
    }
  }
});

test('G(n, m): every pair is chosen with frequency m / pairs', () => {
  const trials = 400;
  for (const m of [4, 12]) {
    const n = 6;
    const total = candidatePairs(n);
    const counts = new Map(allPairs(n, false, false).map((k) => [k, 0]));
    for (let seed = 1; seed <= trials; seed++) {
      for (const key of pairSet(erdosRenyiGnm({ n, m, seed }), n, false)) counts.set(key, counts.get(key)! + 1);
    }
    const q = m / total;
    const sd = Math.sqrt(trials * q * (1 - q));
    for (const [key, c] of counts) assert.ok(Math.abs(c - trials * q) < 5 * sd, `m=${m} pair ${key}: ${c} of ${trials}`);
  }
});

test('deterministic per seed, different across seeds', () => {
  const a = erdosRenyiGnp({ n: 500, p: 0.01, seed: 9 });
  const b = erdosRenyiGnp({ n: 500, p: 0.01, seed: 9 });
  const c = erdosRenyiGnp({ n: 500, p: 0.01, seed: 10 });
  assert.equal(a.src.subarray(0, a.length), b.src.subarray(0, b.length));
  assert.equal(a.dst.subarray(0, a.length), b.dst.subarray(0, b.length));
  assert.not.equal(a.dst.subarray(0, a.length), c.dst.subarray(0, c.length));
  const d = erdosRenyiGnm({ n: 500, m: 900, seed: 9 });
  const e = erdosRenyiGnm({ n: 500, m: 900, seed: 9 });
  assert.equal(d.src, e.src);
  assert.equal(d.dst, e.dst);
});

test('bad parameters are UsageErrors', () => {
  const usage = (e: unknown): boolean => e instanceof UsageError;
  assert.throws(() => erdosRenyiGnp({ n: 10, p: 1.5 }), usage);
  assert.throws(() => erdosRenyiGnp({ n: -1, p: 0.5 }), usage);
  assert.throws(() => erdosRenyiGnp({ n: 10, p: 0.5, selfLoops: true }), usage);
  assert.throws(() => erdosRenyiGnm({ n: 10, m: 46 }), usage);
});

test.run();
