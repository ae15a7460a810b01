/**
 * A machine's part, built on the machine from the edges its coordinator
 * streamed to it (SendEdges) and the vertices it holds (Setup): a CSR of its
 * own edges over local vertex ids, as share.ts would have cut it from the
 * whole graph. Edges come in the input's order, and are sorted as build.ts
 * sorts a whole graph (stable, by target then by source), so a streamed part
 * is the same part, edge for edge, and a run gives the same answer bit for
 * bit.
 *
 * Owns the staging of streamed edges too (`StagedEdges`): typed arrays that
 * grow by doubling, one per field, and nothing per edge.
 */
import { UsageError } from '../errors.js';
import { Graph } from '../graph/graph.js';
import { sharedFloat64, sharedUint32 } from '../graph/shared.js';
import { HeldIds } from './held-ids.js';

/** Edges received so far for a job, in the order they came. */
export class StagedEdges {
  src: Uint32Array = new Uint32Array(1024);
  dst: Uint32Array = new Uint32Array(1024);
  weight: Float64Array | null = null;
  count = 0;
  /** When it is dropped unless a Setup takes it (ms since the epoch). */
  until = 0;

  /** `pass`: the coordinator's pass over its input these edges came by (see SendEdges). */
  constructor(
    readonly weighted: boolean,
    readonly pass = 0,
  ) {
    if (weighted) this.weight = new Float64Array(1024);
  }

  /**
   * The edges of later readers (--load distributed: each machine reads its range of the file), kept
   * apart until `merge()` puts them after this reader's, in readers' order: the file's order.
   */
  private readonly later = new Map<number, StagedEdges>();

  /** Edges received, every reader's. */
  get total(): number {
    let total = this.count;
    for (const s of this.later.values()) total += s.count;
    return total;
  }

  /** Append `src`/`dst`/`weight` (same lengths; weight only for a weighted job), read by `reader`. */
  append(src: Uint32Array, dst: Uint32Array, weight: Float64Array | null, reader = 0): void {
    if (reader > 0) {
      let s = this.later.get(reader);
      if (s === undefined) this.later.set(reader, (s = new StagedEdges(this.weighted, this.pass)));
      s.append(src, dst, weight);
      return;
    }
    const need = this.count + src.length;
    if (need > this.src.length) {
      let capacity = this.src.length;
      while (capacity < need) capacity *= 2;
      this.src = grown(this.src, capacity, this.count);
      this.dst = grown(this.dst, capacity, this.count);
      if (this.weight !== null) {
        const w = new Float64Array(capacity);
        w.set(this.weight.subarray(0, this.count));
        this.weight = w;
      }
    }
    this.src.set(src, this.count);
    this.dst.set(dst, this.count);
    if (this.weight !== null && weight !== null) this.weight.set(weight, this.count);
    this.count = need;
  }

  /** Every reader's edges into this one's arrays, in readers' order (the order a single reader would have read them). */
  merge(): void {
    for (const reader of [...this.later.keys()].sort((a, b) => a - b)) {
      const s = this.later.get(reader)!;
      this.later.delete(reader);
      this.append(s.src.subarray(0, s.count), s.dst.subarray(0, s.count), s.weight?.subarray(0, s.count) ?? null);
    }
  }
}

function grown(a: Uint32Array, capacity: number, used: number): Uint32Array {
  const b = new Uint32Array(capacity);
  b.set(a.subarray(0, used));
  return b;
}

/**
 * The part's graph: vertices `globalIds` (ascending whole-graph ids; their keys), edges `edges`
 * mapped to local ids. Throws (naming `who`) on an edge whose end this machine does not hold.
 * On shared memory, so that the job's helper threads read it in place.
 */
export function buildPart(edges: StagedEdges, globalIds: Uint32Array, totalVertices: number, who: string): Graph {
  const held = new HeldIds(globalIds, totalVertices, who);
  const n = globalIds.length;
  const m = edges.count;
  const { src, dst } = edges;
  // Ends to local ids, in place: the staged arrays are this build's to use.
  for (let e = 0; e < m; e++) {
    const s = held.local(src[e]);
    const t = held.local(dst[e]);
    if (s < 0 || t < 0) throw new UsageError(`${who}: edge ${src[e]} -> ${dst[e]} came to a machine that does not hold vertex ${s < 0 ? src[e] : dst[e]}`);
    src[e] = s;
    dst[e] = t;
  }
  // Two stable counting sorts, as build.ts sorts a whole graph: by target, then by source, so each
  // source's targets ascend, equal targets in the input's order.
  const targetStarts = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) targetStarts[dst[e] + 1]++;
  for (let v = 0; v < n; v++) targetStarts[v + 1] += targetStarts[v];
  const byTarget = new Uint32Array(m);
  for (let e = 0; e < m; e++) byTarget[targetStarts[dst[e]]++] = e;
  const outOffsets = sharedUint32(n + 1);
  for (let e = 0; e < m; e++) outOffsets[src[e] + 1]++;
  for (let v = 0; v < n; v++) outOffsets[v + 1] += outOffsets[v];
  const outTargets = sharedUint32(m);
  const weights = edges.weight !== null ? sharedFloat64(m) : null;
  const next = outOffsets.slice(0, n);
  for (let i = 0; i < m; i++) {
    const e = byTarget[i];
    const at = next[src[e]]++;
    outTargets[at] = dst[e];
    if (weights !== null) weights[at] = edges.weight![e];
  }
  const inOffsets = sharedUint32(n + 1);
  for (let e = 0; e < m; e++) inOffsets[outTargets[e] + 1]++;
  for (let v = 0; v < n; v++) inOffsets[v + 1] += inOffsets[v];
  const inSources = sharedUint32(m);
  const inEdgeIds = sharedUint32(m);
  next.set(inOffsets.subarray(0, n));
  // In CSR order of sources, as build.ts fills a whole graph's in-edges.
  for (let v = 0; v < n; v++) {
    for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) {
      const at = next[outTargets[e]]++;
      inSources[at] = v;
      inEdgeIds[at] = e;
    }
  }
  // Keys are the whole graph's dense ids, so that messages name vertices as one process would.
  const fileIds = Float64Array.from(globalIds);
  return new Graph({ numVertices: n, numEdges: m, undirected: false, outOffsets, outTargets, inOffsets, inSources, inEdgeIds, weights, fileIds, vertexColumns: {}, edgeColumns: {} });
}
