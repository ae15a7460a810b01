/**
 * Serial reference implementations the vertex programs are verified against
 * (not a test file). Each is the textbook algorithm written plainly over the
 * Graph's CSR/CSC arrays or over Set-based adjacency, sharing no code with
 * vertex-programs/: power-iteration PageRank, union-find components, queue
 * BFS, Dijkstra, Jacobi label propagation, brute-force triangles, k-core by
 * peeling, sequential greedy colouring, and for belief propagation both exact
 * marginals by enumerating all 2^n states and a serial flooding loopy BP.
 */
import type { Graph } from '../../core/graph/graph.js';

/** Undirected simple neighbour sets (directions, duplicates, self-loops dropped). */
export function neighbourSets(graph: Graph): Array<Set<number>> {
  const sets = Array.from({ length: graph.numVertices }, () => new Set<number>());
  for (let v = 0; v < graph.numVertices; v++) {
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      const u = graph.outTargets[e];
      if (u === v) continue;
      sets[v].add(u);
      sets[u].add(v);
    }
  }
  return sets;
}

/** PageRank, Jacobi power iteration from 1/n, dangling rank dropped (as vertex-programs/pagerank.ts documents). */
export function pagerankReference(graph: Graph, damping: number, iterations: number): Float64Array {
  const n = graph.numVertices;
  let rank = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    next.fill((1 - damping) / n);
    for (let u = 0; u < n; u++) {
      const degree = graph.outDegree(u);
      for (let e = graph.outOffsets[u]; e < graph.outOffsets[u + 1]; e++) {
        next[graph.outTargets[e]] += (damping * rank[u]) / degree;
      }
    }
    [rank, next] = [next, rank];
  }
  return rank;
}

/** Personalized PageRank from `source` by power iteration (dangling rank dropped). */
export function personalizedPagerankReference(graph: Graph, source: number, damping: number, iterations: number): Float64Array {
  const n = graph.numVertices;
  let rank = new Float64Array(n);
  rank[source] = 1;
  let next = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    next.fill(0);
    next[source] = 1 - damping;
    for (let u = 0; u < n; u++) {
      const degree = graph.outDegree(u);
      for (let e = graph.outOffsets[u]; e < graph.outOffsets[u + 1]; e++) {
        next[graph.outTargets[e]] += (damping * rank[u]) / degree;
      }
    }
    [rank, next] = [next, rank];
  }
  return rank;
}

/** Weak components by union-find: each vertex labelled with its component's smallest id. */
export function componentsReference(graph: Graph): Float64Array {
  const n = graph.numVertices;
  const parent = Array.from({ length: n }, (_, v) => v);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  for (let v = 0; v < n; v++) {
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      const a = find(v);
      const b = find(graph.outTargets[e]);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  return Float64Array.from({ length: n }, (_, v) => find(v));
}

/** BFS levels over out-edges with a FIFO queue; -1 when unreachable. */
export function bfsReference(graph: Graph, source: number): Int32Array {
  const level = new Int32Array(graph.numVertices).fill(-1);
  const queue = [source];
  level[source] = 0;
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const u of graph.outNeighbors(v)) {
      if (level[u] < 0) {
        level[u] = level[v] + 1;
        queue.push(u);
      }
    }
  }
  return level;
}

/** Dijkstra over out-edges with an O(n^2) selection (small graphs); Infinity when unreachable. */
export function ssspReference(graph: Graph, source: number): Float64Array {
  const n = graph.numVertices;
  const dist = new Float64Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  dist[source] = 0;
  for (;;) {
    let v = -1;
    for (let x = 0; x < n; x++) if (!done[x] && dist[x] < Infinity && (v < 0 || dist[x] < dist[v])) v = x;
    if (v < 0) break;
    done[v] = 1;
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      const u = graph.outTargets[e];
      const d = dist[v] + (graph.weights ? graph.weights[e] : 1);
      if (d < dist[u]) dist[u] = d;
    }
  }
  return dist;
}

/**
 * Label propagation in Jacobi rounds: new label = most frequent among the
 * neighbours' labels plus its own (one vote each), ties to the smallest;
 * stops after a round with no change or after `maxRounds`.
 */
export function labelPropagationReference(graph: Graph, maxRounds: number): { labels: Uint32Array; rounds: number } {
  const sets = neighbourSets(graph);
  const n = graph.numVertices;
  let labels = Uint32Array.from({ length: n }, (_, v) => v);
  let rounds = 0;
  while (rounds < maxRounds) {
    const next = new Uint32Array(n);
    let changed = 0;
    for (let v = 0; v < n; v++) {
      const votes = new Map<number, number>([[labels[v], 1]]);
      for (const u of sets[v]) votes.set(labels[u], (votes.get(labels[u]) ?? 0) + 1);
      let best = -1;
      let bestVotes = 0;
      for (const [label, count] of votes) {
        if (count > bestVotes || (count === bestVotes && label < best)) {
          best = label;
          bestVotes = count;
        }
      }
      next[v] = best;
      if (best !== labels[v]) changed++;
    }
    labels = next;
    rounds++;
    if (changed === 0) break;
  }
  return { labels, rounds };
}

