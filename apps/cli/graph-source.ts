/**
 * Where the command line gets a graph from: a file (any format `loadGraph`
 * reads, binary included) or a generator spec, so users can try every command
 * without a file: `rmat:SCALE[:EDGE_FACTOR[:SEED]]`, `er:N:AVG_DEGREE[:SEED]`,
 * `grid:ROWSxCOLS`, and `-` for standard input (an edge list, or --format). Loading reports progress and its own time, which
 * commands keep apart from compute time.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { basename, join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { BuildOptions } from '../../core/graph/build.js';
import type { Graph } from '../../core/graph/graph.js';
import { generateGraph, parseGeneratorSpec } from '../../core/graph/generators/spec.js';
import { loadGraph } from '../../core/graph/load.js';
import { startProgress } from './progress.js';
import { graphBytes, isAllocationFailure, outOfMemory } from './out-of-memory.js';
import { formatBytes } from './output.js';
import { gwgSource, rmatSource, type EdgeSource } from '../../core/cluster/ingress.js';

export interface GraphSourceOptions extends BuildOptions {
  format?: string;
  /** Edge-list files: 'dense' or 'identity' (loadGraph's ids). */
  ids?: string;
  quiet?: boolean;
  /** The command, for messages ('info', 'run'). */
  who?: string;
}

export interface LoadedGraph {
  graph: Graph;
  /** A short name for tables: the file's base name or the generator spec. */
  name: string;
  loadSeconds: number;
}

export const GRAPH_SPEC_HELP =
  'a graph file (SNAP/weighted edge list, Matrix Market, MovieLens, signed CSV, gasworks .bin; .gz read transparently) ' +
  'or a generator: rmat:SCALE[:EDGE_FACTOR[:SEED]], er:N:AVG_DEGREE[:SEED], grid:ROWSxCOLS; - reads standard input';

/**
 * A graph as an edge stream (core/cluster/ingress.ts), which a cluster's coordinator places and
 * sends on without building it: an R-MAT spec, or a directed `.gwg` file, read as they are (no
 * option that changes the edges: undirected, dropped loops or duplicates). Null for anything else.
 */
export function streamableSource(spec: string, options: GraphSourceOptions = {}): EdgeSource | null {
  if (options.undirected || options.selfLoops === 'drop' || options.duplicates === 'drop') return null;
  const generator = parseGeneratorSpec(spec);
  if (generator !== null) return generator.rmat !== undefined ? rmatSource(generator.rmat, spec) : null;
  if (spec.endsWith('.gwg') && (options.format === undefined || options.format === 'auto') && existsSync(spec)) return gwgSource(spec);
  return null;
}

export async function openGraph(spec: string, options: GraphSourceOptions = {}): Promise<LoadedGraph> {
  const started = performance.now();
  const build: BuildOptions = {
    undirected: options.undirected,
    selfLoops: options.selfLoops,
    duplicates: options.duplicates,
  };
  const generator = parseGeneratorSpec(spec);
  let graph: Graph;
  if (generator !== null) {
    const bar = startProgress(`generating ${spec}`, 1, options);
    try {
      graph = generateGraph(generator, { ...build, onProgress: (d, t) => bar.update(d, t) });
    } catch (error) {
      if (!isAllocationFailure(error)) throw error;
      // The edge list (8 bytes an edge) and the build's sort buffers come on top of the graph itself.
      const edges = generator.undirected || build.undirected ? 2 * generator.edges : generator.edges;
      throw outOfMemory(options.who ?? 'gasworks', { what: `graph ${spec}`, vertices: generator.vertices, edges, bytes: graphBytes(generator.vertices, edges) + 16 * edges });
    } finally {
      bar.stop();
    }
    return { graph, name: spec, loadSeconds: (performance.now() - started) / 1000 };
  }
  if (spec === '-') return openStdin(options, started);
  let size = 0;
  const path = spec;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new UsageError(`${spec}: not a file`);
    size = s.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${spec}: no such file (expected ${GRAPH_SPEC_HELP})`);
  }
  const bar = startProgress(`loading ${basename(spec)}`, size, { ...options, unit: 'bytes' });
  try {
    graph = await loadGraph(path, {
      ...stripUndefined(build),
      format: (options.format ?? 'auto') as never,
      ...(options.ids !== undefined && options.ids !== 'dense' ? { ids: options.ids as never } : {}),
      onProgress: (done: number, total: number) => bar.update(done, total),
    });
  } catch (error) {
    if (!isAllocationFailure(error)) throw error;
    throw outOfMemory(options.who ?? 'gasworks', { what: `graph in ${spec}`, bytes: size, advice: `a ${formatBytes(size)} file; try a smaller graph, convert it once to a gasworks binary graph elsewhere (it is read without a build step), run across machines with --cluster, or give node more memory (NODE_OPTIONS=--max-old-space-size=...)` });
  } finally {
    bar.stop();
  }
  return { graph, name: basename(spec), loadSeconds: (performance.now() - started) / 1000 };
}

/**
 * `-`: standard input, in any format (--format; an edge list by default). The loaders read files
 * by position, which a pipe cannot do, so the bytes go to a private temporary folder first,
 * removed as soon as the graph is loaded.
 */
async function openStdin(options: GraphSourceOptions, started: number): Promise<LoadedGraph> {
  const dir = await mkdtemp(join(tmpdir(), 'gasworks-stdin-'));
  try {
    const file = join(dir, 'stdin');
    await pipeline(process.stdin, createWriteStream(file));
    const { graph } = await openGraph(file, options);
    return { graph, name: 'stdin', loadSeconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
