/**
 * The partitioner benchmark: every (graph, k, partitioner) combination, each
 * run `repeat` times on the same edge stream and visiting order, reporting the
 * median time and the quality figures of the run (partitioners are
 * deterministic, so every repeat gives the same partition). Graphs are loaded
 * one at a time and dropped after their runs. Callers see progress through
 * `onRun` (one call per run, returning a progress callback) and each record as
 * it is made through `onRecord`.
 */
import { replicasByDegree, type DegreeClass } from '../degree-classes.js';
import { partitionGraph } from '../index.js';
import { HEP_DEFAULTS } from '../hep.js';
import { RESTREAM_DEFAULTS } from '../restream.js';
import { shuffledOrder } from '../stream.js';
import type { Partitioner, PartitionOptions, StreamOrder } from '../types.js';
import { loadEdgeStream, type LoadedStream } from './source.js';
import type { GraphFormat } from '../../core/graph/load.js';

export interface BenchOptions {
  graphs: string[];
  /** Format of the graph files, as loadGraph takes it (default 'auto': by each file's name). */
  format?: GraphFormat;
  parts: number[];
  algos: Partitioner[];
  order: StreamOrder;
  seed: number;
  repeat: number;
  lambda?: number;
  balanceTerm?: 'normalized' | 'absolute';
  /** HDRF's degrees: 'partial' (default) or 'exact'. */
  degrees?: 'partial' | 'exact';
  balanceSlack?: number;
  /** HEP's tau (default 100). */
  tau?: number;
  /** Restreaming's passes (default 2). */
  passes?: number;
  /** 2PS's clustering passes (default 1). */
  clusteringPasses?: number;
  /** Also count each run's replicas by degree class (degree-classes.ts) into `replicasByDegree`. */
  byDegree?: boolean;
  /** Called before loading a graph; returns a (done, total) progress callback. */
  onLoad?: (spec: string) => ((done: number, total: number) => void) | undefined;
  /** Called before each run; returns a (done, total) progress callback for it. */
  onRun?: (graph: string, algo: string, k: number, repeat: number) => ((done: number, total: number) => void) | undefined;
  onRecord?: (record: BenchRecord) => void;
}

export interface BenchRecord {
  graph: string;
  algo: string;
  kind: string;
  k: number;
  order: StreamOrder;
  seed: number;
  vertices: number;
  edges: number;
  replicationFactor: number;
  edgeBalance: number;
  vertexBalance: number;
  /** Edge-cut only: fraction of edges whose ends have different owners. */
  cutFraction: number | null;
  /** Median over repeats. */
  seconds: number;
  secondsAll: number[];
  edgesPerSecond: number;
  /** Median CPU seconds over repeats (steadier than wall time on a busy machine). */
  cpuSeconds: number;
  /** Working state of the partitioner (besides input and output). */
  stateBytes: number;
  /** Output arrays: parts, replica bitset, masters. */
  outputBytes: number;
  /** The process's peak resident set so far (all runs before this one included). */
  maxRssBytes: number;
  lambda: number | null;
  balanceTerm: string | null;
  degrees: string | null;
  balanceSlack: number;
  /** HEP's tau, restreaming's passes, 2PS's clustering passes: for those partitioners, else null. */
  tau: number | null;
  passes: number | null;
  clusteringPasses: number | null;
  /** With `byDegree`: vertices and replicas per degree class (1, 2-3, 4-7, ...). */
  replicasByDegree?: DegreeClass[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function runPartitionerBench(options: BenchOptions): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  for (const spec of options.graphs) {
    const loaded: LoadedStream = await loadEdgeStream(spec, { onProgress: options.onLoad?.(spec), format: options.format });
    const { stream, name } = loaded;
    const visit = options.order === 'shuffled' ? shuffledOrder(stream.count, options.seed) : null;
    for (const k of options.parts) {
      for (const partitioner of options.algos) {
        const runOptions: PartitionOptions = {
          seed: options.seed,
          visit,
          lambda: options.lambda,
          balanceTerm: options.balanceTerm,
          degrees: options.degrees,
          balanceSlack: options.balanceSlack,
          tau: options.tau,
          passes: options.passes,
          clusteringPasses: options.clusteringPasses,
        };
        const seconds: number[] = [];
        const cpuSeconds: number[] = [];
        let last: ReturnType<typeof partitionGraph> | null = null;
        for (let r = 0; r < options.repeat; r++) {
          runOptions.onProgress = options.onRun?.(name, partitioner.name, k, r);
          last = partitionGraph(stream, partitioner, k, runOptions);
          seconds.push(last.seconds);
          cpuSeconds.push(last.cpuSeconds);
        }
        const { partition, metrics } = last!;
        const time = median(seconds);
        const isHdrf = partitioner.name === 'hdrf';
        const algoName = partitioner.name;
        const record: BenchRecord = {
          graph: name,
          algo: partitioner.name,
          kind: partitioner.kind,
          k,
          order: options.order,
          seed: options.seed,
          vertices: metrics.vertices,
          edges: stream.count,
          replicationFactor: metrics.replicationFactor,
          edgeBalance: metrics.edgeBalance,
          vertexBalance: metrics.vertexBalance,
          cutFraction: metrics.cutFraction,
          seconds: time,
          secondsAll: seconds,
          edgesPerSecond: time > 0 ? stream.count / time : 0,
          cpuSeconds: median(cpuSeconds),
          stateBytes: partition.stateBytes,
          outputBytes: partition.parts.byteLength + partition.replicas.byteLength + partition.masters.byteLength,
          maxRssBytes: process.resourceUsage().maxRSS * 1024,
          lambda: isHdrf ? (options.lambda ?? 1) : null,
          balanceTerm: isHdrf ? (options.balanceTerm ?? 'normalized') : null,
          degrees: isHdrf ? (options.degrees ?? 'partial') : null,
          balanceSlack: options.balanceSlack ?? 0.05,
          tau: algoName === 'hep' ? (options.tau ?? HEP_DEFAULTS.tau) : null,
          passes: algoName.startsWith('restream-') ? (options.passes ?? RESTREAM_DEFAULTS.passes) : null,
          clusteringPasses: algoName.startsWith('2ps-') ? (options.clusteringPasses ?? 1) : null,
        };
        if (options.byDegree) record.replicasByDegree = replicasByDegree(partition, stream.src, stream.dst);
        records.push(record);
        options.onRecord?.(record);
      }
    }
  }
  return records;
}
