/**
 * `gasworks info GRAPH`: load (or generate) a graph and print its size,
 * degree statistics, self-loops and memory; `--json` for machines.
 */
import type { Command } from 'commander';
import { graphStats } from '../../../core/graph/stats.js';
import { GRAPH_SPEC_HELP, openGraph } from '../graph-source.js';
import { formatBytes, printJson, summaryTable } from '../output.js';
import { addGraphOptions, graphOptionsFrom, type GraphFlags } from '../graph-flags.js';

export function registerInfo(program: Command): void {
  const cmd = program
    .command('info')
    .description('print a graph\'s vertices, edges, degree statistics, self-loops and memory')
    .argument('<graph>', GRAPH_SPEC_HELP)
    .option('--json', 'print one JSON object instead of a table')
    .option('-q, --quiet', 'no progress bar');
  addGraphOptions(cmd);
  cmd.action(async (spec: string, flags: GraphFlags & { json?: boolean }) => {
    const { graph, name, loadSeconds } = await openGraph(spec, { ...graphOptionsFrom(flags), who: 'info' });
    const s = graphStats(graph);
    if (flags.json) {
      printJson({ graph: name, ...s, loadSeconds });
      return;
    }
    const deg = (d: typeof s.outDegree) => `min ${d.min}, median ${d.median}, mean ${d.mean.toFixed(2)}, max ${d.max}`;
    const rows: Array<[string, string | number]> = [
      ['vertices', s.vertices],
      ['edges (stored, directed)', s.edges],
      ['undirected', s.undirected ? 'yes (both directions stored)' : 'no'],
      ['out-degree', deg(s.outDegree)],
      ['in-degree', deg(s.inDegree)],
      ['isolated vertices', s.isolated],
      ['self-loops', s.selfLoops],
      ['weights', s.weighted ? `${s.minWeight} .. ${s.maxWeight}` : 'none'],
      ['memory', formatBytes(s.bytes)],
      ['load time', `${loadSeconds.toFixed(2)} s`],
    ];
    if (s.vertexColumns.length) rows.push(['vertex columns', s.vertexColumns.join(', ')]);
    if (s.edgeColumns.length) rows.push(['edge columns', s.edgeColumns.join(', ')]);
    process.stdout.write(summaryTable(name, rows) + '\n');
  });
}
