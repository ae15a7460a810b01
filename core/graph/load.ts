/**
 * One entry point for the command line: `loadGraph(path, options)` picks a
 * loader by format name, or by file name when the format is 'auto', and
 * returns a Graph. The formats and how 'auto' chooses are listed in
 * GRAPH_FORMATS (for `--help`). The binary graph file reader is
 * core/graph/binary.ts.
 */
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { generateGraph, parseGeneratorSpec } from './generators/spec.js';
import type { BuildOptions } from './build.js';
import type { Graph } from './graph.js';
import { loadMatrixMarket } from './loaders/matrix-market.js';
import { loadRatings, ratingsToGraph } from './loaders/movielens.js';
import { loadSignedNetwork } from './loaders/signed.js';
import { loadEdgeList, type IdMode } from './loaders/snap.js';
import { readGraphFile } from './binary.js';

export type GraphFormat = 'auto' | 'snap' | 'weighted' | 'mtx' | 'movielens' | 'signed' | 'bin';

export interface LoadGraphOptions extends Omit<BuildOptions, 'onProgress'> {
  /** Default 'auto': decided by the file name (see GRAPH_FORMATS). */
  format?: GraphFormat;
  /** Called as the file is read with (bytes read, file size); compressed bytes for gzip. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Edge lists (snap, weighted): 'dense' (default) or 'identity' (ids are vertex ids; see IdMode). */
  ids?: IdMode;
}

/** Every format loadGraph reads, with what 'auto' recognises it by. */
export const GRAPH_FORMATS: ReadonlyArray<{ name: GraphFormat; description: string; auto: string }> = [
  { name: 'auto', description: 'choose by file name (after stripping .gz)', auto: '' },
  { name: 'bin', description: 'gasworks binary graph file', auto: '*.bin, *.gwg' },
  { name: 'mtx', description: 'Matrix Market coordinate (symmetric -> undirected)', auto: '*.mtx' },
  {
    name: 'movielens',
    description: 'MovieLens ratings as a bipartite user -> item graph, weights = ratings',
    auto: 'u.data, *.base, *.test, ratings.dat, ratings.csv',
  },
  { name: 'signed', description: 'signed rating CSV source,target,rating,time (Bitcoin OTC/Alpha)', auto: 'other *.csv' },
  { name: 'snap', description: 'SNAP edge list "source target", weighted when a third column is present', auto: 'anything else' },
  { name: 'weighted', description: 'edge list "source target weight"', auto: '' },
];

const FORMAT_NAMES = GRAPH_FORMATS.map((f) => f.name);

/** The format 'auto' picks for a file name. */
export function detectFormat(path: string): Exclude<GraphFormat, 'auto'> {
  const name = (path.split(/[\\/]/).pop() ?? path).toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.bin') || name.endsWith('.gwg')) return 'bin';
  if (name.endsWith('.mtx')) return 'mtx';
  if (
    name === 'u.data' ||
    name.endsWith('.u.data') ||
    name.endsWith('.base') ||
    name.endsWith('.test') ||
    name.endsWith('ratings.dat') ||
    name.endsWith('ratings.csv')
  ) {
    return 'movielens';
  }
  if (name.endsWith('.csv')) return 'signed';
  return 'snap';
}



/**
 * Load a graph in any supported format, or generate one from a spec as the command line takes it
 * (`rmat:SCALE[:EDGE_FACTOR[:SEED]]`, `er:N:AVG_DEGREE[:SEED]`, `grid:ROWSxCOLS`; a file of that
 * name wins). Bad input is an InputError, a bad option a UsageError.
 */
export async function loadGraph(path: string, options: LoadGraphOptions = {}): Promise<Graph> {
  if (!existsSync(path)) {
    const generator = parseGeneratorSpec(path);
    if (generator !== null) {
      if (options.format !== undefined && options.format !== 'auto') throw new UsageError(`loadGraph: ${path} is a generator spec; a format ("${options.format}") is for files`);
      return generateGraph(generator, { undirected: options.undirected, selfLoops: options.selfLoops, duplicates: options.duplicates });
    }
  }
  const requested = options.format ?? 'auto';
  if (!FORMAT_NAMES.includes(requested)) {
    throw new UsageError(`loadGraph: unknown format "${requested}"; expected one of ${FORMAT_NAMES.join(', ')}`);
  }
  const format = requested === 'auto' ? detectFormat(path) : requested;
  const build = {
    undirected: options.undirected,
    selfLoops: options.selfLoops,
    duplicates: options.duplicates,
    sortIds: options.sortIds,
  };
  const onProgress = options.onProgress;
  const ids = options.ids ?? 'dense';
  if (ids !== 'dense' && ids !== 'identity') throw new UsageError(`loadGraph: ids must be 'dense' or 'identity'; got ${JSON.stringify(ids)}`);
  if (ids === 'identity' && format !== 'snap' && format !== 'weighted') {
    throw new UsageError(`loadGraph: ids 'identity' is for edge lists (format snap or weighted); ${path} is read as ${format}`);
  }
  switch (format) {
    case 'bin':
      return readGraphFile(path);
    case 'mtx':
      return loadMatrixMarket(path, { ...build, onProgress });
    case 'movielens':
      return ratingsToGraph(await loadRatings(path, { onProgress }), build);
    case 'signed':
      return loadSignedNetwork(path, { ...build, onProgress });
    case 'snap':
      return loadEdgeList(path, { ...build, weighted: 'auto', onProgress, ids });
    case 'weighted':
      return loadEdgeList(path, { ...build, weighted: true, onProgress, ids });
  }
}

