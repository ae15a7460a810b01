/**
 * Interop with graphology, the JavaScript ecosystem's common graph library:
 * `fromGraphology` turns a graphology Graph into a gasworks Graph (CSR/CSC on
 * shared memory, attributes as typed columns) and `toGraphology` turns one
 * back.
 *
 * Node keys and dense ids: when every key is a non-negative integer in
 * canonical form ("0", "17", not "007" or "-1"), dense ids follow the keys in
 * increasing numeric order and `graph.fileIds` holds the keys, as a loader
 * would give; otherwise dense ids follow graphology's node order and
 * `graph.labels` holds the keys. toGraphology adds nodes in dense id order,
 * keyed by `graph.key(v)`.
 *
 * Edges: a directed edge u -> v is stored once; an undirected edge is stored
 * in both directions (a self-loop once), so a graph whose edges are all
 * undirected becomes an undirected gasworks Graph. A mixed graph becomes a
 * directed gasworks Graph plus a u8 edge column (`kindColumn`, default
 * "_undirected") that is 1 on both stored directions of each undirected edge,
 * so that toGraphology can rebuild the mixed graph. Parallel edges (multi
 * graphs) and self-loops are kept. Edge keys are not kept: toGraphology lets
 * graphology generate them. Edge order follows the CSR (sorted by source,
 * then target; parallel edges in graphology's order).
 *
 * Attributes: numeric node attributes become f64 vertex columns, and
 * attributes holding an array of k >= 2 numbers on every node become f64xk
 * columns (auto-detected: an attribute is carried when every node has a
 * valid value; or list them in `nodeAttributes`, and then a missing value is
 * an error). Edge attributes likewise become edge columns in CSR order. The
 * `weightAttribute` (default "weight") becomes `graph.weights` when any edge
 * has it, edges without it weighing 1, as graphology's own metrics assume.
 * toGraphology writes every column back as an attribute (vectors as plain
 * arrays) and the weights under `weightAttribute`; an undirected edge takes
 * the values of its stored copy whose source is the smaller dense id.
 */
import graphology from 'graphology';
import type { AbstractGraph, Attributes, GraphType } from 'graphology-types';
import { UsageError } from '../errors.js';
import { buildGraph } from './build.js';
import { EdgeList } from './edge-list.js';
import { Graph } from './graph.js';
import type { NumericArray } from './shared.js';
import { sharedFloat64, sharedUint8 } from './shared.js';

export interface FromGraphologyOptions {
  /** Node attributes to carry as columns. Default: every attribute that is numeric (or a numeric array of one length) on every node. */
  nodeAttributes?: string[];
  /** Edge attributes to carry as columns. Default: every attribute numeric (or numeric array) on every edge, the weight excepted. */
  edgeAttributes?: string[];
  /** Edge attribute read into `graph.weights`, or null for none. Default 'weight'. */
  weightAttribute?: string | null;
  /** Edge column marking undirected edges of a mixed graph. Default '_undirected'. */
  kindColumn?: string;
}

export interface ToGraphologyOptions {
  /** Vertex columns to write as node attributes. Default: all. */
  vertexColumns?: string[];
  /** Edge columns to write as edge attributes. Default: all (the kind column of a mixed graph excepted). */
  edgeColumns?: string[];
  /** Attribute receiving `graph.weights`, or null to leave weights out. Default 'weight'. */
  weightAttribute?: string | null;
  /** Edge column marking undirected edges (see FromGraphologyOptions). Default '_undirected'. */
  kindColumn?: string;
  /** Build a multi graph. Default: only when the graph has parallel edges. */
  multi?: boolean;
}

/**
 * graphology's ES module exports its Graph class as the default export, but
 * its type declarations, read as CommonJS under NodeNext, put the class at
 * `.default`: take the runtime value with the declared class type.
 */
const Graphology = graphology as unknown as typeof graphology.default;
type Graphology = InstanceType<typeof Graphology>;

const CANONICAL_INTEGER = /^(0|[1-9][0-9]{0,15})$/;

