/**
 * Edge streams for benchmarks, by name: `rmat:SCALE[:EDGE_FACTOR[:SEED]]`
 * generates an R-MAT graph in memory (edges in generation order, 16 edges per
 * vertex by default), anything else is a text edge-list file (SNAP style, .gz
 * read transparently) parsed in file order with its ids made dense in order
 * of first appearance. A built Graph would lose the file's order (its CSR is
 * sorted by source), and streaming partitioners' quality depends on it.
 */
import { basename } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { rmatEdges } from '../../core/graph/generators/rmat.js';
import { parseEdgeList } from '../../core/graph/loaders/snap.js';
import { streamFromEdgeList } from '../stream.js';
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
}

/** A table name for a graph spec: `soc-Epinions1` for `.../soc-Epinions1.txt.gz`. */
export function graphName(spec: string): string {
  if (spec.startsWith('rmat:')) return spec;
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
  } else {
    stream = streamFromEdgeList(await parseEdgeList(spec, { weighted: false, onProgress: options.onProgress }));
  }
  return { name: graphName(spec), stream, loadSeconds: (performance.now() - started) / 1000 };
}
