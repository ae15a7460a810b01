/**
 * Streaming partitioners on streams that do not fit in memory: edges come in
 * chunks from a generator (R-MAT, `forEachRmatChunk`) or from a text edge
 * list on disk (read twice: once to count edges and find the largest id, once
 * to partition), and HDRF or greedy scores each chunk with the shared scan
 * (scored-stream.ts), whose state carries over from chunk to chunk. Memory is
 * the scan's n x (k bits + HDRF's degree word), one chunk of edges and its
 * parts (handed to `onParts`, for a caller that keeps them, then reused):
 * O(n k), nothing per edge. File vertex ids are used as they are (n = the
 * largest id + 1: a map from ids to dense ids would itself cost memory per
 * vertex); degrees are partial, as the stream goes, and the order is the
 * stream's own. The figures (replication factor, balances) are counted from
 * the scan's state and loads at the end.
 */
import { InputError, UsageError } from '../core/errors.js';
import { forEachRmatChunk } from '../core/graph/generators/rmat.js';
import { parseLineBlocks } from '../core/io/line-blocks.js';
import { HASH, NO_DIGITS, NEWLINE, PERCENT, TOO_LARGE, nextLine, scanUint, scanned, skipBlanks } from '../core/io/scan.js';
import { popcount32 } from '../core/util/bits.js';
import { partsArray } from './replicas.js';
import { newScan, scanEdges, type ScoreRule } from './scored-stream.js';
import { basename } from 'node:path';

export const CHUNK_EDGES = 1 << 20;

/** A stream of edges read in chunks, in order, as often as asked. */
export interface EdgeChunkSource {
  name: string;
  numVertices: number;
  edges: number;
  /** Hand every edge to onChunk in consecutive chunks; onProgress(done, total) in the source's own units. */
  forEachChunk(onChunk: (src: Uint32Array, dst: Uint32Array, count: number) => void, onProgress?: (done: number, total: number) => void): Promise<void>;
}

/** R-MAT generated on the fly (the same edges, in the same order, as `rmat:SCALE[:EDGE_FACTOR[:SEED]]` in memory). */
export function rmatChunkSource(scale: number, edgeFactor = 16, seed = 1, chunkEdges = CHUNK_EDGES, name = `rmat:${scale}:${edgeFactor}:${seed}`): EdgeChunkSource {
  return {
    name,
    numVertices: 2 ** scale,
    edges: Math.round(2 ** scale * edgeFactor),
    async forEachChunk(onChunk, onProgress) {
      forEachRmatChunk({ scale, edgeFactor, seed, onProgress }, chunkEdges, onChunk);
    },
  };
}

/**
 * A text edge list (two integer ids per line, `#` and `%` comment lines,
 * blanks or tabs between; `.gz` read transparently), in chunks. The first
 * pass counts its edges and finds its largest id.
 */
export async function fileChunkSource(path: string, chunkEdges = CHUNK_EDGES): Promise<EdgeChunkSource> {
  const parse = async (onEdge: ((u: number, v: number) => void) | null, onProgress?: (done: number, total: number) => void): Promise<{ edges: number; maxId: number }> => {
    let edges = 0;
    let maxId = -1;
    let line = 0;
    await parseLineBlocks(
      path,
      {
        parse(b: Buffer, start: number, end: number) {
          let p = start;
          while (p < end) {
            line++;
            p = skipBlanks(b, p);
            const c = b[p];
            if (c === NEWLINE || c === 13 || c === HASH || c === PERCENT) {
              p = nextLine(b, p);
              continue;
            }
            const u = scanUint(b, p);
            const v = u < 0 ? NO_DIGITS : scanUint(b, skipBlanks(b, scanned.end));
            if (u < 0 || v < 0) {
              throw new InputError(path, line, `expected two non-negative integer vertex ids${u === TOO_LARGE || v === TOO_LARGE ? ' (an id is too large)' : ''}`);
            }
            if (u > 0xfffffffe || v > 0xfffffffe) throw new InputError(path, line, `vertex ids must be below 2^32 - 1 for a chunked stream; got ${Math.max(u, v)}`);
            if (onEdge === null) {
              edges++;
              if (u > maxId) maxId = u;
              if (v > maxId) maxId = v;
            } else {
              onEdge(u, v);
            }
            p = nextLine(b, scanned.end);
          }
        },
      },
      { onProgress },
    );
    return { edges, maxId };
  };
  const { edges, maxId } = await parse(null);
  return {
    name: basename(path).replace(/(\.gz)$/, '').replace(/\.(txt|tsv|csv|el|edges)$/, ''),
    numVertices: maxId + 1,
    edges,
    async forEachChunk(onChunk, onProgress) {
      const size = Math.max(1, Math.min(chunkEdges, edges));
      const src = new Uint32Array(size);
      const dst = new Uint32Array(size);
      let count = 0;
      await parse((u, v) => {
        src[count] = u;
        dst[count] = v;
        if (++count === size) {
          onChunk(src, dst, count);
          count = 0;
        }
      }, onProgress);
      if (count > 0) onChunk(src, dst, count);
    },
  };
}

