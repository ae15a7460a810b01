/**
 * 2PS-L and 2PS-HDRF (partitioner/two-phase.ts) against a transcription of
 * the authors' algorithm written here with Maps and plain arrays, sharing no
 * code with the module: degrees, streaming clustering, clusters to parts,
 * pre-partitioning, then the two-part linear score or HDRF over a scan of all
 * k parts. Same parts edge for edge on small skewed graphs, both stream
 * orders; every edge placed once within the cap (verify.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import { partitionGraph, shuffledOrder, streamFromEdgeList } from '../../partitioner/index.js';
import type { EdgeStream } from '../../partitioner/types.js';
import { skewedStream, verifyPartition } from './verify.js';

function twoPhaseTranscription(stream: EdgeStream, k: number, hdrf: boolean, order: number[], passes = 1): number[] {
  const m = stream.count;
  const edge = (e: number): [number, number] => [stream.src[e], stream.dst[e]];
  const degree = new Map<number, number>();
  for (let e = 0; e < m; e++) for (const x of edge(e)) degree.set(x, (degree.get(x) ?? 0) + 1);
  const deg = (x: number): number => degree.get(x)!;
  // Clustering.
  const maxVol = Math.floor((2 * m) / k);
  const com = new Map<number, number>();
  const vol: number[] = [0];
  for (let pass = 0; pass < passes; pass++) {
    for (const e of order) {
      const [u, v] = edge(e);
      for (const x of [u, v]) if (!com.has(x)) { com.set(x, vol.length); vol.push(deg(x)); }
      const cu = com.get(u)!;
      const cv = com.get(v)!;
      if (vol[cu] > maxVol || vol[cv] > maxVol) continue;
      if (vol[cu] - deg(u) <= vol[cv] - deg(v) && vol[cv] + deg(u) <= maxVol) {
        vol[cu] -= deg(u); vol[cv] += deg(u); com.set(u, cv);
      } else if (vol[cv] - deg(v) < vol[cu] - deg(u) && vol[cu] + deg(v) <= maxVol) {
        vol[cv] -= deg(v); vol[cu] += deg(v); com.set(v, cu);
      }
    }
  }
  // Clusters to parts: volume descending, then id descending.
  const ids = vol.map((_, c) => c).slice(1).sort((a, b) => vol[b] - vol[a] || b - a);
  const partVol = new Array<number>(k).fill(0);
  const c2p = new Map<number, number>();
  for (const c of ids) {
    if (vol[c] === 0) break;
    const p = partVol.indexOf(Math.min(...partVol));
    partVol[p] += vol[c];
    c2p.set(c, p);
  }
  const home = (x: number): number => c2p.get(com.get(x)!) ?? 0;
  const cap = Math.ceil((1.05 * m) / k);
  const loads = new Array<number>(k).fill(0);
  const holds = new Map<number, Set<number>>();
  const has = (x: number, p: number): boolean => holds.get(x)?.has(p) ?? false;
  const parts = new Array<number>(m).fill(-1);
  const put = (e: number, p: number): void => {
    parts[e] = p;
    loads[p]++;
    for (const x of edge(e)) { if (!holds.has(x)) holds.set(x, new Set()); holds.get(x)!.add(p); }
  };
  const leastLoaded = (): number => loads.indexOf(Math.min(...loads));
  const linear = (u: number, v: number): number => {
    const pu = home(u);
    const pv = home(v);
    if (loads[pu] >= cap || loads[pv] >= cap) {
      const p = (deg(u) > deg(v) ? u : v) % k;
      return loads[p] >= cap ? leastLoaded() : p;
    }
    const sum = deg(u) + deg(v);
    const vols = vol[com.get(u)!] + vol[com.get(v)!];
    let best = 0;
    let bestScore = 0;
    for (const p of [pu, pv]) {
      // The authors' sum: g_u + g_v + c_u + c_v, c_x the cluster's volume share where p is its cluster's part.
      const gu = has(u, p) ? 1 + (1 - deg(u) / sum) : 0;
      const gv = has(v, p) ? 1 + (1 - deg(v) / sum) : 0;
      const cu = has(u, p) && pu === p ? vol[com.get(u)!] / vols : 0;
      const cv = has(v, p) && pv === p ? vol[com.get(v)!] / vols : 0;
      const s = gu + gv + cu + cv;
      if (s >= bestScore) { bestScore = s; best = p; }
    }
    return best;
  };
  const hdrfScore = (u: number, v: number): number => {
    const maxLoad = Math.max(...loads);
    const sum = deg(u) + deg(v);
    let best = -1;
    let bestScore = -1;
    for (let p = 0; p < k; p++) {
      if (loads[p] >= cap) continue;
      const gu = has(u, p) ? 1 + (1 - deg(u) / sum) : 0;
      const gv = has(v, p) ? 1 + (1 - deg(v) / sum) : 0;
      const s = gu + gv + (maxLoad - loads[p]) / (1 + maxLoad - Math.min(1, maxLoad));
      if (s > bestScore) { bestScore = s; best = p; }
    }
    return best;
  };
  for (const e of order) {
    const [u, v] = edge(e);
    if (home(u) !== home(v)) continue;
    put(e, loads[home(u)] >= cap ? linear(u, v) : home(u));
  }
  for (const e of order) {
    const [u, v] = edge(e);
    if (home(u) === home(v)) continue;
    put(e, hdrf ? hdrfScore(u, v) : linear(u, v));
  }
  return parts;
}

const graphs: Array<[string, EdgeStream]> = [
  ['skewed 80 x 600', skewedStream(80, 600, 3)],
  ['skewed 300 x 2500', skewedStream(300, 2500, 17)],
  ['rmat scale 9', streamFromEdgeList(rmatEdges({ scale: 9, edgeFactor: 6, seed: 5 }))],
];

test('2PS-L and 2PS-HDRF equal the transcription edge for edge, file and shuffled order, 1 and 2 clustering passes', () => {
  for (const [name, stream] of graphs) {
    for (const k of [2, 5, 8, 33]) {
      for (const shuffled of [false, true]) {
        const order = shuffled ? Array.from(shuffledOrder(stream.count, 4)) : Array.from({ length: stream.count }, (_, i) => i);
        for (const passes of [1, 2]) {
          for (const algo of ['2ps-l', '2ps-hdrf']) {
            const run = partitionGraph(stream, algo, k, { order: shuffled ? 'shuffled' : 'file', seed: 4, clusteringPasses: passes });
            const brute = verifyPartition(stream, run.partition);
            assert.ok(Math.max(...run.metrics.edgesPerPart) <= Math.ceil((1.05 * stream.count) / k), `${algo} ${name} k=${k}: within the cap`);
            assert.ok(Math.abs(brute.replicationFactor - run.metrics.replicationFactor) < 1e-12);
            const expected = twoPhaseTranscription(stream, k, algo === '2ps-hdrf', order, passes);
            assert.equal(Array.from(run.partition.parts), expected, `${algo} on ${name}, k = ${k}, ${shuffled ? 'shuffled' : 'file'}, ${passes} pass(es)`);
          }
        }
      }
    }
  }
});

test('2PS: a bad clusteringPasses is refused by name', () => {
  assert.throws(() => partitionGraph(graphs[0][1], '2ps-l', 4, { clusteringPasses: 0 }), /2ps-l: clusteringPasses must be an integer >= 1; got 0/);
});

test.run();
