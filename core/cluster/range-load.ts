/**
 * PowerGraph-style distributed loading (`--load distributed`): where every
 * machine can read the input (a shared or copied file), each worker reads
 * its own range of the file's edges, places each edge with a stateless
 * placement (a hash of its ends: placement.ts) and sends it straight to its
 * machine's worker (SendEdges, worker to worker, tagged with the reader).
 * No machine reads the whole file, and the coordinator never sees an edge:
 * each reader returns its counts (degrees, replica bits: O(vertices)), which
 * the coordinator adds up into the same IngressSummary a streamed pass makes.
 *
 * This module owns what both sides share: where a worker may read (only
 * under the folder it was started with, `gasworks worker --data-dir`), the
 * reader's counts on the wire, and their sum at the coordinator. A machine
 * keeps each reader's edges apart and puts them in readers' order before it
 * builds its part (part-build.ts), so the part is the streamed one, edge for
 * edge.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { hashMasters } from '../graph/replica-sets.js';
import { UsageError } from '../errors.js';
import { replicationFactorOf } from './placement.js';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import type { EdgeSource, IngressSummary } from './ingress.js';
import { Machines } from './machines.js';
import { secretOf, type ClusterSecurity } from './security.js';
import type { TextRangeScan } from './text-range.js';
import { bytesOf, toFloat64, toUint32 } from './wire.js';

/**
 * What runCluster's `distributedLoad` names: the file as the workers find it under their
 * --data-dir, its format (a directed .gwg file, the default, or a text edge list), and for a text
 * file, its size when scanned (`textEdgeListOnWorkers`).
 */
export interface DistributedLoad {
  path: string;
  format?: 'gwg' | 'text';
  fileBytes?: number;
}

/**
 * A text edge list every worker reads under its --data-dir, scanned by the workers (each its byte
 * range: text-range.ts): its vertex count (largest id + 1: `--ids identity`), its edges, and
 * whether it is weighted (its first edge has a third column, or `weighted` says so). Returns the
 * stream runCluster takes (its edges are the workers' to read: it cannot be opened here) and the
 * `distributedLoad` option to give with it. A file that differs between machines, or has no edge,
 * is refused.
 */
export async function textEdgeListOnWorkers(path: string, options: { workers: readonly string[]; security?: ClusterSecurity; weighted?: boolean; timeoutSeconds?: number }): Promise<{ source: EdgeSource; load: DistributedLoad }> {
  const workers = [...options.workers];
  const machines = new Machines(workers, [], options.security, secretOf(options.security), (options.timeoutSeconds ?? 600) * 1000, randomBytes(8).toString('hex'));
  // The LoadRange reply's names for a TextRangeScan.
  type ScanReply = Omit<TextRangeScan, 'edges'> & { numEdges: number };
  let scans: ScanReply[];
  try {
    scans = await machines.everyMachine<ScanReply>('LoadRange', (m) => ({ job: randomBytes(8).toString('hex'), path, reader: m, readers: workers.length, workers, format: 'text', scan: true, only: -1, pass: 1 }));
  } finally {
    await machines.release();
  }
  const fileBytes = scans[0].fileBytes;
  const differs = scans.findIndex((scan) => scan.fileBytes !== fileBytes);
  if (differs >= 0) throw new UsageError(`runCluster: ${path} has ${fileBytes} bytes on ${workers[0]} and ${scans[differs].fileBytes} on ${workers[differs]}: every machine must read the same file`);
  let maxId = -1;
  let edges = 0;
  for (const scan of scans) {
    maxId = Math.max(maxId, scan.maxId);
    edges += scan.numEdges;
  }
  if (edges === 0) throw new InputError(path, null, 'no edges found (expected lines "source target [weight]")');
  const first = scans.find((scan) => scan.firstColumns > 0)!;
  const source: EdgeSource = {
    kind: 'gasworks.edge-source',
    name: path,
    numVertices: maxId + 1,
    numEdges: edges,
    weighted: options.weighted === true || first.firstColumns === 3,
    fileIds: null,
    open() {
      throw new Error(`runCluster: ${path} is read by the workers (distributedLoad), not here`);
    },
  };
  return { source, load: { path, format: 'text', fileBytes } };
}

/** A LoadRange reply: one reader's counts over the edges it read. */
export interface RangeCounts {
  numEdges: number;
  weightSum: number;
  outDegrees: Uint8Array;
  inDegrees: Uint8Array;
  replicas: Uint8Array;
  machineEdges: Uint8Array;
}

