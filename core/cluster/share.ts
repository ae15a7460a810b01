/**
 * A machine's part of the graph, as the coordinator sends it to a 'view'
 * program's machine: the vertices it holds, renumbered to local ids
 * (ascending whole-graph id), their masters, replica sets and whole-graph
 * degrees, and its own edges alone as a CSR over the local ids, with each
 * edge's and each vertex's id in the whole graph. The worker (job.ts) runs on
 * it as is; the ids let it speak whole-graph ids on the wire.
 */
import { encodeGraphParts } from '../graph/binary.js';
import { Graph } from '../graph/graph.js';
import { hasReplica } from '../graph/replica-sets.js';
import type { WholeGraphView } from '../program.js';
import { lowerBound } from '../util/search.js';
import type { EdgePlacement } from './placement.js';

/** What a machine of a 'view' program is sent instead of the whole graph: its part, over local vertex ids. */
export interface MachineShare {
  /** Its graph, encoded (views of its arrays): the vertices it holds and its own edges. */
  parts: Uint8Array[];
  /** Each of its edges' id in the whole graph, for a program with edge data (empty otherwise). */
  globalEdgeIds: Uint32Array;
  /** Each vertex it holds: the whole graph's id (ascending), master, replica set, degrees. */
  globalVertexIds: Uint32Array;
  masters: Uint16Array;
  replicas: Uint32Array;
  outDegrees: Uint32Array;
  inDegrees: Uint32Array;
}

export interface ShareOptions {
  /** Every vertex held (a program whose rows go to every machine), not only those with an edge here or mastered here. */
  everyVertex: boolean;
  /** The program has edge data: the share lists its edges' whole-graph ids (their rows go by them); else none. */
  edgeIds: boolean;
  /** The whole graph's degrees. */
  view: Pick<WholeGraphView, 'outDegrees' | 'inDegrees'>;
}

/** The vertices machine m holds, and what it is told of each (a share without its edges). */
export type HeldVertices = Omit<MachineShare, 'parts' | 'globalEdgeIds'>;

/**
 * The vertices machine m holds (those it masters, and those it mirrors: an end of one of its
 * edges; every vertex with `everyVertex`), ascending whole-graph id: their masters, replica sets
 * and whole-graph degrees. What a machine is told when its edges were streamed to it (ingress.ts).
 */
export function heldVertices(part: Omit<EdgePlacement, 'machineOf'>, m: number, view: Pick<WholeGraphView, 'outDegrees' | 'inDegrees'>, everyVertex = false): HeldVertices {
  const { masters, replicas, words } = part;
  const n = masters.length;
  let held = 0;
  for (let v = 0; v < n; v++) if (everyVertex || masters[v] === m || hasReplica(replicas, words, v, m)) held++;
  const globalVertexIds = new Uint32Array(held);
  held = 0;
  for (let v = 0; v < n; v++) if (everyVertex || masters[v] === m || hasReplica(replicas, words, v, m)) globalVertexIds[held++] = v;
  const heldMasters = new Uint16Array(held);
  const heldReplicas = new Uint32Array(held * words);
  const outDegrees = new Uint32Array(held);
  const inDegrees = new Uint32Array(held);
  for (let l = 0; l < held; l++) {
    const v = globalVertexIds[l];
    heldMasters[l] = masters[v];
    for (let w = 0; w < words; w++) heldReplicas[l * words + w] = replicas[v * words + w];
    outDegrees[l] = view.outDegrees[v];
    inDegrees[l] = view.inDegrees[v];
  }
  return { globalVertexIds, masters: heldMasters, replicas: heldReplicas, outDegrees, inDegrees };
}

/**
 * Machine m's share of the graph for a 'view' program: the vertices it holds (heldVertices; every
 * vertex for a program whose rows go everywhere), renumbered 0..held-1 in ascending whole-graph
 * id, and its own edges alone, in the whole graph's CSR order (so their ids there ascend), with
 * their ids in the whole graph. Made when m is set up, and dropped once sent.
 */
export function machineShare(g: Graph, part: EdgePlacement, m: number, options: ShareOptions): MachineShare {
  const n = g.numVertices;
  const { machineOf } = part;
  const vertices = heldVertices(part, m, options.view, options.everyVertex);
  const { globalVertexIds } = vertices;
  const held = globalVertexIds.length;
  const localOf = new Int32Array(n).fill(-1);
  for (let l = 0; l < held; l++) localOf[globalVertexIds[l]] = l;
  // Keys stay the whole graph's (file ids, else dense ids), so messages name vertices alike.
  const fileIds = new Float64Array(held);
  for (let l = 0; l < held; l++) fileIds[l] = g.fileIds !== null ? g.fileIds[globalVertexIds[l]] : globalVertexIds[l];
  let count = 0;
  for (let e = 0; e < g.numEdges; e++) if (machineOf[e] === m) count++;
  const globalEdgeIds = new Uint32Array(count);
  const outOffsets = new Uint32Array(held + 1);
  const outTargets = new Uint32Array(count);
  const weights = g.weights !== null ? new Float64Array(count) : null;
  // Both ends of an edge of m are held on m (it has a replica there), so localOf never fails below.
  let at = 0;
  for (let l = 0; l < held; l++) {
    const v = globalVertexIds[l];
    for (let e = g.outOffsets[v]; e < g.outOffsets[v + 1]; e++) {
      if (machineOf[e] !== m) continue;
      globalEdgeIds[at] = e;
      outTargets[at] = localOf[g.outTargets[e]];
      if (weights !== null) weights[at] = g.weights![e];
      at++;
    }
    outOffsets[l + 1] = at;
  }
  const inOffsets = new Uint32Array(held + 1);
  const inSources = new Uint32Array(count);
  const inEdgeIds = new Uint32Array(count);
  at = 0;
  for (let l = 0; l < held; l++) {
    const v = globalVertexIds[l];
    for (let q = g.inOffsets[v]; q < g.inOffsets[v + 1]; q++) {
      const e = g.inEdgeIds[q];
      if (machineOf[e] !== m) continue;
      inSources[at] = localOf[g.inSources[q]];
      inEdgeIds[at] = lowerBound(globalEdgeIds, 0, count, e);
      at++;
    }
    inOffsets[l + 1] = at;
  }
  const local = new Graph({ numVertices: held, numEdges: count, undirected: g.undirected, outOffsets, outTargets, inOffsets, inSources, inEdgeIds, weights, fileIds, vertexColumns: {}, edgeColumns: {} });
  return { ...vertices, parts: encodeGraphParts(local), globalEdgeIds: options.edgeIds ? globalEdgeIds : new Uint32Array(0) };
}
