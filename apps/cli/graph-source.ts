/**
 * Where the command line gets a graph from: a file (any format `loadGraph`
 * reads, binary included) or a generator spec, so users can try every command
 * without a file: `rmat:SCALE[:EDGE_FACTOR[:SEED]]`, `er:N:AVG_DEGREE[:SEED]`,
 * `grid:ROWSxCOLS`. Loading reports progress and its own time, which
 * commands keep apart from compute time.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { buildGraph, type BuildOptions } from '../../core/graph/build.js';
import type { Graph } from '../../core/graph/graph.js';
import { erdosRenyiGnm, grid2d, rmatEdges } from '../../core/graph/generators/index.js';
import { loadGraph } from '../../core/graph/load.js';
import { startProgress } from './progress.js';
import { gwgSource, rmatSource, type EdgeSource } from '../../core/cluster/ingress.js';
import { existsSync } from 'node:fs';

export interface GraphSourceOptions extends BuildOptions {
  format?: string;
  /** Edge-list files: 'dense' or 'identity' (loadGraph's ids). */
  ids?: string;
  quiet?: boolean;
}

export interface LoadedGraph {
  graph: Graph;
  /** A short name for tables: the file's base name or the generator spec. */
  name: string;
  loadSeconds: number;
}

export const GRAPH_SPEC_HELP =
  'a graph file (SNAP/weighted edge list, Matrix Market, MovieLens, signed CSV, gasworks .bin; .gz read transparently) ' +
  'or a generator: rmat:SCALE[:EDGE_FACTOR[:SEED]], er:N:AVG_DEGREE[:SEED], grid:ROWSxCOLS';

function parseIntPart(spec: string, value: string | undefined, what: string, fallback?: number): number {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`graph spec "${spec}": missing ${what}`);
  }
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0) throw new UsageError(`graph spec "${spec}": ${what} must be a non-negative number, got "${value}"`);
  return x;
}


/**
 * A graph as an edge stream (core/cluster/ingress.ts), which a cluster's coordinator places and
 * sends on without building it: an R-MAT spec, or a directed `.gwg` file, read as they are (no
 * option that changes the edges: undirected, dropped loops or duplicates). Null for anything else.
 */
export function streamableSource(spec: string, options: GraphSourceOptions = {}): EdgeSource | null {
  if (options.undirected || options.selfLoops === 'drop' || options.duplicates === 'drop') return null;
  const [kind, ...parts] = spec.split(':');
  if (kind === 'rmat' && parts.length > 0) {
    const { scale, edgeFactor, seed } = rmatSpec(spec, parts);
    return rmatSource({ scale, edgeFactor, seed }, spec);
  }
  if (spec.endsWith('.gwg') && (options.format === undefined || options.format === 'auto') && existsSync(spec)) return gwgSource(spec);
  return null;
}

function rmatSpec(spec: string, parts: string[]): { scale: number; edgeFactor: number; seed: number } {
  const scale = parseIntPart(spec, parts[0], 'SCALE');
  if (!Number.isInteger(scale) || scale < 1 || scale > 30) throw new UsageError(`graph spec "${spec}": SCALE must be an integer in 1..30`);
  return { scale, edgeFactor: parseIntPart(spec, parts[1], 'EDGE_FACTOR', 16), seed: parseIntPart(spec, parts[2], 'SEED', 1) };
}

export async function openGraph(spec: string, options: GraphSourceOptions = {}): Promise<LoadedGraph> {
  const started = performance.now();
  const build: BuildOptions = {
    undirected: options.undirected,
    selfLoops: options.selfLoops,
    duplicates: options.duplicates,
  };
  const [kind, ...parts] = spec.split(':');
  let graph: Graph;
  if (kind === 'rmat' && parts.length) {
    const { scale, edgeFactor, seed } = rmatSpec(spec, parts);
    const bar = startProgress(`generating ${spec}`, 1, options);
    const list = rmatEdges({ scale, edgeFactor, seed, onProgress: (d, t) => bar.update(d, t) });
    bar.label(`building ${spec}`);
    graph = buildGraph(list, { ...build, onProgress: (d, t) => bar.update(d, t) });
    bar.stop();
  } else if (kind === 'er' && parts.length) {
    const n = parseIntPart(spec, parts[0], 'N');
    const degree = parseIntPart(spec, parts[1], 'AVG_DEGREE');
    const seed = parseIntPart(spec, parts[2], 'SEED', 1);
    const list = erdosRenyiGnm({ n, m: Math.round((n * degree) / 2), seed });
    graph = buildGraph(list, { undirected: true, ...stripUndefined(build) });
  } else if (kind === 'grid' && parts.length) {
    const m = /^(\d+)x(\d+)$/.exec(parts[0]);
    if (!m) throw new UsageError(`graph spec "${spec}": expected grid:ROWSxCOLS, e.g. grid:100x100`);
    graph = buildGraph(grid2d({ rows: Number(m[1]), cols: Number(m[2]) }), { undirected: true, ...stripUndefined(build) });
  } else {
    let size = 0;
    try {
      const s = await stat(spec);
      if (!s.isFile()) throw new UsageError(`${spec}: not a file`);
      size = s.size;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`${spec}: no such file (expected ${GRAPH_SPEC_HELP})`);
    }
    const bar = startProgress(`loading ${basename(spec)}`, size, { ...options, unit: 'bytes' });
    try {
      graph = await loadGraph(spec, {
        ...stripUndefined(build),
        format: (options.format ?? 'auto') as never,
        ...(options.ids !== undefined && options.ids !== 'dense' ? { ids: options.ids as never } : {}),
        onProgress: (done: number, total: number) => bar.update(done, total),
      });
    } finally {
      bar.stop();
    }
    return { graph, name: basename(spec), loadSeconds: (performance.now() - started) / 1000 };
  }
  return { graph, name: spec, loadSeconds: (performance.now() - started) / 1000 };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
