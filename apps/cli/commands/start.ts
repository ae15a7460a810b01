/**
 * `gasworks start` (what `npm start` runs): the quick-start job on an embedded
 * default, a seeded R-MAT graph generated in memory, so a fresh clone shows
 * gasworks working with no data: the graph's statistics, as `gasworks info`
 * prints them, then 20 PageRank supersteps on every core and the top vertices.
 */
import type { Command } from 'commander';
import { graphStats } from '../../../core/graph/stats.js';
import { defaultWorkers, runProgram } from '../../../core/engine/index.js';
import pagerank from '../../../vertex-programs/pagerank.js';
import { openGraph } from '../graph-source.js';
import { formatBytes, formatNumber, headedTable, printJson, summaryTable } from '../output.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('quick start: generate an R-MAT graph in memory, describe it, and rank its vertices with PageRank')
    .option('--scale <n>', 'R-MAT scale (2^scale vertices, 16 edges each)', '16')
    .option('--json', 'print JSON instead of tables')
    .option('-q, --quiet', 'no progress bar')
    .action(async (flags: { scale: string; json?: boolean; quiet?: boolean }) => {
      const spec = `rmat:${flags.scale}:16:1`;
      const { graph, loadSeconds } = await openGraph(spec, { quiet: flags.quiet, who: 'start' });
      const s = graphStats(graph);
      const run = await runProgram(pagerank, graph, { workers: defaultWorkers(), maxIterations: 20 });
      const rank = run.vertex.rank;
      const top = Array.from({ length: graph.numVertices }, (_, v) => v)
        .sort((a, b) => rank[b] - rank[a])
        .slice(0, 5)
        .map((v) => ({ vertex: graph.key(v), rank: rank[v], inDegree: graph.inDegree(v) }));
      const pagerankSummary = {
        workers: run.workers,
        iterations: run.iterations,
        computeSeconds: run.computeSeconds,
        edgesPerSecond: run.edgesPerSecond,
        top,
      };
      if (flags.json) {
        printJson({ graph: spec, ...s, loadSeconds, pagerank: pagerankSummary });
        return;
      }
      process.stdout.write(
        summaryTable(`gasworks quick start: ${spec} (generated in ${loadSeconds.toFixed(2)} s)`, [
          ['vertices', s.vertices],
          ['edges', s.edges],
          ['out-degree', `median ${s.outDegree.median}, mean ${s.outDegree.mean.toFixed(2)}, max ${s.outDegree.max}`],
          ['in-degree', `median ${s.inDegree.median}, max ${s.inDegree.max}`],
          ['isolated vertices', s.isolated],
          ['self-loops', s.selfLoops],
          ['memory', formatBytes(s.bytes)],
        ]) + '\n',
      );
      process.stdout.write(
        '\n' +
          headedTable(
            `PageRank, ${run.iterations} supersteps on ${run.workers} worker${run.workers === 1 ? '' : 's'}: ${run.computeSeconds.toFixed(3)} s (${formatNumber(run.edgesPerSecond / 1e6, 3)}M edges/s)`,
            ['#', 'vertex', 'rank', 'in-degree'],
            top.map((t, i) => [i + 1, String(t.vertex), t.rank.toExponential(3), t.inDegree]),
          ) +
          '\n',
      );
      process.stdout.write(
        '\nNext: gasworks run pagerank --graph FILE | gasworks info FILE | gasworks recommend train | gasworks sgd | gasworks fraud --network FILE | gasworks bench partitioners --graph FILE | gasworks token --out F, then gasworks worker --listen HOST:PORT --token-file F on each machine (then run --cluster HOST:PORT,... --token-file F) | gasworks --help\n',
      );
    });
}