/**
 * The number of values an attribute value holds: 1 for a number, k for an
 * array of k >= 2 numbers, 0 for anything else. An array of one number is not
 * carried: a one-wide column reads back as a plain number.
 */
function numericWidth(value: unknown): number {
  if (typeof value === 'number') return 1;
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    const array = value as ArrayLike<unknown>;
    if (array.length < 2) return 0;
    for (let i = 0; i < array.length; i++) if (typeof array[i] !== 'number') return 0;
    return array.length;
  }
  return 0;
}

/**
 * Which attributes to carry and their widths. `listed`: exactly these, each
 * required on every element; otherwise those with the same numeric width on
 * every element.
 */
function chooseAttributes(
  what: 'node' | 'edge',
  count: number,
  forEach: (visit: (attributes: Attributes, key: string) => void) => void,
  listed: string[] | undefined,
  excluded: ReadonlySet<string>,
): Map<string, number> {
  const widths = new Map<string, number>();
  if (listed) {
    for (const name of listed) widths.set(name, -1);
    forEach((attributes, key) => {
      for (const name of listed) {
        const width = numericWidth(attributes[name]);
        const known = widths.get(name)!;
        if (width === 0 || (known !== -1 && known !== width)) {
          throw new UsageError(
            `fromGraphology: ${what} ${JSON.stringify(key)} has attribute "${name}" = ${JSON.stringify(attributes[name])}; ` +
              (known > 0 ? `expected ${known === 1 ? 'a number' : `an array of ${known} numbers`} as on the other ${what}s` : 'expected a number or an array of 2 or more numbers'),
          );
        }
        widths.set(name, width);
      }
    });
    for (const [name, width] of widths) if (width === -1) widths.set(name, 1); // no elements: a scalar column of length 0
    return widths;
  }
  // Auto-detect: a candidate survives while every element seen has it with the same width.
  let seen = 0;
  forEach((attributes) => {
    if (seen === 0) {
      for (const name of Object.keys(attributes)) {
        if (excluded.has(name)) continue;
        const width = numericWidth(attributes[name]);
        if (width > 0) widths.set(name, width);
      }
    } else {
      for (const [name, width] of widths) if (numericWidth(attributes[name]) !== width) widths.delete(name);
    }
    seen++;
  });
  return count === 0 ? new Map() : widths;
}

