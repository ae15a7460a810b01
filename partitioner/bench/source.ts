/**
 * Edge streams for benchmarks, by name: `rmat:SCALE[:EDGE_FACTOR[:SEED]]`
 * generates an R-MAT graph in memory (edges in generation order, 16 edges per
 * vertex by default), as do `er:` and `grid:`; a text edge-list file (SNAP
 * style, weighted or not, .gz read transparently) is parsed in file order
 * with its ids made dense in order of first appearance; any other format
 * loadGraph reads (a gasworks binary graph, Matrix Market, ratings, a signed
 * network) streams its built graph's edges in CSR order. A built Graph would lose the file's order (its CSR is
 * sorted by source), and streaming partitioners' quality depends on it.
 */
import { basename } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import { parseEdgeList } from '../../core/graph/loaders/snap.js';
import { existsSync } from 'node:fs';
import { GENERATOR_SPEC_HELP, parseGeneratorSpec } from '../../core/graph/generators/spec.js';
import { detectFormat, loadGraph, type GraphFormat } from '../../core/graph/load.js';
import { streamFromEdgeList, streamFromGraph } from '../stream.js';
import type { EdgeStream } from '../types.js';

export interface LoadedStream {
  /** Short name for tables: the file's base name without extensions, or the spec. */
  name: string;
  stream: EdgeStream;
  loadSeconds: number;
}

export interface StreamSourceOptions {
  /** Called with (done, total) while reading (bytes) or generating (edges). */
  onProgress?: (done: number, total: number) => void;
  /** A file's format, as loadGraph takes it (default 'auto': by its name). */
  format?: GraphFormat;
}

/** A table name for a graph spec: `soc-Epinions1` for `.../soc-Epinions1.txt.gz`. */
export function graphName(spec: string): string {
  if (parseGeneratorSpec(spec) !== null) return spec;
  return basename(spec).replace(/(\.gz)$/, '').replace(/\.(txt|tsv|csv|el|edges)$/, '');
}

export async function loadEdgeStream(spec: string, options: StreamSourceOptions = {}): Promise<LoadedStream> {
  const started = performance.now();
  const rmat = /^rmat:(.*)$/.exec(spec);
  let stream: EdgeStream;
  if (rmat) {
    const fields = rmat[1].split(':');
    const numbers = fields.map(Number);
    if (fields.length > 3 || numbers.some((x) => !Number.isInteger(x) || x < 0) || !(numbers[0] >= 1 && numbers[0] <= 31)) {
      throw new UsageError(`graph spec "${spec}": expected rmat:SCALE[:EDGE_FACTOR[:SEED]] with integers, SCALE in 1..31`);
    }
    const list = rmatEdges({ scale: numbers[0], edgeFactor: numbers[1] ?? 16, seed: numbers[2] ?? 1, onProgress: options.onProgress });
    stream = streamFromEdgeList(list);
  } else if (!existsSync(spec) && parseGeneratorSpec(spec) !== null) {
    // er: and grid: (each undirected edge once, in generation order).
    stream = streamFromEdgeList(parseGeneratorSpec(spec)!.generate(options.onProgress));
  } else {
    if (!existsSync(spec)) throw new UsageError(`bench partitioners: --graph ${spec}: no such file (expected a graph file or ${GENERATOR_SPEC_HELP})`);
    const format = options.format === undefined || options.format === 'auto' ? detectFormat(spec) : options.format;
    if (format === 'snap' || format === 'weighted') {
      // Text edge lists keep their file order (weights, when present, are read and left aside).
      stream = streamFromEdgeList(await parseEdgeList(spec, { weighted: format === 'weighted' ? true : 'auto', onProgress: options.onProgress }));
    } else {
      // Other formats (binary graphs, Matrix Market, ratings, signed networks) give a built graph: its CSR order.
      stream = streamFromGraph(await loadGraph(spec, { format, onProgress: options.onProgress }));
    }
  }
  return { name: graphName(spec), stream, loadSeconds: (performance.now() - started) / 1000 };
}
