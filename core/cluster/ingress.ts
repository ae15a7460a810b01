/**
 * Streaming ingress: a cluster's coordinator reads the input once, in
 * chunks (a generator, never the whole edge list), places each edge with a
 * streaming placement and sends it on to its machine, so that it never holds
 * the edges: what it keeps is O(vertices) (replica bits, degrees, masters).
 * PowerGraph's coordinated ingress does the same from each machine's reader;
 * here one reader feeds every machine. A machine builds its part from what
 * it gets (part-build.ts).
 *
 * A spare that replaces a lost machine gets that machine's edges by the same
 * pass again (`only`): the placement is a function of the stream, so the
 * same edges go to the same machine.
 */
import { hashMasters, wordsFor } from '../graph/replica-sets.js';
import { RmatGenerator, type RmatOptions } from '../graph/generators/rmat.js';
import { crc32, openGraphSections } from '../graph/binary.js';
import { InputError } from '../errors.js';
import { replicationFactorOf, type StreamPlacer } from './placement.js';

/** Reads a source's edges: up to `count` more into the arrays at `at`; how many (0 at the end). */
export interface EdgeReader {
  next(src: Uint32Array, dst: Uint32Array, weight: Float64Array | null, at: number, count: number): number;
}

/** A graph given as a stream of directed edges over dense ids 0..numVertices-1. */
export interface EdgeSource {
  readonly kind: 'gasworks.edge-source';
  /** What tables call it (a generator spec). */
  name: string;
  numVertices: number;
  /** Edges in all (a streaming partitioner's balance cap needs it). */
  numEdges: number;
  weighted: boolean;
  /** Each vertex's id in the input (a file's own ids), or null when they are the dense ids. */
  fileIds?: Float64Array | null;
  /** A fresh pass over the edges, in the same order each time. */
  open(): EdgeReader;
}

/** Whether a program runs on a streamed graph: it reads only the view of the whole graph, its rows go to replicas only, and it has no edge data (whose rows go by whole-graph edge ids). */
export function canStream(program: { graphAccess?: string; dataAccess?: string; edge?: object }): boolean {
  return program.graphAccess === 'view' && program.dataAccess === 'gas' && Object.keys(program.edge ?? {}).length === 0;
}

export function isEdgeSource(x: unknown): x is EdgeSource {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'gasworks.edge-source';
}

/** An R-MAT graph as a stream: the edges `rmatEdges` builds, in its order, generated chunk by chunk. */
export function rmatSource(options: RmatOptions, name = `rmat:${options.scale}`): EdgeSource {
  const probe = new RmatGenerator(options);
  return { kind: 'gasworks.edge-source', name, numVertices: probe.numVertices, numEdges: probe.numEdges, weighted: probe.weighted, open: () => new RmatGenerator(options) };
}

/**
 * A directed `.gwg` graph file as a stream: its CSR edges in CSR order, read from the file piece
 * by piece (the offsets and file ids are read whole: O(vertices)); a pass that reaches the end
 * checks the targets' and weights' checksums. An undirected graph (whose two directions of an edge
 * must stay on one machine) is not streamed: null.
 */
export function gwgSource(path: string): EdgeSource | null {
  return gwgEdges(path, null)?.source ?? null;
}

/**
 * The `reader`-th of `readers` equal ranges of a directed `.gwg` file's edges, in CSR order (a
 * machine's share of `--load distributed`), and the file's edge count; null for an undirected file.
 * A range checks its ends against the vertex count, and the offsets' checksum; only a whole pass can
 * check the targets' and weights' checksums.
 */
export function gwgRange(path: string, reader: number, readers: number): { source: EdgeSource; fileEdges: number } | null {
  return gwgEdges(path, { reader, readers });
}

