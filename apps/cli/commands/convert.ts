/**
 * `gasworks convert IN OUT.gwg`: read a graph in any format `gasworks` reads
 * (with the graph-reading flags: `--undirected`, `--ids identity`, ...) and
 * write it as a gasworks binary graph, which loads at disk speed. The output
 * is written atomically: a failed conversion leaves no file behind.
 * `--order degree` renumbers the vertices by descending degree for locality
 * (core/graph/reorder.ts); every vertex keeps its file id, so results still
 * name the file's ids.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { writeGraphFile } from '../../../core/graph/binary.js';
import { VERTEX_ORDERS, degreeOrder, relabelGraph, type VertexOrder } from '../../../core/graph/reorder.js';
import { GRAPH_SPEC_HELP, openGraph } from '../graph-source.js';
import { addGraphOptions, graphOptionsFrom, type GraphFlags } from '../graph-flags.js';
import { formatBytes, printJson, summaryTable } from '../output.js';

export function registerConvert(program: Command): void {
  const cmd = program
    .command('convert')
    .description('convert a graph (edge list, Matrix Market, MovieLens, ...) to a gasworks binary graph (.gwg)')
    .argument('<in>', GRAPH_SPEC_HELP)
    .argument('<out>', 'the binary graph file to write (.gwg or .bin)')
    .option('--order <order>', "vertex order in the file: 'file' (as read) or 'degree' (descending degree, for locality; ids in results stay the file's)", 'file')
    .option('--json', 'print one JSON object instead of a table')
    .option('-q, --quiet', 'no progress bar');
  addGraphOptions(cmd);
  cmd.action(async (input: string, out: string, flags: GraphFlags & { json?: boolean; order: string }) => {
    if (!/\.(gwg|bin)$/.test(out)) throw new UsageError(`convert: OUT must end in .gwg or .bin; got ${JSON.stringify(out)}`);
    if (!VERTEX_ORDERS.includes(flags.order as VertexOrder)) throw new UsageError(`convert: --order must be one of ${VERTEX_ORDERS.join(', ')}; got ${JSON.stringify(flags.order)}`);
    const { graph: read, name, loadSeconds } = await openGraph(input, graphOptionsFrom(flags));
    const started = performance.now();
    const graph = flags.order === 'degree' ? relabelGraph(read, degreeOrder(read), 'convert') : read;
    await writeGraphFile(out, graph);
    const writeSeconds = (performance.now() - started) / 1000;
    const summary = { in: name, out, order: flags.order, vertices: graph.numVertices, edges: graph.numEdges, undirected: graph.undirected, bytes: graph.bytes(), loadSeconds, writeSeconds };
    if (flags.json) {
      printJson(summary);
      return;
    }
    const rows: Array<[string, string | number]> = [
      ['vertices', graph.numVertices],
      ['edges (stored, directed)', graph.numEdges],
      ['undirected', graph.undirected ? 'yes (both directions stored)' : 'no'],
      ['graph memory', formatBytes(summary.bytes)],
      ['read in', `${loadSeconds.toFixed(2)} s`],
      ['vertex order', flags.order],
      ['written in', `${writeSeconds.toFixed(2)} s`],
    ];
    process.stderr.write(summaryTable(`${name} -> ${out}`, rows) + '\n');
  });
}