/** Triangles per vertex by checking every pair of neighbours. */
export function trianglesReference(graph: Graph): Float64Array {
  const sets = neighbourSets(graph);
  const out = new Float64Array(graph.numVertices);
  for (let v = 0; v < graph.numVertices; v++) {
    const list = [...sets[v]];
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) if (sets[list[i]].has(list[j])) out[v]++;
    }
  }
  return out;
}

/** Core numbers by peeling: repeatedly remove a vertex of smallest remaining degree. */
export function kcoreReference(graph: Graph): Uint32Array {
  const sets = neighbourSets(graph);
  const n = graph.numVertices;
  const degree = sets.map((s) => s.size);
  const removed = new Uint8Array(n);
  const core = new Uint32Array(n);
  let k = 0;
  for (let step = 0; step < n; step++) {
    let v = -1;
    for (let x = 0; x < n; x++) if (!removed[x] && (v < 0 || degree[x] < degree[v])) v = x;
    k = Math.max(k, degree[v]);
    core[v] = k;
    removed[v] = 1;
    for (const u of sets[v]) if (!removed[u]) degree[u]--;
  }
  return core;
}

/** Sequential greedy colouring in id order: the smallest colour unused by lower neighbours. */
export function greedyColoringReference(graph: Graph): Uint32Array {
  const sets = neighbourSets(graph);
  const color = new Uint32Array(graph.numVertices);
  for (let v = 0; v < graph.numVertices; v++) {
    const used = new Set<number>();
    for (const u of sets[v]) if (u < v) used.add(color[u]);
    let c = 0;
    while (used.has(c)) c++;
    color[v] = c;
  }
  return color;
}

/** The MRF edges belief propagation uses: one per stored pair (undirected graph) or per edge (directed); no self-loops. */
export function mrfEdges(graph: Graph): Array<[number, number]> {
  const edges: Array<[number, number]> = [];
  for (let v = 0; v < graph.numVertices; v++) {
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      const u = graph.outTargets[e];
      if (u === v || (graph.undirected && u < v)) continue;
      edges.push([v, u]);
    }
  }
  return edges;
}

/** Exact P(x_v = 1) by summing the joint over all 2^n states (n <= 20); `heterophilous[k]` swaps edge k's potential. */
export function exactMarginals(n: number, edges: Array<[number, number]>, prior: ArrayLike<number>, epsilon: number, heterophilous?: ArrayLike<boolean>): Float64Array {
  if (n > 20) throw new Error('exactMarginals: at most 20 vertices');
  const one = new Float64Array(n);
  let total = 0;
  for (let state = 0; state < 1 << n; state++) {
    let p = 1;
    for (let v = 0; v < n; v++) p *= state & (1 << v) ? prior[v] : 1 - prior[v];
    edges.forEach(([a, b], k) => {
      const equal = ((state >> a) & 1) === ((state >> b) & 1);
      p *= equal !== (heterophilous?.[k] === true) ? 1 - epsilon : epsilon;
    });
    total += p;
    for (let v = 0; v < n; v++) if (state & (1 << v)) one[v] += p;
  }
  return one.map((x) => x / total);
}

/**
 * Loopy BP, flooding schedule, messages as normalised probability pairs
 * (not log-odds), until no message moves by more than `tolerance` (in
 * probability) or `maxRounds`. Returns P(x_v = 1).
 */
export function loopyBpReference(
  n: number,
  edges: Array<[number, number]>,
  prior: ArrayLike<number>,
  epsilon: number,
  damping: number,
  maxRounds: number,
  tolerance = 1e-13,
): { beliefs: Float64Array; rounds: number } {
  // Directed message slots: 2k is edges[k][0] -> edges[k][1], 2k + 1 the reverse; value = m(1) normalised.
  const into: number[][] = Array.from({ length: n }, () => []);
  edges.forEach(([a, b], k) => {
    into[b].push(2 * k);
    into[a].push(2 * k + 1);
  });
  let msg = new Float64Array(2 * edges.length).fill(0.5);
  const psi = (x: number, y: number): number => (x === y ? 1 - epsilon : epsilon);
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    const next = new Float64Array(msg.length);
    let moved = 0;
    for (let slot = 0; slot < msg.length; slot++) {
      const [a, b] = edges[slot >> 1];
      const from = slot & 1 ? b : a;
      const reverse = slot ^ 1;
      // Cavity distribution of `from`: prior times every incoming message but the reverse one.
      let c1 = prior[from];
      let c0 = 1 - prior[from];
      for (const s of into[from]) {
        if (s === reverse) continue;
        c1 *= msg[s];
        c0 *= 1 - msg[s];
      }
      const m1 = c0 * psi(0, 1) + c1 * psi(1, 1);
      const m0 = c0 * psi(0, 0) + c1 * psi(1, 0);
      const fresh = m1 / (m0 + m1);
      next[slot] = damping * msg[slot] + (1 - damping) * fresh;
      moved = Math.max(moved, Math.abs(next[slot] - msg[slot]));
    }
    msg = next;
    if (moved <= tolerance) {
      rounds++;
      break;
    }
  }
  const beliefs = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let b1 = prior[v];
    let b0 = 1 - prior[v];
    for (const s of into[v]) {
      b1 *= msg[s];
      b0 *= 1 - msg[s];
    }
    beliefs[v] = b1 / (b0 + b1);
  }
  return { beliefs, rounds };
}