export interface ChunkedOptions {
  seed?: number;
  lambda?: number;
  balanceSlack?: number;
  /** Each chunk's parts, aligned with the chunk's edges (the array is reused). */
  onParts?: (parts: Uint8Array | Uint16Array, count: number) => void;
  /** (edges done, total edges). */
  onProgress?: (done: number, total: number) => void;
}

export interface ChunkedResult {
  algo: string;
  graph: string;
  k: number;
  numVertices: number;
  edges: number;
  vertices: number;
  replicationFactor: number;
  edgeBalance: number;
  vertexBalance: number;
  seconds: number;
  /** The scan's state, loads and one chunk's parts. */
  stateBytes: number;
  /** Peak resident set of this process after the run. */
  maxRssBytes: number;
}

/** HDRF or greedy over a chunked stream (see the header). */
export async function partitionChunks(source: EdgeChunkSource, algo: 'hdrf' | 'greedy', k: number, options: ChunkedOptions = {}): Promise<ChunkedResult> {
  if (algo !== 'hdrf' && algo !== 'greedy') throw new UsageError(`partitionChunks: algo must be hdrf or greedy (the scored streaming ones); got ${algo}`);
  const started = performance.now();
  const rule: ScoreRule = { algo, degreeWeighted: algo === 'hdrf', lambda: algo === 'hdrf' ? (options.lambda ?? 1) : 1, epsilon: 1, normalized: true };
  const n = source.numVertices;
  const m = source.edges;
  const scan = newScan(n, k, m, { balanceSlack: options.balanceSlack }, rule);
  let parts = partsArray(Math.min(CHUNK_EDGES, Math.max(1, m)), k);
  let done = 0;
  await source.forEachChunk((src, dst, count) => {
    if (parts.length < count) parts = partsArray(count, k);
    scanEdges(scan, rule, src, dst, parts, null, count);
    options.onParts?.(parts, count);
    done += count;
    options.onProgress?.(done, m);
  });
  if (done !== m) throw new Error(`partitionChunks: the source gave ${done} edges, it announced ${m}`);
  // Figures from the scan's state: replicas per vertex and per part, loads per part.
  const { state, stride, degreeSlot, words } = scan;
  const perPart = new Float64Array(k);
  let replicas = 0;
  let present = 0;
  for (let v = 0; v < n; v++) {
    let count = 0;
    for (let w = 0; w < words; w++) {
      let bits = state[v * stride + degreeSlot + w];
      count += popcount32(bits);
      while (bits !== 0) {
        perPart[(w << 5) + (31 - Math.clz32(bits & -bits))]++;
        bits &= bits - 1;
      }
    }
    replicas += count;
    if (count > 0) present++;
  }
  const loads = scan.tracker.loads;
  let maxLoad = 0;
  for (const load of loads) maxLoad = Math.max(maxLoad, load);
  let maxVertices = 0;
  for (const c of perPart) maxVertices = Math.max(maxVertices, c);
  return {
    algo,
    graph: source.name,
    k,
    numVertices: n,
    edges: m,
    vertices: present,
    replicationFactor: present === 0 ? 0 : replicas / present,
    edgeBalance: m === 0 ? 1 : maxLoad / (m / k),
    vertexBalance: replicas === 0 ? 1 : maxVertices / (replicas / k),
    seconds: (performance.now() - started) / 1000,
    stateBytes: state.byteLength + loads.byteLength + parts.byteLength,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