function gwgEdges(path: string, range: { reader: number; readers: number } | null): { source: EdgeSource; fileEdges: number } | null {
  const file = openGraphSections(path);
  try {
    const { header } = file;
    if (header.undirected) return null;
    const n = header.numVertices;
    const m = header.numEdges;
    const whole = (name: string): Uint8Array | null => {
      const s = file.section(name);
      if (s === null) return null;
      const bytes = new Uint8Array(s.bytes);
      file.read(name, bytes, 0);
      if (crc32(bytes) !== s.crc32) throw new InputError(path, null, `corrupt section ${name}: checksum mismatch`);
      return bytes;
    };
    const offsetBytes = whole('outOffsets');
    if (offsetBytes === null || offsetBytes.length !== 4 * (n + 1)) throw new InputError(path, null, 'no out-offsets section of numVertices + 1 entries');
    const offsets = new Uint32Array(offsetBytes.buffer);
    const fileIdBytes = whole('fileIds');
    const fileIds = fileIdBytes === null ? null : new Float64Array(fileIdBytes.buffer);
    const weighted = file.section('weights') !== null;
    const targetsSection = file.section('outTargets');
    if (targetsSection === null || targetsSection.bytes !== 4 * m || (weighted && file.section('weights')!.bytes !== 8 * m)) throw new InputError(path, null, 'out-targets or weights of the wrong size');
    // The edges [from, end) of the file's m: all, or a reader's range.
    const from = range === null ? 0 : Math.floor((range.reader * m) / range.readers);
    const end = range === null ? m : Math.floor(((range.reader + 1) * m) / range.readers);
    const wholeFile = from === 0 && end === m;
    const source: EdgeSource = {
      kind: 'gasworks.edge-source',
      name: path,
      numVertices: n,
      numEdges: end - from,
      weighted,
      fileIds,
      open(): EdgeReader {
        const reader = openGraphSections(path);
        let v = 0;
        let e = from;
        while (v < n && offsets[v + 1] <= e) v++;
        let targetsCrc = 0;
        let weightsCrc = 0;
        let ended = false;
        return {
          next(src, dst, weight, at, count) {
            const take = Math.min(count, end - e);
            if (take > 0) {
              const targets = new Uint8Array(dst.buffer, dst.byteOffset + at * 4, take * 4);
              reader.read('outTargets', targets, e * 4);
              targetsCrc = crc32(targets, targetsCrc);
              if (weighted && weight !== null) {
                const w = new Uint8Array(weight.buffer, weight.byteOffset + at * 8, take * 8);
                reader.read('weights', w, e * 8);
                weightsCrc = crc32(w, weightsCrc);
              }
              for (let i = 0; i < take; i++, e++) {
                while (offsets[v + 1] <= e) v++;
                src[at + i] = v;
                if (dst[at + i] >= n) throw new InputError(path, null, `edge ${e} names vertex ${dst[at + i]}, past ${n - 1}`);
              }
            }
            if (e === end && take < count && !ended) {
              // The end of a pass: the sections read are the ones written.
              ended = true;
              reader.close();
              if (wholeFile && (targetsCrc !== targetsSection.crc32 || (weighted && weightsCrc !== file.section('weights')!.crc32))) throw new InputError(path, null, 'corrupt section outTargets or weights: checksum mismatch');
            }
            return take;
          },
        };
      },
    };
    return { source, fileEdges: m };
  } finally {
    file.close();
  }
}

/** One chunk of one machine's edges, as SendEdges carries them. */
export interface EdgeChunk {
  sources: Uint8Array;
  targets: Uint8Array;
  weights: Uint8Array;
  weighted: boolean;
  pass: number;
}

/** What the coordinator knows of the graph after a pass: O(vertices). */
export interface IngressSummary {
  numVertices: number;
  numEdges: number;
  weightSum: number;
  outDegrees: Uint32Array;
  inDegrees: Uint32Array;
  /** The placement's replica sets and masters, as an EdgePlacement has them (no per-edge machines). */
  replicas: Uint32Array;
  words: number;
  masters: Uint16Array;
  replicationFactor: number;
  /** Edges placed on each machine. */
  machineEdges: Float64Array;
}

export interface IngressOptions {
  machines: number;
  seed: number;
  /** This pass's number, sent with every chunk: a worker drops the edges of an earlier pass it holds. */
  pass?: number;
  /** Send only this machine's edges (a spare's); the summary is the same. */
  only?: number;
  /** Edges per chunk sent (default 2^18: 2 MiB of ids). */
  chunkEdges?: number;
  /** After each read chunk: edges read so far. */
  onProgress?: (edges: number) => void;
}

const READ_EDGES = 1 << 16;
/** A machine gets a chunk at least this often while a pass lasts (a worker drops edges that stop coming for 120 s). */
const KEEPALIVE_MS = 30_000;

/**
 * One pass over `source`: every edge placed by `placer`, sent to its machine by `send` in chunks of
 * the input's order (a machine's chunks go one at a time, in order), degrees and replica sets
 * counted. Resolves once every chunk has been taken.
 */