/**
 * The file `path` names, for a worker started with `--data-dir dataDir`: relative to that folder,
 * or absolute and inside it, after symbolic links are followed (no `..` or link leads out). A
 * UsageError naming the call for anything else, a worker without a data folder included.
 */
export function fileUnder(dataDir: string | undefined, path: string, who = 'LoadRange'): string {
  if (dataDir === undefined) throw new UsageError(`${who}: this worker reads no files (start it with --data-dir DIR to let --load distributed read files under DIR); got ${JSON.stringify(path)}`);
  if (typeof path !== 'string' || path.length === 0 || path.length > 4096 || path.includes('\0')) throw new UsageError(`${who}: path must name a file under the worker's --data-dir; got ${JSON.stringify(String(path).slice(0, 200))}`);
  let root: string;
  let file: string;
  try {
    root = realpathSync(dataDir);
    file = realpathSync(isAbsolute(path) ? path : resolve(root, path));
  } catch (error) {
    throw new UsageError(`${who}: no file ${JSON.stringify(path)} under this worker's --data-dir (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) throw new UsageError(`${who}: path must be inside this worker's --data-dir; got ${JSON.stringify(path)}`);
  if (!statSync(file).isFile()) throw new UsageError(`${who}: path must be a file; got ${JSON.stringify(path)}`);
  return file;
}

/** A reader's counts (a pass's summary over its range), for the wire. */
export function countsOf(summary: IngressSummary): RangeCounts {
  return {
    numEdges: summary.numEdges,
    weightSum: summary.weightSum,
    outDegrees: bytesOf(summary.outDegrees),
    inDegrees: bytesOf(summary.inDegrees),
    replicas: bytesOf(summary.replicas),
    machineEdges: bytesOf(summary.machineEdges),
  };
}

/**
 * Readers' counts added up as they arrive (degrees summed, replica bits or'ed), so that the
 * coordinator holds one reply at a time beside the sums, not one per machine; `summary()` gives
 * the masters and replication factor of the whole: what one streamed pass over the file counts,
 * save the weights' sum, which is added reader by reader (it may differ from a single reader's in
 * the last bits).
 */
export class CountsSum {
  private readonly outDegrees: Uint32Array;
  private readonly inDegrees: Uint32Array;
  private readonly replicas: Uint32Array;
  private readonly machineEdges: Float64Array;
  private numEdges = 0;
  private weightSum = 0;

  constructor(
    private readonly numVertices: number,
    private readonly words: number,
    private readonly machines: number,
  ) {
    this.outDegrees = new Uint32Array(numVertices);
    this.inDegrees = new Uint32Array(numVertices);
    this.replicas = new Uint32Array(numVertices * words);
    this.machineEdges = new Float64Array(machines);
  }

  /** Add reader `reader`'s counts; throws when they are not of this many vertices and machines. */
  add(reply: RangeCounts, reader: number): void {
    const n = this.numVertices;
    const out = toUint32(reply.outDegrees);
    const inn = toUint32(reply.inDegrees);
    const bits = toUint32(reply.replicas);
    const placed = toFloat64(reply.machineEdges);
    if (out.length !== n || inn.length !== n || bits.length !== n * this.words || placed.length !== this.machines) {
      throw new Error(`runCluster: reader ${reader}'s counts are not of ${n} vertices and ${this.machines} machines`);
    }
    for (let v = 0; v < n; v++) {
      this.outDegrees[v] += out[v];
      this.inDegrees[v] += inn[v];
    }
    for (let i = 0; i < bits.length; i++) this.replicas[i] |= bits[i];
    for (let m = 0; m < this.machines; m++) this.machineEdges[m] += placed[m];
    this.numEdges += reply.numEdges;
    this.weightSum += reply.weightSum;
  }

  summary(seed: number): IngressSummary {
    const { numVertices: n, words, machines, replicas } = this;
    return {
      numVertices: n,
      numEdges: this.numEdges,
      weightSum: this.weightSum,
      outDegrees: this.outDegrees,
      inDegrees: this.inDegrees,
      replicas,
      words,
      masters: Uint16Array.from(hashMasters(replicas, n, words, machines, seed)),
      replicationFactor: replicationFactorOf(replicas, words),
      machineEdges: this.machineEdges,
    };
  }
}
