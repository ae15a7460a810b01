import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import graphology from 'graphology';
import type { AbstractGraph, Attributes, GraphType } from 'graphology-types';
import { fromGraphology, hasParallelEdges, toGraphology } from '../../../core/graph/graphology.js';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import type { Graph } from '../../../core/graph/graph.js';
import { isShared } from '../../../core/graph/shared.js';
import { Random } from '../../../core/util/random.js';
import { UsageError } from '../../../core/errors.js';
import { dataset, needsData } from '../../helpers.js';

// See core/graph/graphology.ts: the ESM default export is the class; the CommonJS-shaped types put it at .default.
const Graphology = graphology as unknown as typeof graphology.default;

interface Spec {
  seed: number;
  type: GraphType;
  multi: boolean;
  integerKeys: boolean;
  nodes: number;
  edges: number;
  weighted: boolean;
}

/** A random graphology graph with carried (numeric, vector) and uncarried (string, ragged) attributes. */
function randomGraphology(spec: Spec): AbstractGraph {
  const random = new Random(spec.seed);
  const g = new Graphology({ type: spec.type, multi: spec.multi, allowSelfLoops: true });
  const keys: string[] = [];
  for (let i = 0; i < spec.nodes; i++) {
    const key = spec.integerKeys ? String(random.nextInt(1000) * 3 + i * 3000) : `n${random.nextInt(100)}-${i}`;
    keys.push(key);
    g.addNode(key, { x: random.nextGaussian(), pos: [random.next(), random.next()], name: `node ${i}`, ragged: new Array(1 + (i % 2)).fill(1) });
  }
  for (let e = 0; e < spec.edges; e++) {
    const s = keys[random.nextInt(spec.nodes)];
    const t = keys[random.nextInt(spec.nodes)];
    const attributes: Attributes = { capacity: random.nextInt(10), vec: [random.next(), random.next(), random.next()], tag: 'x' };
    if (spec.weighted && random.next() < 0.9) attributes.weight = random.next();
    const undirected = spec.type === 'undirected' || (spec.type === 'mixed' && random.next() < 0.5);
    if (!spec.multi && (undirected ? g.hasUndirectedEdge(s, t) : g.hasDirectedEdge(s, t))) continue;
    if (undirected) g.addUndirectedEdge(s, t, attributes);
    else g.addDirectedEdge(s, t, attributes);
  }
  return g;
}

/** Edges as a sorted list of strings: kind, ends (undirected ends ordered), and the listed attributes. */
function edgeSignature(g: AbstractGraph, attributes: (a: Attributes) => unknown): string[] {
  const out: string[] = [];
  g.forEachEdge((_key, a, s, t, _sa, _ta, undirected) => {
    const ends = undirected && t < s ? [t, s] : [s, t];
    out.push(JSON.stringify([undirected, ends, attributes(a)]));
  });
  return out.sort();
}

test('graphology -> gasworks: CSR out-lists match graphology outbound edges; arrays shared', () => {
  const specs = fc.sample(
    fc.record({
      seed: fc.nat(),
      type: fc.constantFrom<GraphType>('directed', 'undirected', 'mixed'),
      multi: fc.boolean(),
      integerKeys: fc.boolean(),
      nodes: fc.integer({ min: 1, max: 25 }),
      edges: fc.nat(80),
      weighted: fc.boolean(),
    }),
    { numRuns: 60, seed: 42 },
  );
  for (const spec of specs) {
    const g = randomGraphology(spec);
    const graph = fromGraphology(g);
    assert.is(graph.numVertices, g.order);
    assert.is(graph.undirected, g.directedSize === 0 && (spec.type === 'undirected' || g.undirectedSize > 0));
    assert.ok(isShared(graph.outTargets) && isShared(graph.inSources));
    // Dense ids: sorted integer keys, else graphology's order.
    const keys = g.nodes();
    const expectedOrder = spec.integerKeys ? [...keys].sort((a, b) => Number(a) - Number(b)) : keys;
    assert.equal(Array.from({ length: graph.numVertices }, (_, v) => graph.key(v)), expectedOrder);
    assert.is(graph.fileIds === null, !spec.integerKeys);
    assert.is(graph.labels === null, spec.integerKeys);
    for (let v = 0; v < graph.numVertices; v++) {
      const key = graph.key(v);
      const want: string[] = [];
      g.forEachOutboundEdge(key, (_e, _a, s, t) => {
        want.push(s === key ? t : s);
      });
      const got = Array.from(graph.outNeighbors(v), (u) => graph.key(u));
      assert.equal(got.sort(), want.sort(), `out-list of ${key}`);
      // Numeric node attributes, scalar and vector, carried by dense id.
      const a = g.getNodeAttributes(key);
      assert.is(graph.vertexColumns.x[v], a.x);
      assert.equal(Array.from(graph.vertexColumns.pos.subarray(2 * v, 2 * v + 2)), a.pos);
    }
    assert.equal(Object.keys(graph.vertexColumns).sort(), g.order > 0 ? ['pos', 'x'] : []);
    assert.is(graph.weights !== null, g.someEdge((_e, a) => a.weight !== undefined));
  }
});

