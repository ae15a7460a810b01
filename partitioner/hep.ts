/**
 * HEP, hybrid edge partitioning (Mayer and Jacobsen, SIGMOD 2021). A vertex
 * is high-degree when its degree is above tau times the mean degree (2m over
 * the vertices that have an edge). The edges with a low-degree end are
 * partitioned in memory by NE++ (ne.ts with `high`): neighbourhood expansion
 * in which high-degree vertices never join a core or seed a part, so their
 * edges are cut, as HDRF would, while low-degree neighbourhoods stay whole;
 * parts 0..k-2 are grown. The edges between two high-degree vertices, and
 * those the expansion left, are then streamed by HDRF (exact degrees, the
 * shared scan of scored-stream.ts) over the replica sets and loads the
 * expansion made, with the balance cap ceil(1.05 m / k) over all edges.
 * tau trades memory for quality: high tau is NE (everything in memory),
 * low tau is close to HDRF.
 *
 * Defaults are the authors' (github.com/mayerrn/hybrid_edge_partitioner):
 * tau 100 (their -hdf), HDRF lambda 1.1, epsilon 1, the normalised balance
 * term. Departures from their code: (a) high-degree vertices keep their
 * in-memory edges in both ends' adjacency here, where NE++ stores them at the
 * low-degree end only (memory, not the result, except that a high-degree
 * vertex entering a boundary brings its edges to that boundary at once, as
 * in NE); (b) each grown part's target is an even share of the in-memory
 * edges left (as ne.ts does), theirs 1.05 x the in-memory edges / k; (c)
 * the edges the expansion left are streamed in stream order together with
 * the high-to-high ones, where theirs assigns them vertex by vertex first;
 * (d) ties go to the lowest part (theirs too, by a scan of all parts).
 */
import { UsageError } from '../core/errors.js';
import { expandNeighbourhoods } from './ne.js';
import { countDegrees, finishScan, newScan, scanEdges, type ScoreRule } from './scored-stream.js';
import { visitOrder } from './stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export const HEP_DEFAULTS = { tau: 100, lambda: 1.1 } as const;

export function hepVertexCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  const { src, dst, count: m, numVertices: n } = stream;
  const tau = options.tau ?? HEP_DEFAULTS.tau;
  if (!(tau > 0) || !Number.isFinite(tau)) throw new UsageError(`hep: tau must be a positive number; got ${tau}`);
  const rule: ScoreRule = {
    algo: 'hep',
    degreeWeighted: true,
    lambda: options.lambda ?? HEP_DEFAULTS.lambda,
    epsilon: options.epsilon ?? 1,
    normalized: true,
    exactDegrees: true,
  };
  const scan = newScan(n, k, m, options, rule);
  const { state, stride, words, tracker } = scan;
  countDegrees(scan, src, dst, m);
  let present = 0;
  for (let v = 0; v < n; v++) if (state[v * stride] > 0) present++;
  const threshold = present === 0 ? 0 : tau * ((2 * m) / present);
  const high = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (state[v * stride] > threshold) high[v] = 1;

  const grown = expandNeighbourhoods(stream, k, options, high);
  const placed = grown.placed!;
  const parts = grown.parts;
  // The expansion's placement becomes the streaming phase's starting state.
  for (let v = 0; v < n; v++) for (let w = 0; w < words; w++) state[v * stride + 1 + w] = grown.replicas[v * words + w];
  for (let e = 0; e < m; e++) if (placed[e] === 1) tracker.add(parts[e]);

  // HDRF over the rest, in stream order.
  const visit = visitOrder(stream, options);
  let left = 0;
  for (let i = 0; i < m; i++) if (placed[visit === null ? i : visit[i]] === 0) left++;
  const rest = new Uint32Array(left);
  left = 0;
  for (let i = 0; i < m; i++) {
    const e = visit === null ? i : visit[i];
    if (placed[e] === 0) rest[left++] = e;
  }
  scanEdges(scan, rule, src, dst, parts, rest, left);
  if (options.onProgress) options.onProgress(m, m);
  const partition = finishScan(scan, 'hep', n, parts, options.seed ?? 1);
  partition.stateBytes += grown.stateBytes + high.byteLength + rest.byteLength;
  return partition;
}

export const hep: Partitioner = {
  name: 'hep',
  kind: 'vertex-cut',
  streaming: false,
  description: 'HEP: NE++ in memory on edges with a low-degree end, HDRF streaming for the rest; tau (default 100)',
  partition: hepVertexCut,
};
