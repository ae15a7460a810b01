/**
 * Community detection by label propagation (Raghavan, Albert, Kumara 2007),
 * made deterministic: every vertex starts with its own dense id as its label
 * and, each superstep, takes the most frequent label among its neighbours on
 * the simple undirected view plus its own label (one vote each), ties going
 * to the smallest label. Counting its own label stops the two-vertex flip-flop
 * of the plain rule (an edge 0-1 would swap labels forever); the run stops
 * when a superstep changes nothing, or after the engine's maxIterations.
 *
 * The most frequent label needs the whole multiset of neighbour labels, which
 * no sum of per-edge terms carries, so gather is 'none' and apply reads the
 * neighbours' labels itself with a per-thread counting array. To keep the
 * synchronous answer deterministic with threads racing, each vertex keeps its
 * label per round parity (`history`, two slots) and its round count: in round
 * r it reads a neighbour's round-r slot, which nobody writes during round r.
 * - Synchronous engine, any worker count: Jacobi rounds, one answer.
 * - Asynchronous 'sweep' scheduler: a vertex runs once per sweep, so every
 *   neighbour is in round r or r+1 and the answer is again the synchronous one.
 * - Asynchronous queue schedulers (fifo, priority): vertices drift apart in
 *   rounds; a vertex then reads a neighbour's newest label (Gauss-Seidel), so
 *   the labelling depends on the schedule (each label is still a vertex of the
 *   same component). Reading neighbours from apply is also why this program
 *   needs the whole graph in one process (no cluster mirrors for apply).
 *
 * Params: none. Output: `label` (u32, a dense id). Aggregator: changed (vertices
 * whose label changed in their last run); converged when it is 0.
 */
import { defineProgram } from '../core/program.js';
import { undirectedAdjacency } from './undirected.js';

const labelPropagation = defineProgram({
  name: 'label-propagation',
  url: import.meta.url,
  description: 'Community label propagation: most frequent neighbour label (own label votes too), ties to the smallest',
  vertex: { label: 'u32', history: 'u32x2', round: 'u32', changed: 'u8' },
  params: {},
  accumulator: { kind: 'scalar' },
  gatherEdges: 'none',
  scatterEdges: 'none',
  activation: 'all',
  output: 'label',
  outputKind: 'vertex',
  create({ vertex, graph, numVertices }) {
    const { label, history, round, changed } = vertex;
    const { offsets, targets, maxDegree } = undirectedAdjacency(graph);
    const count = new Uint32Array(numVertices);
    const seen = new Uint32Array(maxDegree + 1);
    return {
      init(v) {
        label[v] = v;
        history[2 * v] = v;
        history[2 * v + 1] = v;
        round[v] = 0;
        changed[v] = 1;
        return true;
      },
      apply(v) {
        const r = round[v];
        const slot = r & 1;
        const own = history[2 * v + slot];
        let distinct = 0;
        count[own] = 1;
        seen[distinct++] = own;
        for (let i = offsets[v]; i < offsets[v + 1]; i++) {
          const u = targets[i];
          const ru = round[u];
          const l = ru === r || ru === r + 1 ? history[2 * u + slot] : label[u];
          if (count[l]++ === 0) seen[distinct++] = l;
        }
        let best = own;
        let bestCount = 0;
        for (let i = 0; i < distinct; i++) {
          const l = seen[i];
          const c = count[l];
          if (c > bestCount || (c === bestCount && l < best)) {
            best = l;
            bestCount = c;
          }
          count[l] = 0;
        }
        history[2 * v + (slot ^ 1)] = best;
        label[v] = best;
        round[v] = r + 1;
        changed[v] = best !== own ? 1 : 0;
        return best !== own;
      },
    };
  },
  aggregators({ vertex }) {
    const changed = vertex.changed;
    return { changed: { map: (v) => changed[v], reduce: 'sum' } };
  },
  converged: (aggregates) => aggregates.changed === 0,
});

export default labelPropagation;