test('graphology -> gasworks -> graphology keeps nodes, edges, kinds and numeric attributes (property)', () => {
  const specs = fc.sample(
    fc.record({
      seed: fc.nat(),
      type: fc.constantFrom<GraphType>('directed', 'undirected', 'mixed'),
      multi: fc.boolean(),
      integerKeys: fc.boolean(),
      nodes: fc.integer({ min: 1, max: 25 }),
      edges: fc.nat(80),
      weighted: fc.boolean(),
    }),
    { numRuns: 60, seed: 42 },
  );
  for (const spec of specs) {
    const g = randomGraphology(spec);
    const back = toGraphology(fromGraphology(g));
    const hasWeights = g.someEdge((_e, a) => a.weight !== undefined);
    if (g.size > 0) assert.is(back.type, spec.type === 'mixed' && (g.directedSize === 0 || g.undirectedSize === 0) ? (g.directedSize === 0 ? 'undirected' : 'directed') : spec.type);
    assert.equal(back.nodes().sort(), g.nodes().sort());
    g.forEachNode((key, a) => {
      assert.equal(back.getNodeAttributes(key), { x: a.x, pos: a.pos }, `node ${key}`);
    });
    const carried = (a: Attributes): unknown => ({ capacity: a.capacity, vec: a.vec, weight: hasWeights ? (a.weight ?? 1) : undefined });
    assert.equal(edgeSignature(back, carried), edgeSignature(g, carried));
    assert.is(back.size, g.size);
  }
});

/** A gasworks graph with file ids, weights, parallel edges, self-loops and columns. */
function randomGasworks(seed: number, undirected: boolean, withLabels: boolean): Graph {
  const random = new Random(seed);
  const n = 1 + random.nextInt(20);
  const list = new EdgeList({ weighted: true });
  for (let v = 0; v < n; v++) list.addVertex(v * 10 + 1);
  const edges = random.nextInt(60);
  for (let e = 0; e < edges; e++) list.add(random.nextInt(n) * 10 + 1, random.nextInt(n) * 10 + 1, random.nextInt(100) / 4);
  const graph = buildGraph(list, { undirected });
  graph.vertexColumns = {
    rank: Float64Array.from({ length: n }, () => random.next()),
    emb: Float64Array.from({ length: 3 * n }, () => random.nextGaussian()),
  };
  // Edge columns hold the same value on both stored directions of an undirected edge, as fromGraphology makes them.
  const cost = new Float64Array(graph.numEdges);
  for (let u = 0; u < n; u++) {
    for (let e = graph.outOffsets[u]; e < graph.outOffsets[u + 1]; e++) cost[e] = graph.weights![e] * 2 + 1;
  }
  graph.edgeColumns = { cost };
  if (withLabels) graph.labels = Array.from({ length: n }, (_, v) => `v${(v * 7) % n}-${v}`);
  return graph;
}

