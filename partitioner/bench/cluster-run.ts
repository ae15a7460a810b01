/**
 * What a replica costs a real run: `bench partitioners --run pagerank
 * --machines 4`. For each graph and partitioner, the graph is placed on the
 * given workers (`gasworks worker` processes; the caller starts them) by the
 * partitioner, through the cluster runtime's public API (runCluster with
 * clusterPlacement), and a vertex program runs a fixed number of supersteps.
 * Each record has the placement's replication factor and edge balance beside
 * the run's bytes sent between workers and seconds per superstep (medians
 * over repeats); `clusterChartSvg` draws seconds per superstep against
 * replication factor, the chart partitioning papers argue from, measured.
 */
import Table from 'cli-table3';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { runCluster } from '../../core/cluster/lazy.js';
import type { Graph } from '../../core/graph/graph.js';
import type { VertexProgram } from '../../core/program.js';
import { clusterPlacement } from '../cluster.js';
import type { Partitioner } from '../types.js';
import { median } from './run.js';

export interface ClusterBenchOptions {
  graphs: string[];
  algos: Partitioner[];
  /** host:port of each worker: one machine each. */
  workers: string[];
  program: VertexProgram;
  /** Supersteps per run. */
  iterations: number;
  repeat: number;
  seed: number;
  /** Loads a graph spec (a file or a generator) as a built Graph, with its table name. */
  openGraph: (spec: string) => Promise<{ graph: Graph; name: string }>;
  onRun?: (graph: string, algo: string, repeat: number) => void;
  onRecord?: (record: ClusterRecord) => void;
}

export interface ClusterRecord {
  graph: string;
  algo: string;
  program: string;
  machines: number;
  vertices: number;
  edges: number;
  replicationFactor: number;
  /** Largest machine's CSR edges / mean. */
  edgeBalance: number;
  supersteps: number;
  /** Bytes routed between workers per superstep (partials, vertex rows, signals, ...). */
  bytesPerSuperstep: number;
  /** Median over repeats of compute seconds / supersteps. */
  secondsPerSuperstep: number;
  secondsPerSuperstepAll: number[];
  /** Median seconds to ship graph and placement and set the program up. */
  setupSeconds: number;
}

export async function runClusterBench(options: ClusterBenchOptions): Promise<ClusterRecord[]> {
  const records: ClusterRecord[] = [];
  const machines = options.workers.length;
  for (const spec of options.graphs) {
    const { graph, name } = await options.openGraph(spec);
    for (const partitioner of options.algos) {
      if (partitioner.kind !== 'vertex-cut') continue;
      const placement = clusterPlacement(partitioner);
      const perStep: number[] = [];
      const setup: number[] = [];
      let last: Awaited<ReturnType<typeof runCluster>> | null = null;
      let machineOf: Uint16Array | null = null;
      // Keep the placement the runtime used, to count each machine's edges.
      const recording = { ...placement, place: (g: Graph, count: number, seed: number) => {
        const placed = placement.place(g, count, seed);
        machineOf = placed.machineOf;
        return placed;
      } };
      for (let r = 0; r < options.repeat; r++) {
        options.onRun?.(name, partitioner.name, r);
        last = await runCluster(options.program, graph, { workers: options.workers, placement: recording, maxIterations: options.iterations, seed: options.seed });
        perStep.push(last.iterations > 0 ? last.computeSeconds / last.iterations : 0);
        setup.push(last.setupSeconds);
      }
      const counts = new Float64Array(machines);
      for (const m of machineOf! as Uint16Array) counts[m]++;
      const mean = graph.numEdges / machines;
      const record: ClusterRecord = {
        graph: name,
        algo: partitioner.name,
        program: options.program.name,
        machines,
        vertices: graph.numVertices,
        edges: graph.numEdges,
        replicationFactor: last!.replicationFactor,
        edgeBalance: mean > 0 ? Math.max(...counts) / mean : 1,
        supersteps: last!.iterations,
        bytesPerSuperstep: last!.iterations > 0 ? last!.bytesRouted / last!.iterations : 0,
        secondsPerSuperstep: median(perStep),
        secondsPerSuperstepAll: perStep,
        setupSeconds: median(setup),
      };
      records.push(record);
      options.onRecord?.(record);
    }
  }
  return records;
}

