/**
 * `gasworks start` (what `npm start` runs): the quick-start job on an embedded
 * default, a seeded R-MAT graph generated in memory, so a fresh clone shows
 * gasworks working with no data: the graph's statistics, as `gasworks info`
 * prints them.
 */
import type { Command } from 'commander';
import { graphStats } from '../../../core/graph/stats.js';
import { openGraph } from '../graph-source.js';
import { formatBytes, printJson, summaryTable } from '../output.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('quick start: generate an R-MAT graph in memory and describe it')
    .option('--scale <n>', 'R-MAT scale (2^scale vertices, 16 edges each)', '16')
    .option('--json', 'print JSON instead of tables')
    .option('-q, --quiet', 'no progress bar')
    .action(async (flags: { scale: string; json?: boolean; quiet?: boolean }) => {
      const spec = `rmat:${flags.scale}:16:1`;
      const { graph, loadSeconds } = await openGraph(spec, { quiet: flags.quiet });
      const s = graphStats(graph);
      if (flags.json) {
        printJson({ graph: spec, ...s, loadSeconds });
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
      process.stdout.write('Next: gasworks info FILE | gasworks generate rmat --scale 20 --out g.bin | gasworks --help\n');
    });
}
