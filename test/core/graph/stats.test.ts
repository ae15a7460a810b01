import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { graphFromPairs } from '../../../core/graph/build.js';
import { graphStats } from '../../../core/graph/stats.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

test('graph statistics match a brute-force count (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 15 }),
      fc.array(fc.tuple(fc.nat(14), fc.nat(14), fc.integer({ min: -5, max: 9 })), { maxLength: 50 }),
      (n, raw) => {
        const edges = raw.map(([s, t, w]) => [s % n, t % n, w] as [number, number, number]);
        const g = graphFromPairs(edges, { numVertices: n, weighted: true });
        const s = graphStats(g);
        const outDeg = Array(n).fill(0);
        const inDeg = Array(n).fill(0);
        for (const [a, b] of edges) {
          outDeg[a]++;
          inDeg[b]++;
        }
        assert.is(s.vertices, n);
        assert.is(s.edges, edges.length);
        assert.is(s.selfLoops, edges.filter(([a, b]) => a === b).length);
        assert.is(s.maxOutDegree, Math.max(...outDeg));
        assert.is(s.maxInDegree, Math.max(...inDeg));
        assert.is(s.outDegree.min, Math.min(...outDeg));
        assert.is(s.outDegree.median, median(outDeg));
        assert.is(s.inDegree.median, median(inDeg));
        assert.is(s.outDegree.zero, outDeg.filter((d) => d === 0).length);
        assert.is(s.isolated, outDeg.filter((d, v) => d === 0 && inDeg[v] === 0).length);
        if (edges.length) {
          assert.is(s.minWeight, Math.min(...edges.map((e) => e[2])));
          assert.is(s.maxWeight, Math.max(...edges.map((e) => e[2])));
        } else assert.is(s.minWeight, null);
        assert.is(s.bytes, g.bytes());
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});

test.run();
