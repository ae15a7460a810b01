import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RmatGenerator, rmatEdges } from '../../../../core/graph/generators/rmat.js';
import { buildGraph } from '../../../../core/graph/build.js';
import type { EdgeList } from '../../../../core/graph/edge-list.js';
import { referenceRmat } from './rmat-reference.js';
import { UsageError } from '../../../../core/errors.js';

/** FNV-1a over (src, dst, weight) of every edge. */
function checksum(list: EdgeList): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < list.length; i++) {
    h = Math.imul(h ^ list.src[i], 16777619) >>> 0;
    h = Math.imul(h ^ list.dst[i], 16777619) >>> 0;
    if (list.weight) h = Math.imul(h ^ list.weight[i], 16777619) >>> 0;
  }
  return h >>> 0;
}

test('the optimised generator reproduces the straightforward one edge for edge', () => {
  for (const [scale, edgeFactor, seed, relabel, maxWeight] of [
    [10, 16, 42, true, undefined],
    [12, 8, 7, true, undefined],
    [9, 4, 3, true, 10],
    [8, 16, 5, false, undefined],
    [1, 3, 9, true, 5],
  ] as const) {
    const fast = rmatEdges({ scale, edgeFactor, seed, relabel, maxWeight });
    const ref = referenceRmat({ scale, edgeFactor, seed, relabel, maxWeight });
    assert.is(fast.length, ref.length);
    assert.is(fast.numVertices, 2 ** scale);
    assert.equal(fast.src.subarray(0, fast.length), ref.src.subarray(0, ref.length), `src scale ${scale}`);
    assert.equal(fast.dst.subarray(0, fast.length), ref.dst.subarray(0, ref.length), `dst scale ${scale}`);
    if (maxWeight !== undefined) assert.equal(fast.weight!.subarray(0, fast.length), ref.weight!.subarray(0, ref.length));
  }
  const skewed = { scale: 11, seed: 4, a: 0.45, b: 0.25, c: 0.1 };
  assert.equal(rmatEdges(skewed).src, referenceRmat(skewed).src);
  assert.equal(rmatEdges(skewed).dst, referenceRmat(skewed).dst);
});

test('fixed-seed checksums recorded from the first implementation (commit f7cf784) still hold', () => {
  assert.is(checksum(rmatEdges({ scale: 10, seed: 42 })), 1197274797);
  assert.is(checksum(rmatEdges({ scale: 12, seed: 7, edgeFactor: 8 })), 3860938980);
  assert.is(checksum(rmatEdges({ scale: 10, seed: 3, maxWeight: 10 })), 3129604998);
  assert.is(checksum(rmatEdges({ scale: 8, seed: 5, relabel: false })), 1351440810);
  assert.is(checksum(rmatEdges({ scale: 9, seed: 11, a: 0.45, b: 0.15, c: 0.15 })), 479252932);
});

test('deterministic per seed, different across seeds', () => {
  const a = rmatEdges({ scale: 10, seed: 1 });
  const b = rmatEdges({ scale: 10, seed: 1 });
  const c = rmatEdges({ scale: 10, seed: 2 });
  assert.equal(a.src, b.src);
  assert.equal(a.dst, b.dst);
  assert.not.equal(a.src, c.src);
});

test('quadrant frequencies match a, b, c, d and degrees are heavy-tailed', () => {
  const scale = 14;
  const list = rmatEdges({ scale, seed: 3, relabel: false });
  const m = list.length;
  const half = 2 ** (scale - 1);
  let srcHigh = 0;
  let dstHigh = 0;
  for (let e = 0; e < m; e++) {
    if (list.src[e] >= half) srcHigh++;
    if (list.dst[e] >= half) dstHigh++;
  }
  // The top level puts the source in the lower half with probability c + d = 0.24, the target with b + d = 0.24.
  const sd = Math.sqrt(m * 0.24 * 0.76);
  assert.ok(Math.abs(srcHigh - 0.24 * m) < 5 * sd, `source high half ${srcHigh} of ${m}`);
  assert.ok(Math.abs(dstHigh - 0.24 * m) < 5 * sd, `target high half ${dstHigh} of ${m}`);

  const g = buildGraph(rmatEdges({ scale, seed: 3 }));
  const n = g.numVertices;
  let maxOut = 0;
  let isolated = 0;
  for (let v = 0; v < n; v++) {
    const d = g.outDegree(v) + g.inDegree(v);
    if (g.outDegree(v) > maxOut) maxOut = g.outDegree(v);
    if (d === 0) isolated++;
  }
  const mean = g.numEdges / n;
  // A Poisson(16) degree (Erdős–Rényi) essentially never exceeds 3x its mean at this size; R-MAT's hubs do by far.
  assert.ok(maxOut > 20 * mean, `max out-degree ${maxOut}, mean ${mean}`);
  assert.ok(isolated > n * 0.05, `isolated vertices ${isolated} of ${n}`);
});

test('in chunks of any size, the generator gives the same edges (weights too) as in one go', () => {
  for (const [options, chunk] of [[{ scale: 9, edgeFactor: 6, seed: 4 }, 1000], [{ scale: 8, edgeFactor: 5, seed: 2, maxWeight: 50 }, 7], [{ scale: 7, seed: 9, relabel: false }, 1 << 16]] as const) {
    const whole = rmatEdges(options);
    const generator = new RmatGenerator(options);
    assert.is(generator.numEdges, whole.length);
    const src = new Uint32Array(chunk);
    const dst = new Uint32Array(chunk);
    const weight = generator.weighted ? new Float64Array(chunk) : null;
    let at = 0;
    for (let got = generator.next(src, dst, weight, 0, chunk); got > 0; got = generator.next(src, dst, weight, 0, chunk)) {
      assert.equal(Array.from(src.subarray(0, got)), Array.from(whole.src.subarray(at, at + got)));
      assert.equal(Array.from(dst.subarray(0, got)), Array.from(whole.dst.subarray(at, at + got)));
      if (weight) assert.equal(Array.from(weight.subarray(0, got)), Array.from(whole.weight!.subarray(at, at + got)));
      at += got;
    }
    assert.is(at, whole.length);
  }
});

test('bad parameters are UsageErrors', () => {
  assert.throws(() => rmatEdges({ scale: 0 }), (e: unknown) => e instanceof UsageError);
  assert.throws(() => rmatEdges({ scale: 4, a: 0.5, b: 0.3, c: 0.3 }), (e: unknown) => e instanceof UsageError);
});

test.run();