test('gasworks -> graphology -> gasworks gives the same CSR, weights, ids and columns (property)', () => {
  const specs = fc.sample(fc.record({ seed: fc.nat(), undirected: fc.boolean(), labels: fc.boolean() }), { numRuns: 60, seed: 42 });
  for (const spec of specs) {
    const graph = randomGasworks(spec.seed, spec.undirected, spec.labels);
    const g = toGraphology(graph);
    assert.is(g.type, spec.undirected ? 'undirected' : 'directed');
    assert.is(g.multi, hasParallelEdges(graph));
    const back = fromGraphology(g);
    assert.is(back.undirected, spec.undirected);
    assert.is(back.numVertices, graph.numVertices);
    assert.is(back.numEdges, graph.numEdges);
    assert.equal(back.outOffsets, graph.outOffsets);
    assert.equal(back.outTargets, graph.outTargets);
    assert.equal(back.inOffsets, graph.inOffsets);
    assert.equal(back.inSources, graph.inSources);
    assert.equal(back.inEdgeIds, graph.inEdgeIds);
    if (graph.numEdges > 0) assert.equal(back.weights, graph.weights);
    assert.equal(Array.from({ length: back.numVertices }, (_, v) => back.key(v)), Array.from({ length: graph.numVertices }, (_, v) => graph.key(v)));
    assert.equal(back.vertexColumns.rank, graph.vertexColumns.rank);
    assert.equal(back.vertexColumns.emb, graph.vertexColumns.emb);
    if (graph.numEdges > 0) assert.equal(back.edgeColumns.cost, graph.edgeColumns.cost);
  }
});

test('mixed graphs keep each edge kind; a directed and an undirected edge may join the same pair', () => {
  const g = new Graphology({ type: 'mixed' });
  for (const k of ['a', 'b', 'c']) g.addNode(k);
  g.addDirectedEdge('a', 'b', { weight: 2 });
  g.addUndirectedEdge('a', 'b', { weight: 3 });
  g.addUndirectedEdge('c', 'c', { weight: 4 });
  g.addDirectedEdge('c', 'a', { weight: 5 });
  const graph = fromGraphology(g);
  assert.not.ok(graph.undirected);
  assert.is(graph.numEdges, 5); // a->b, a-b twice, c-c once, c->a
  assert.ok(graph.edgeColumns._undirected instanceof Uint8Array);
  const back = toGraphology(graph);
  assert.is(back.type, 'mixed');
  assert.not.ok(back.multi);
  const all = (x: AbstractGraph): string[] => edgeSignature(x, (a) => a.weight);
  assert.equal(all(back), all(g));
});

test('listed attributes are required; unknown columns are UsageErrors', () => {
  const g = new Graphology();
  g.addNode('a', { x: 1 });
  g.addNode('b', { x: 'high' });
  g.addEdge('a', 'b');
  const usage = (e: unknown): boolean => e instanceof UsageError && /"x"/.test((e as Error).message);
  assert.throws(() => fromGraphology(g, { nodeAttributes: ['x'] }), usage);
  assert.equal(Object.keys(fromGraphology(g).vertexColumns), []);
  const graph = fromGraphology(g);
  assert.throws(() => toGraphology(graph, { vertexColumns: ['nope'] }), (e: unknown) => e instanceof UsageError);
  g.setNodeAttribute('b', 'x', [1, 2]);
  assert.throws(() => fromGraphology(g, { nodeAttributes: ['x'] }), usage);
});

needsData(test, 'karate/zachary_weighted.txt')("Zachary's karate club: 34 nodes, 78 weighted edges, degrees as graphology counts them", () => {
  const path = dataset('karate/zachary_weighted.txt', 'karate interop');
  if (!path) return;
  const g = new Graphology({ type: 'undirected' });
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const [u, v, w] = line.trim().split(/\s+/);
    if (!w) continue;
    g.mergeNode(u);
    g.mergeNode(v);
    g.addUndirectedEdge(u, v, { weight: Number(w) });
  }
  assert.is(g.order, 34);
  assert.is(g.size, 78);
  const graph = fromGraphology(g);
  assert.ok(graph.undirected);
  assert.is(graph.numEdges, 156);
  assert.equal(Array.from(graph.fileIds!), Array.from({ length: 34 }, (_, i) => i + 1));
  for (let v = 0; v < 34; v++) {
    const key = graph.key(v);
    assert.is(graph.outDegree(v), g.degree(key));
    for (let e = graph.outOffsets[v]; e < graph.outOffsets[v + 1]; e++) {
      assert.is(graph.weights![e], g.getEdgeAttribute(g.edge(key, graph.key(graph.outTargets[e]))!, 'weight'));
    }
  }
  const back = toGraphology(graph);
  assert.is(back.size, 78);
  const weighted = (x: AbstractGraph): string[] => edgeSignature(x, (a) => a.weight);
  assert.equal(weighted(back), weighted(g));
});

test.run();
