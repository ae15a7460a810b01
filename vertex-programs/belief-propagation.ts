/**
 * Loopy belief propagation (sum-product) on a pairwise Markov random field
 * with two states per vertex (0 and 1, e.g. honest and fraudulent): vertex v
 * has the prior P(x_v = 1) = prior(v), and every edge {u, v} the potential
 * psi(x_u, x_v) = 1 - epsilon when x_u = x_v and epsilon otherwise (homophily
 * for epsilon < 0.5, heterophily above). The output is each vertex's belief
 * P(x_v = 1): exact on a tree, the usual loopy approximation otherwise.
 *
 * Messages are log-odds, lambda = log m(1) - log m(0), two per edge (toward
 * the target and toward the source), in the edge column `message`. A vertex's
 * gather computes each incoming message anew from the neighbour's belief
 * minus the message it had sent that neighbour (the cavity), optionally
 * damped, m = damping * old + (1 - damping) * new, into `pending`; apply
 * commits its own incoming messages, sets its log-odds to logit(prior) + their
 * sum, and reports a change when a message moved by more than `tolerance`,
 * which signals its neighbours. Gathers only read what applies write, so a
 * synchronous run is the deterministic flooding schedule at any worker count.
 *
 * Signed MRFs (`signed: true`, for trust and rating networks): an edge whose
 * weight is negative couples its ends the other way, psi = epsilon when
 * x_u = x_v and 1 - epsilon otherwise (heterophily: a negative rating from an
 * honest account points at a fraudulent one), which negates the message
 * across it; other edges keep psi as above.
 *
 * MRF edges: on a graph built undirected, each stored pair is one MRF edge
 * (its copy with source < target holds the messages); on a directed graph
 * every edge u -> v is one MRF edge between u and v (so build it undirected,
 * duplicates dropped, unless parallel couplings are meant). Self-loops are
 * ignored.
 *
 * Params: epsilon 0.1; damping 0; tolerance 1e-8 (on message log-odds); signed false;
 * priorColumn 'prior': the graph vertex column (any numeric type) holding
 * P(x_v = 1), clamped to [1e-12, 1 - 1e-12]; every prior is 0.5 when the graph
 * has no such column. Stops when no message moves, or after maxIterations.
 * Output: `belief` (f64, P(x_v = 1)); `logOdds` holds logit(belief).
 */
import { UsageError } from '../core/errors.js';
import { defineProgram } from '../core/program.js';

const PRIOR_FLOOR = 1e-12;

const beliefPropagation = defineProgram({
  name: 'belief-propagation',
  url: import.meta.url,
  description: 'Loopy belief propagation, 2 states: priors from vertex column "prior", homophily epsilon 0.1',
  vertex: { belief: 'f64', logOdds: 'f64' },
  edge: { message: 'f64x2', pending: 'f64x2' },
  params: {
    epsilon: { default: 0.1, above: 0, below: 1, description: 'the edge potential for unlike states' },
    damping: { default: 0, min: 0, below: 1 },
    tolerance: { default: 1e-8, min: 0 },
    priorColumn: 'prior',
    signed: false as boolean,
  },
  accumulator: { kind: 'scalar' },
  gatherEdges: 'all',
  scatterEdges: 'all',
  activation: 'signalled',
  // apply reads or writes its edges' data: one machine only (see dataAccess in core/program.ts).
  dataAccess: 'shared-memory',
  output: 'belief',
  create({ vertex, edge, graph, params, numVertices }) {
    const { belief, logOdds } = vertex;
    const { message, pending } = edge;
    const epsilon = params.epsilon;
    const damping = params.damping;
    const tolerance = params.tolerance;
    if (!(epsilon > 0 && epsilon < 1)) throw new UsageError(`belief-propagation: epsilon must be in (0, 1); got ${epsilon}`);
    if (!(damping >= 0 && damping < 1)) throw new UsageError(`belief-propagation: damping must be in [0, 1); got ${damping}`);
    if (!(tolerance >= 0)) throw new UsageError(`belief-propagation: tolerance must be >= 0; got ${tolerance}`);
    const priorLogit = new Float64Array(numVertices);
    const priors = graph.vertexColumns[params.priorColumn];
    if (priors !== undefined) {
      if (priors.length !== numVertices) {
        throw new UsageError(
          `belief-propagation: vertex column "${params.priorColumn}" has ${priors.length} values for ${numVertices} vertices; expected one P(state 1) per vertex`,
        );
      }
      for (let v = 0; v < numVertices; v++) {
        const p = priors[v];
        if (!(p >= 0 && p <= 1)) {
          throw new UsageError(`belief-propagation: prior of vertex ${graph.key(v)} is ${p}; expected a probability in [0, 1]`);
        }
        const q = p < PRIOR_FLOOR ? PRIOR_FLOOR : p > 1 - PRIOR_FLOOR ? 1 - PRIOR_FLOOR : p;
        priorLogit[v] = Math.log(q / (1 - q));
      }
    }
    const { outOffsets, inOffsets, inSources, inEdgeIds, outTargets } = graph;
    const undirected = graph.undirected;
    const signed = params.signed === true;
    const weights = graph.weights;
    if (signed && weights === null) throw new UsageError('belief-propagation: signed needs edge weights (their signs choose each edge\'s coupling)');
    const same = 1 - epsilon;

    /** The message a vertex with cavity log-odds h sends across one edge. */
    const send = (h: number): number => {
      const q = 1 / (1 + Math.exp(-h));
      return Math.log((q * same + (1 - q) * epsilon) / (q * epsilon + (1 - q) * same));
    };

    return {
      init(v) {
        logOdds[v] = priorLogit[v];
        belief[v] = 1 / (1 + Math.exp(-priorLogit[v]));
        return true;
      },
      gather(v, u, e) {
        if (u === v) return 0;
        const out = e >= outOffsets[v] && e < outOffsets[v + 1];
        if (undirected && (out ? u < v : v < u)) return 0;
        // Slot 2e carries source -> target, 2e + 1 target -> source.
        const toV = out ? 2 * e + 1 : 2 * e;
        const toU = out ? 2 * e : 2 * e + 1;
        const sent = send(logOdds[u] - message[toU]);
        const fresh = signed && weights![e] < 0 ? -sent : sent;
        const m = damping === 0 ? fresh : damping * message[toV] + (1 - damping) * fresh;
        pending[toV] = m;
        return m;
      },
      apply(v, acc) {
        let moved = 0;
        for (let e = outOffsets[v]; e < outOffsets[v + 1]; e++) {
          const u = outTargets[e];
          if (u === v || (undirected && u < v)) continue;
          const change = Math.abs(pending[2 * e + 1] - message[2 * e + 1]);
          if (change > moved) moved = change;
          message[2 * e + 1] = pending[2 * e + 1];
        }
        for (let i = inOffsets[v]; i < inOffsets[v + 1]; i++) {
          const u = inSources[i];
          if (u === v || (undirected && v < u)) continue;
          const e = inEdgeIds[i];
          const change = Math.abs(pending[2 * e] - message[2 * e]);
          if (change > moved) moved = change;
          message[2 * e] = pending[2 * e];
        }
        const h = priorLogit[v] + acc;
        logOdds[v] = h;
        belief[v] = 1 / (1 + Math.exp(-h));
        return moved > tolerance;
      },
      scatter(_v, u, _e, signal) {
        signal(u);
      },
    };
  },
});

export default beliefPropagation;