export async function streamToMachines(source: EdgeSource, placer: StreamPlacer, send: (machine: number, chunk: EdgeChunk) => Promise<void>, options: IngressOptions): Promise<IngressSummary> {
  const { machines, seed, only } = options;
  const n = source.numVertices;
  const words = wordsFor(machines);
  const replicas = new Uint32Array(n * words);
  const outDegrees = new Uint32Array(n);
  const inDegrees = new Uint32Array(n);
  const chunkEdges = options.chunkEdges ?? 1 << 18;
  const weighted = source.weighted;
  // Per machine: the chunk being filled, and the send of the one before it.
  // Buffers only for the machines sent to (one, for a spare's pass).
  const sentTo = (m: number): boolean => only === undefined || m === only;
  const bufSrc = Array.from({ length: machines }, (_, m) => new Uint32Array(sentTo(m) ? chunkEdges : 0));
  const bufDst = Array.from({ length: machines }, (_, m) => new Uint32Array(sentTo(m) ? chunkEdges : 0));
  const bufW = Array.from({ length: machines }, (_, m) => new Float64Array(weighted && sentTo(m) ? chunkEdges : 0));
  const filled = new Uint32Array(machines);
  // When each machine last got a chunk: one that gets few (a spare's pass) gets what it has every
  // KEEPALIVE_MS, before its worker gives up on edges that stopped coming.
  const lastFlush = new Float64Array(machines).fill(Date.now());
  const inFlight: Array<Promise<void>> = Array.from({ length: machines }, () => Promise.resolve());
  const flush = async (m: number): Promise<void> => {
    const count = filled[m];
    filled[m] = 0;
    // Copies: the buffers refill while this chunk is on its way.
    const chunk: EdgeChunk = {
      sources: new Uint8Array(bufSrc[m].buffer.slice(0, count * 4)),
      targets: new Uint8Array(bufDst[m].buffer.slice(0, count * 4)),
      weights: weighted ? new Uint8Array(bufW[m].buffer.slice(0, count * 8)) : new Uint8Array(0),
      weighted,
      pass: options.pass ?? 0,
    };
    lastFlush[m] = Date.now();
    const previous = inFlight[m];
    inFlight[m] = previous.then(() => send(m, chunk));
    // Handled here and thrown by the next await of it: a failed send must not end the process
    // while the pass is stopping for another machine's failure.
    inFlight[m].catch(() => undefined);
    // At most one chunk waits behind the one in flight.
    await previous;
  };

  const src = new Uint32Array(READ_EDGES);
  const dst = new Uint32Array(READ_EDGES);
  const weight = weighted ? new Float64Array(READ_EDGES) : null;
  const machineOf = new Uint16Array(READ_EDGES);
  const machineEdges = new Float64Array(machines);
  let numEdges = 0;
  let weightSum = 0;
  try {
    const reader = source.open();
    // The first reads are of one edge: a generator's block functions get type feedback for every
    // statement before V8 optimizes them (see RmatGenerator.next).
    for (let reads = 0; ; reads++) {
      const count = reader.next(src, dst, weight, 0, reads < 8 ? 1 : READ_EDGES);
      if (count === 0) break;
      placer.assign(src, dst, count, machineOf);
      for (let i = 0; i < count; i++) {
        const s = src[i];
        const t = dst[i];
        const p = machineOf[i];
        if (s >= n || t >= n) throw new Error(`${source.name}: edge ${s} -> ${t} names a vertex past ${n - 1}`);
        if (p >= machines) throw new Error(`runCluster: the placement put edge ${s} -> ${t} on machine ${p} of ${machines}`);
        machineEdges[p]++;
        const bit = 1 << (p & 31);
        replicas[s * words + (p >>> 5)] |= bit;
        replicas[t * words + (p >>> 5)] |= bit;
        outDegrees[s]++;
        inDegrees[t]++;
        if (weight !== null) weightSum += weight[i];
        if (only !== undefined && p !== only) continue;
        const at = filled[p]++;
        bufSrc[p][at] = s;
        bufDst[p][at] = t;
        if (weight !== null) bufW[p][at] = weight[i];
        if (filled[p] === chunkEdges) await flush(p);
      }
      numEdges += count;
      options.onProgress?.(numEdges);
      const now = Date.now();
      for (let m = 0; m < machines; m++) if (filled[m] > 0 && now - lastFlush[m] > KEEPALIVE_MS) await flush(m);
    }
    for (let m = 0; m < machines; m++) if (filled[m] > 0) await flush(m);
    await Promise.all(inFlight);
  } catch (error) {
    // No chunk of this pass may reach a worker after the caller has moved on (a later pass, a Release).
    await Promise.allSettled(inFlight);
    throw error;
  }

  return {
    numVertices: n,
    numEdges,
    weightSum,
    outDegrees,
    inDegrees,
    replicas,
    words,
    masters: Uint16Array.from(hashMasters(replicas, n, words, machines, seed)),
    replicationFactor: replicationFactorOf(replicas, words),
    machineEdges,
  };
}
