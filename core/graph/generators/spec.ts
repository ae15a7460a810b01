/**
 * Generator specs, the graphs every command and `loadGraph` accept in place
 * of a file: `rmat:SCALE[:EDGE_FACTOR[:SEED]]`, `er:N:AVG_DEGREE[:SEED]`,
 * `grid:ROWSxCOLS`. One parser, so the library and the command line accept
 * and refuse the same specs with the same message, and know a spec's size
 * (vertices, edges) before anything is allocated.
 */
import { UsageError } from '../../errors.js';
import { buildGraph, type BuildOptions } from '../build.js';
import type { EdgeList } from '../edge-list.js';
import type { Graph } from '../graph.js';
import { erdosRenyiGnm } from './erdos-renyi.js';
import { grid2d, gridEdgeCount } from './grid.js';
import { rmatEdges, type RmatOptions } from './rmat.js';

export const GENERATOR_SPEC_HELP = 'rmat:SCALE[:EDGE_FACTOR[:SEED]], er:N:AVG_DEGREE[:SEED], grid:ROWSxCOLS';

export interface GeneratorSpec {
  spec: string;
  kind: 'rmat' | 'er' | 'grid';
  vertices: number;
  /** Edges generated (each undirected edge once). */
  edges: number;
  /** Whether the graph is built undirected unless told otherwise (er and grid). */
  undirected: boolean;
  /** Generate the edge list; `onProgress` (done, total) for the long ones. */
  generate(onProgress?: (done: number, total: number) => void): EdgeList;
  /** An R-MAT spec's options (a cluster's coordinator streams it: RmatGenerator). */
  rmat?: RmatOptions;
}

function part(spec: string, value: string | undefined, what: string, fallback?: number): number {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`graph spec "${spec}": missing ${what} (expected ${GENERATOR_SPEC_HELP})`);
  }
  const x = Number(value);
  if (!Number.isInteger(x) || x < 0) throw new UsageError(`graph spec "${spec}": ${what} must be a whole number >= 0; got "${value}"`);
  return x;
}

/** The generator a spec names, or null when `spec` is not one (a file name). */
export function parseGeneratorSpec(spec: string): GeneratorSpec | null {
  const [kind, ...parts] = spec.split(':');
  if (parts.length === 0) return null;
  if (kind === 'rmat') {
    if (parts.length > 3) throw new UsageError(`graph spec "${spec}": expected rmat:SCALE[:EDGE_FACTOR[:SEED]]`);
    const scale = part(spec, parts[0], 'SCALE');
    if (scale < 1 || scale > 30) throw new UsageError(`graph spec "${spec}": SCALE must be an integer in 1..30; got ${scale}`);
    const edgeFactor = part(spec, parts[1], 'EDGE_FACTOR', 16);
    const seed = part(spec, parts[2], 'SEED', 1);
    const vertices = 2 ** scale;
    return { spec, kind, vertices, edges: vertices * edgeFactor, undirected: false, rmat: { scale, edgeFactor, seed }, generate: (onProgress) => rmatEdges({ scale, edgeFactor, seed, onProgress }) };
  }
  if (kind === 'er') {
    if (parts.length > 3) throw new UsageError(`graph spec "${spec}": expected er:N:AVG_DEGREE[:SEED]`);
    const n = part(spec, parts[0], 'N');
    const degree = part(spec, parts[1], 'AVG_DEGREE');
    const seed = part(spec, parts[2], 'SEED', 1);
    if (n > 0xffffffff) throw new UsageError(`graph spec "${spec}": N must be at most 2^32-1; got ${n}`);
    const m = Math.round((n * degree) / 2);
    if (n > 0 && m > (n * (n - 1)) / 2) throw new UsageError(`graph spec "${spec}": AVG_DEGREE must be at most N-1 = ${n - 1}; got ${degree}`);
    return { spec, kind, vertices: n, edges: m, undirected: true, generate: () => erdosRenyiGnm({ n, m, seed }) };
  }
  if (kind === 'grid') {
    const m = parts.length === 1 ? /^(\d+)x(\d+)$/.exec(parts[0]) : null;
    if (!m) throw new UsageError(`graph spec "${spec}": expected grid:ROWSxCOLS, e.g. grid:100x100`);
    const rows = Number(m[1]);
    const cols = Number(m[2]);
    if (rows < 1 || cols < 1) throw new UsageError(`graph spec "${spec}": ROWS and COLS must be at least 1`);
    if (rows * cols > 0xffffffff) throw new UsageError(`graph spec "${spec}": ${rows} x ${cols} vertices exceed 2^32-1`);
    return { spec, kind, vertices: rows * cols, edges: gridEdgeCount(rows, cols), undirected: true, generate: () => grid2d({ rows, cols }) };
  }
  return null;
}

/** Generate and build the graph of a spec (er and grid undirected unless `options.undirected` says otherwise). */
export function generateGraph(generator: GeneratorSpec, options: BuildOptions = {}): Graph {
  const list = generator.generate(options.onProgress);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as BuildOptions;
  return buildGraph(list, { undirected: generator.undirected, ...defined });
}
