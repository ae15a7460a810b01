/**
 * Benchmark: how long a cluster run's ingress takes when the coordinator
 * streams a .gwg file to the machines (`--load here`) against each worker
 * reading its own range and sending edges worker to worker (`--load
 * distributed`), and, for a text edge list of the same edges, a distributed
 * load (scan + load). WORKERS token-protected workers in this process on
 * loopback, random placement, PageRank for 1 superstep (setup seconds is
 * the figure: ingress, Setup's part builds, Connect); alternating runs,
 * medians of RUNS. On one machine every reader shares its cores, so this
 * measures the cost of the routing, not the gain of reading in parallel.
 *
 * Usage: node dist/bench/range-load.js [scale=18] [workers=3] [runs=3]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorker } from '../core/cluster/worker-server.js';
import { runCluster } from '../core/cluster/coordinator.js';
import { randomPlacement } from '../core/cluster/placement.js';
import { gwgSource } from '../core/cluster/ingress.js';
import { textEdgeListOnWorkers } from '../core/cluster/range-load.js';
import { newSecret } from '../core/cluster/auth.js';
import { writeGraphFile } from '../core/graph/binary.js';
import { buildGraph } from '../core/graph/build.js';
import { rmatEdges } from '../core/graph/generators/rmat.js';
import type { VertexProgram } from '../core/program.js';
import pagerank from '../vertex-programs/pagerank.js';
import { median } from './stats.js';

const scale = Number(process.argv[2] ?? 18);
const machines = Number(process.argv[3] ?? 3);
const runs = Number(process.argv[4] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'gasworks-range-load-'));
const security = { token: newSecret() };
try {
  const edges = rmatEdges({ scale, edgeFactor: 16, seed: 1 });
  await writeGraphFile(join(dir, 'g.gwg'), buildGraph(edges));
  const lines: string[] = [];
  for (let e = 0; e < edges.length; e++) lines.push(`${edges.src[e]} ${edges.dst[e]}`);
  writeFileSync(join(dir, 'g.txt'), lines.join('\n') + '\n');
  const workers = await Promise.all(Array.from({ length: machines }, () => startWorker('127.0.0.1:0', { security, dataDir: dir, programCache: join(dir, 'cache'), threads: 1, log: () => undefined })));
  try {
    const addresses = workers.map((w) => w.address);
    const options = { workers: addresses, security, placement: randomPlacement, maxIterations: 1 };
    const program = pagerank as unknown as VertexProgram;
    const times: Record<string, number[]> = { stream: [], 'distributed gwg': [], 'distributed text': [] };
    for (let run = 0; run < runs; run++) {
      times.stream.push((await runCluster(program, gwgSource(join(dir, 'g.gwg'))!, options)).setupSeconds);
      times['distributed gwg'].push((await runCluster(program, gwgSource(join(dir, 'g.gwg'))!, { ...options, distributedLoad: { path: 'g.gwg' } })).setupSeconds);
      const started = performance.now();
      const text = await textEdgeListOnWorkers('g.txt', { workers: addresses, security });
      const scanSeconds = (performance.now() - started) / 1000;
      times['distributed text'].push(scanSeconds + (await runCluster(program, text.source, { ...options, distributedLoad: text.load })).setupSeconds);
    }
    const base = median(times.stream);
    console.log(`R-MAT ${scale} (${edges.length} edges), ${machines} workers on loopback, setup seconds (median of ${runs}):`);
    for (const [name, t] of Object.entries(times)) console.log(`  ${name.padEnd(17)} ${median(t).toFixed(3)} s  (${(median(t) / base).toFixed(2)}x streamed)  runs ${t.map((x) => x.toFixed(3)).join(' ')}`);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