/** A gasworks Graph from a graphology graph (see the module comment for how keys, edges and attributes map). */
export function fromGraphology(g: AbstractGraph, options: FromGraphologyOptions = {}): Graph {
  const weightAttribute = options.weightAttribute === undefined ? 'weight' : options.weightAttribute;
  const kindColumn = options.kindColumn ?? '_undirected';
  const n = g.order;
  const keys = g.nodes();

  // Dense ids: numeric order of integer keys, else graphology's order.
  const integerKeys = keys.every((k) => CANONICAL_INTEGER.test(k) && Number(k) <= Number.MAX_SAFE_INTEGER);
  const denseOf = new Map<string, number>();
  let fileIds: Float64Array | null = null;
  let labels: string[] | null = null;
  if (integerKeys) {
    const sorted = Float64Array.from(keys, Number).sort();
    fileIds = sharedFloat64(n);
    fileIds.set(sorted);
    for (let v = 0; v < n; v++) denseOf.set(String(sorted[v]), v);
  } else {
    labels = keys.slice();
    for (let v = 0; v < n; v++) denseOf.set(keys[v], v);
  }

  // Edges in graphology's order, undirected ones in both directions. The
  // "weight" passed through buildGraph is each stored edge's index in that
  // order, so that attributes can be placed in CSR order afterwards.
  const m0 = g.size;
  const stored = new EdgeList({ mapIds: false, weighted: true, expectedEdges: 2 * m0 });
  stored.setNumVertices(n);
  const edgeKeys: string[] = new Array(m0);
  let index = 0;
  g.forEachEdge((edge, _attributes, source, target, _sa, _ta, undirected) => {
    const s = denseOf.get(source)!;
    const t = denseOf.get(target)!;
    edgeKeys[index] = edge;
    stored.add(s, t, index);
    if (undirected && s !== t) stored.add(t, s, index);
    index++;
  });
  const built = buildGraph(stored);
  const origin = built.weights!; // CSR position -> graphology edge index
  const m = built.numEdges;
  const mixed = g.directedSize > 0 && g.undirectedSize > 0;
  const undirected = g.directedSize === 0 && (g.type === 'undirected' || g.undirectedSize > 0);

  // Weights: when any edge has the attribute; 1 where it is missing.
  let weights: Float64Array | null = null;
  if (weightAttribute !== null && g.someEdge((_e, a) => typeof a[weightAttribute] === 'number')) {
    const byEdge = new Float64Array(m0);
    for (let i = 0; i < m0; i++) {
      const w = g.getEdgeAttribute(edgeKeys[i], weightAttribute);
      byEdge[i] = typeof w === 'number' ? w : 1;
    }
    weights = sharedFloat64(m);
    for (let e = 0; e < m; e++) weights[e] = byEdge[origin[e]];
  }

  // Vertex columns.
  const vertexColumns: Record<string, NumericArray> = {};
  const nodeWidths = chooseAttributes('node', n, (visit) => g.forEachNode((key, a) => visit(a, key)), options.nodeAttributes, new Set());
  for (const [name, width] of nodeWidths) {
    const column = sharedFloat64(n * width);
    g.forEachNode((key, a) => {
      const base = denseOf.get(key)! * width;
      const value = a[name];
      if (width === 1) column[base] = value as number;
      else for (let k = 0; k < width; k++) column[base + k] = (value as ArrayLike<number>)[k];
    });
    vertexColumns[name] = column;
  }

  // Edge columns, in CSR order through `origin`.
  const edgeColumns: Record<string, NumericArray> = {};
  const excluded = new Set<string>(weightAttribute === null ? [] : [weightAttribute]);
  const edgeWidths = chooseAttributes('edge', m0, (visit) => g.forEachEdge((key, a) => visit(a, key)), options.edgeAttributes, excluded);
  for (const [name, width] of edgeWidths) {
    if (mixed && name === kindColumn) throw new UsageError(`fromGraphology: edge attribute "${name}" clashes with kindColumn; pass another kindColumn`);
    const byEdge = new Float64Array(m0 * width);
    let i = 0;
    g.forEachEdge((_key, a) => {
      const value = a[name];
      if (width === 1) byEdge[i] = value as number;
      else for (let k = 0; k < width; k++) byEdge[i * width + k] = (value as ArrayLike<number>)[k];
      i++;
    });
    const column = sharedFloat64(m * width);
    for (let e = 0; e < m; e++) {
      const from = origin[e] * width;
      for (let k = 0; k < width; k++) column[e * width + k] = byEdge[from + k];
    }
    edgeColumns[name] = column;
  }
  if (mixed) {
    const isUndirected = new Uint8Array(m0);
    let i = 0;
    g.forEachEdge((_k, _a, _s, _t, _sa, _ta, u) => {
      isUndirected[i++] = u ? 1 : 0;
    });
    const kind = sharedUint8(m);
    for (let e = 0; e < m; e++) kind[e] = isUndirected[origin[e]];
    edgeColumns[kindColumn] = kind;
  }

  const graph = new Graph({ ...built.toArrays(), undirected, weights, fileIds, vertexColumns, edgeColumns });
  graph.labels = labels;
  return graph;
}

/**
 * True when some vertex has two stored edges of the same kind to the same
 * neighbour (neighbour lists are sorted, so such edges are in one run).
 * `kind` (1 = undirected) separates the directed and undirected edges of a
 * mixed graph, which graphology allows side by side in a simple graph.
 */