const HEAD = ['graph', 'algo', 'machines', 'repl. factor', 'edge bal.', 'MB/superstep', 'ms/superstep', 'setup s'];

function cells(r: ClusterRecord): string[] {
  return [
    r.graph,
    r.algo,
    String(r.machines),
    r.replicationFactor.toFixed(3),
    r.edgeBalance.toFixed(3),
    (r.bytesPerSuperstep / 1e6).toFixed(3),
    (r.secondsPerSuperstep * 1000).toFixed(2),
    r.setupSeconds.toFixed(2),
  ];
}

export function clusterTable(records: readonly ClusterRecord[]): string {
  const table = new Table({ head: HEAD, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [], border: [] } });
  for (const r of records) table.push(cells(r));
  return table.toString();
}

/**
 * For each graph, how many pairs of partitioners have their bytes per superstep in the order of
 * their replication factors (Kendall's concordant pairs; pairs tied in either are left out).
 */
export function replicationOrder(records: readonly ClusterRecord[]): Array<{ graph: string; pairs: number; concordant: number }> {
  const out: Array<{ graph: string; pairs: number; concordant: number }> = [];
  for (const graph of new Set(records.map((r) => r.graph))) {
    const rows = records.filter((r) => r.graph === graph);
    let pairs = 0;
    let concordant = 0;
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        const rf = rows[i].replicationFactor - rows[j].replicationFactor;
        const bytes = rows[i].bytesPerSuperstep - rows[j].bytesPerSuperstep;
        if (rf === 0 || bytes === 0) continue;
        pairs++;
        if (Math.sign(rf) === Math.sign(bytes)) concordant++;
      }
    }
    out.push({ graph, pairs, concordant });
  }
  return out;
}

export function clusterMarkdown(records: readonly ClusterRecord[]): string {
  if (records.length === 0) return '';
  const r = records[0];
  const lines = [
    '',
    `## What replicas cost: ${r.program} on ${r.machines} worker processes, ${r.supersteps} supersteps`,
    '',
    `Each partitioner places the graph (its edges in CSR order) on the workers (loopback, this machine); ms per superstep is the median of ${r.secondsPerSuperstepAll.length} run(s). ` +
      `Pairs of partitioners whose bytes per superstep are in the order of their replication factors: ${replicationOrder(records).map((o) => `${o.graph} ${o.concordant} of ${o.pairs}`).join(', ')}.`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map((_, i) => (i >= 2 ? ' ---: ' : ' --- ')).join('|')}|`,
  ];
  for (const x of records) lines.push(`| ${cells(x).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

/** Milliseconds per superstep against replication factor, a point per partitioner, a panel per graph. */
export async function clusterChartSvg(records: readonly ClusterRecord[]): Promise<string> {
  const values = records.map((r) => ({ graph: r.graph, algo: r.algo, replicationFactor: r.replicationFactor, ms: r.secondsPerSuperstep * 1000, mb: r.bytesPerSuperstep / 1e6 }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    facet: { column: { field: 'graph', type: 'nominal', title: null } },
    spec: {
      width: 280,
      height: 220,
      layer: [
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            x: { field: 'replicationFactor', type: 'quantitative', scale: { zero: false }, title: 'replication factor' },
            y: { field: 'ms', type: 'quantitative', scale: { zero: false }, title: 'ms per superstep' },
            color: { field: 'algo', type: 'nominal', title: 'partitioner' },
            tooltip: [{ field: 'algo' }, { field: 'mb', title: 'MB per superstep' }],
          },
        },
        {
          mark: { type: 'text', dx: 6, align: 'left', fontSize: 9 },
          encoding: {
            x: { field: 'replicationFactor', type: 'quantitative' },
            y: { field: 'ms', type: 'quantitative' },
            text: { field: 'algo' },
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
