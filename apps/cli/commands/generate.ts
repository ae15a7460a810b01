/**
 * `gasworks generate rmat|er|grid`: deterministic, seeded synthetic graphs
 * written as a gasworks binary graph (`.gwg` or `.bin`, built CSR + CSC, loads fastest)
 * or a text edge list (any other name; `.gz` compressed).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { buildGraph } from '../../../core/graph/build.js';
import type { EdgeList } from '../../../core/graph/edge-list.js';
import { erdosRenyiGnm, grid2d, rmatEdges } from '../../../core/graph/generators/index.js';
import { writeGraphFile } from '../../../core/graph/binary.js';
import { writeEdgeList } from '../../../core/graph/write-edge-list.js';
import { formatBytes, printJson, summaryTable } from '../output.js';
import { startProgress } from '../progress.js';

interface OutputFlags {
  out: string;
  json?: boolean;
  quiet?: boolean;
  undirected?: boolean;
}

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const x = Number(value);
    if (!Number.isInteger(x) || x < min || x > max) {
      throw new InvalidArgumentError(`expected an integer in ${min}..${max}.`);
    }
    return x;
  };
}

function positive(name: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!Number.isFinite(x) || x <= 0) throw new InvalidArgumentError('expected a positive number.');
    return x;
  };
}

async function writeOutput(kind: string, list: EdgeList, flags: OutputFlags, undirected: boolean): Promise<void> {
  const started = performance.now();
  const bar = startProgress(`writing ${flags.out}`, list.length, { quiet: flags.quiet, unit: 'edges' });
  let vertices = list.numVertices;
  let edges = list.length;
  let bytes = 0;
  try {
    if (/\.(bin|gwg)$/.test(flags.out)) {
      bar.label(`building ${kind}`);
      const graph = buildGraph(list, { undirected, onProgress: (d, t) => bar.update(d, t) });
      bar.label(`writing ${flags.out}`);
      await writeGraphFile(flags.out, graph);
      vertices = graph.numVertices;
      edges = graph.numEdges;
      bytes = graph.bytes();
    } else {
      await writeEdgeList(flags.out, list, {
        header: `gasworks generate ${kind}: ${list.numVertices} vertices, ${list.length} edges${undirected ? ' (undirected, each edge once)' : ''}`,
        onProgress: (d, t) => bar.update(d, t),
      });
    }
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = { generator: kind, out: flags.out, vertices, edges, undirected, seconds };
  if (flags.json) printJson(bytes ? { ...summary, bytes } : summary);
  else {
    const rows: Array<[string, string | number]> = [
      ['vertices', vertices],
      ['edges', edges],
      ['undirected', undirected ? 'yes' : 'no'],
      ['written in', `${seconds.toFixed(2)} s`],
    ];
    if (bytes) rows.push(['graph memory', formatBytes(bytes)]);
    process.stderr.write(summaryTable(flags.out, rows) + '\n');
  }
}

function withOutput(cmd: Command): Command {
  return cmd
    .requiredOption('-o, --out <file>', 'output: .gwg or .bin (gasworks binary graph) or a text edge list (.gz to compress)')
    .option('--json', 'print a JSON summary')
    .option('-q, --quiet', 'no progress bar');
}

export function registerGenerate(program: Command): void {
  const generate = program.command('generate').description('write a seeded synthetic graph (R-MAT, Erdős–Rényi, 2-D grid)');

  withOutput(
    generate
      .command('rmat')
      .description('R-MAT power-law graph, Graph500 parameters (a=.57, b=.19, c=.19), vertex ids randomly relabelled')
      .option('--scale <n>', 'log2 of the vertex count', integer('scale', 1, 30), 16)
      .option('--edge-factor <n>', 'edges per vertex', positive('edge-factor'), 16)
      .option('--seed <n>', 'random seed', integer('seed', 0, 0xffffffff), 1)
      .option('--undirected', 'store both directions in a .gwg / .bin output'),
  ).action(async (flags: OutputFlags & { scale: number; edgeFactor: number; seed: number }) => {
    const bar = startProgress('generating R-MAT', 1, { quiet: flags.quiet, unit: 'edges' });
    const list = rmatEdges({ scale: flags.scale, edgeFactor: flags.edgeFactor, seed: flags.seed, onProgress: (d, t) => bar.update(d, t) });
    bar.stop();
    await writeOutput(`rmat scale ${flags.scale}`, list, flags, flags.undirected ?? false);
  });

  withOutput(
    generate
      .command('er')
      .description('Erdős–Rényi G(n, m) undirected graph with n*degree/2 edges')
      .requiredOption('--vertices <n>', 'number of vertices', integer('vertices', 1, 0xffffffff))
      .option('--degree <d>', 'average degree', positive('degree'), 8)
      .option('--seed <n>', 'random seed', integer('seed', 0, 0xffffffff), 1),
  ).action(async (flags: OutputFlags & { vertices: number; degree: number; seed: number }) => {
    const list = erdosRenyiGnm({ n: flags.vertices, m: Math.round((flags.vertices * flags.degree) / 2), seed: flags.seed });
    await writeOutput('erdos-renyi', list, flags, true);
  });

  withOutput(
    generate
      .command('grid')
      .description('2-D grid, 4-neighbour, undirected')
      .requiredOption('--rows <n>', 'rows', integer('rows', 1))
      .requiredOption('--cols <n>', 'columns', integer('cols', 1))
      .option('--periodic', 'wrap around (torus)'),
  ).action(async (flags: OutputFlags & { rows: number; cols: number; periodic?: boolean }) => {
    const list = grid2d({ rows: flags.rows, cols: flags.cols, periodic: flags.periodic });
    await writeOutput('grid', list, flags, true);
  });
}