export function hasParallelEdges(graph: Graph, kind: NumericArray | null = null): boolean {
  const off = graph.outOffsets;
  const tgt = graph.outTargets;
  for (let v = 0; v < graph.numVertices; v++) {
    const end = off[v + 1];
    for (let e = off[v]; e < end; ) {
      let run = e + 1;
      while (run < end && tgt[run] === tgt[e]) run++;
      if (run - e > 1) {
        if (!kind) return true;
        let undirected = 0;
        for (let x = e; x < run; x++) undirected += kind[x] !== 0 ? 1 : 0;
        if (undirected > 1 || run - e - undirected > 1) return true;
      }
      e = run;
    }
  }
  return false;
}

/** Values per element of a column (1 when there are no elements to tell). */
function widthOf(column: NumericArray, count: number): number {
  return count === 0 ? 1 : column.length / count;
}

/** The attribute value of element i of a column: a number, or a plain array for a vector column. */
function valueAt(column: NumericArray, width: number, i: number): number | number[] {
  if (width === 1) return column[i];
  return Array.from(column.subarray(i * width, (i + 1) * width));
}

/**
 * A graphology graph from a gasworks Graph: 'undirected' for an undirected
 * graph (each edge once), 'mixed' when the graph carries the kind column,
 * else 'directed'; self-loops allowed; multi when there are parallel edges.
 */
export function toGraphology(graph: Graph, options: ToGraphologyOptions = {}): Graphology {
  const weightAttribute = options.weightAttribute === undefined ? 'weight' : options.weightAttribute;
  const kindColumn = options.kindColumn ?? '_undirected';
  const n = graph.numVertices;
  const m = graph.numEdges;
  const kind = !graph.undirected && graph.edgeColumns[kindColumn] ? graph.edgeColumns[kindColumn] : null;
  const type: GraphType = graph.undirected ? 'undirected' : kind ? 'mixed' : 'directed';
  const out = new Graphology({ type, multi: options.multi ?? hasParallelEdges(graph, kind), allowSelfLoops: true });

  const pick = (all: Record<string, NumericArray>, listed: string[] | undefined, what: string): string[] => {
    const names = listed ?? Object.keys(all);
    for (const name of names) if (!all[name]) throw new UsageError(`toGraphology: no ${what} column "${name}"; the graph has ${Object.keys(all).join(', ') || 'none'}`);
    return names;
  };
  const vertexNames = pick(graph.vertexColumns, options.vertexColumns, 'vertex');
  const edgeNames = pick(graph.edgeColumns, options.edgeColumns, 'edge').filter((name) => !(kind && name === kindColumn));
  const vertexWidths = vertexNames.map((name) => widthOf(graph.vertexColumns[name], n));
  const edgeWidths = edgeNames.map((name) => widthOf(graph.edgeColumns[name], m));

  const keys: string[] = new Array(n);
  for (let v = 0; v < n; v++) {
    keys[v] = graph.key(v);
    const attributes: Attributes = {};
    for (let c = 0; c < vertexNames.length; c++) attributes[vertexNames[c]] = valueAt(graph.vertexColumns[vertexNames[c]], vertexWidths[c], v);
    out.addNode(keys[v], attributes);
  }

  const off = graph.outOffsets;
  const tgt = graph.outTargets;
  const weights = weightAttribute === null ? null : graph.weights;
  for (let u = 0; u < n; u++) {
    for (let e = off[u]; e < off[u + 1]; e++) {
      const v = tgt[e];
      const undirectedEdge = graph.undirected || (kind !== null && kind[e] !== 0);
      // An undirected edge is stored as u -> v and v -> u: add it from the u <= v copy.
      if (undirectedEdge && v < u) continue;
      const attributes: Attributes = {};
      if (weights) attributes[weightAttribute!] = weights[e];
      for (let c = 0; c < edgeNames.length; c++) attributes[edgeNames[c]] = valueAt(graph.edgeColumns[edgeNames[c]], edgeWidths[c], e);
      if (undirectedEdge) out.addUndirectedEdge(keys[u], keys[v], attributes);
      else out.addDirectedEdge(keys[u], keys[v], attributes);
    }
  }
  return out;
}
