/**
 * Distributed loading (core/cluster/range-load.ts, `--load distributed`):
 * workers that each read their own range of a .gwg file under their
 * --data-dir and send each edge to its machine's worker give what a
 * coordinator that streams the file, and one that loads it, give under the
 * same placement, bit for bit (PageRank, weighted SSSP), on two and three
 * machines, with ranges that split a vertex's edges; a spare that replaces a
 * killed worker reads the lost machine's range again. Paths outside a
 * worker's data folder, a worker without one, and placements that need
 * shared state are refused, saying why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sameBits } from './same-bits.js';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorker as startWorkerWith, type ClusterWorker } from '../../../core/cluster/worker-server.js';
import { runCluster as runClusterWith, type ClusterRunOptions } from '../../../core/cluster/coordinator.js';
import { randomPlacement, type Placement } from '../../../core/cluster/placement.js';
import { gwgRange, gwgSource, type EdgeSource } from '../../../core/cluster/ingress.js';
import { fileUnder, textEdgeListOnWorkers } from '../../../core/cluster/range-load.js';
import { scanTextRange, textRangeSource } from '../../../core/cluster/text-range.js';
import { parseEdgeList } from '../../../core/graph/loaders/snap.js';
import { loadGraph } from '../../../core/graph/load.js';
import { StagedEdges } from '../../../core/cluster/part-build.js';
import { writeGraphFile } from '../../../core/graph/binary.js';
import { clusterPlacement } from '../../../partitioner/cluster.js';
import { newSecret } from '../../../core/cluster/auth.js';
import type { VertexProgram } from '../../../core/program.js';
import { UsageError } from '../../../core/errors.js';
import { buildGraph } from '../../../core/graph/build.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import type { Graph } from '../../../core/graph/graph.js';
import * as programs from '../../../vertex-programs/index.js';
import { tempDir } from '../../helpers.js';

const security = { token: newSecret() };
const programCache = tempDir('gasworks-programs-');
const dataDir = tempDir('gasworks-data-');
const startWorker = (dir: string | null = dataDir): Promise<ClusterWorker> => startWorkerWith('127.0.0.1:0', { security, programCache, threads: 2, dataDir: dir ?? undefined, log: () => undefined });
const runCluster: typeof runClusterWith = (program, graph, options: ClusterRunOptions) => runClusterWith(program, graph, { security, placement: randomPlacement, ...options });

let workers: ClusterWorker[] = [];
let graph: Graph;
const graphPath = join(dataDir, 'graphs', 'g.gwg');
test.before(async () => {
  workers = await Promise.all([0, 1, 2].map(() => startWorker()));
  // Weighted, with repeated edges (R-MAT repeats some) and vertices of many edges, which ranges split.
  graph = buildGraph(rmatEdges({ scale: 10, edgeFactor: 8, seed: 21, maxWeight: 50 }));
  mkdirSync(join(dataDir, 'graphs'));
  await writeGraphFile(graphPath, graph);
});
test.after(async () => {
  await Promise.all(workers.map((w) => w.close()));
});
const addresses = (count = 3): string[] => workers.slice(0, count).map((w) => w.address);

/** Every edge a source gives, as "s t w" lines in its order. */
function edgesOf(source: EdgeSource): string[] {
  const reader = source.open();
  const src = new Uint32Array(97);
  const dst = new Uint32Array(97);
  const w = new Float64Array(97);
  const out: string[] = [];
  for (let count; (count = reader.next(src, dst, w, 0, 97)) > 0; ) for (let i = 0; i < count; i++) out.push(`${src[i]} ${dst[i]} ${w[i]}`);
  return out;
}

test('the readers\' ranges, one after another, are the file\'s edges in its order', () => {
  const whole = edgesOf(gwgSource(graphPath)!);
  assert.is(whole.length, graph.numEdges);
  for (const readers of [1, 2, 3, 7]) {
    const pieces: string[] = [];
    for (let r = 0; r < readers; r++) {
      const range = gwgRange(graphPath, r, readers)!;
      assert.is(range.fileEdges, graph.numEdges);
      pieces.push(...edgesOf(range.source));
    }
    assert.equal(pieces, whole, `${readers} readers`);
  }
});

test('a machine keeps each reader\'s edges apart and puts them in readers\' order', () => {
  const staged = new StagedEdges(true, 1);
  staged.append(Uint32Array.of(20), Uint32Array.of(21), Float64Array.of(2), 2);
  staged.append(Uint32Array.of(0), Uint32Array.of(1), Float64Array.of(0.5), 0);
  staged.append(Uint32Array.of(10, 11), Uint32Array.of(12, 13), Float64Array.of(1, 1.5), 1);
  staged.append(Uint32Array.of(2), Uint32Array.of(3), Float64Array.of(0.75), 0);
  assert.is(staged.total, 5);
  staged.merge();
  assert.is(staged.count, 5);
  assert.equal(Array.from(staged.src.subarray(0, 5)), [0, 2, 10, 11, 20]);
  assert.equal(Array.from(staged.dst.subarray(0, 5)), [1, 3, 12, 13, 21]);
  assert.equal(Array.from(staged.weight!.subarray(0, 5)), [0.5, 0.75, 1, 1.5, 2]);
});

/** Reader r of k's edges of a text file as "s t w" lines, over `n` vertices. */
function textEdges(path: string, readers: number, n: number, weighted: boolean): string[] {
  const out: string[] = [];
  for (let r = 0; r < readers; r++) out.push(...edgesOf(textRangeSource(path, r, readers, n, weighted)));
  return out;
}

test('a text file\'s byte ranges split lines, and their readers, one after another, read what the loader reads', async () => {
  const dir = tempDir('gasworks-text-');
  const files: Array<[string, string]> = [
    ['weighted.txt', '# a comment\n0 1 0.5\n\n1\t2 2.25\r\n% another\n  2 0 -3e2\n7 7 1\n10 3 0.125\n3 10 4'],
    ['plain.txt', Array.from({ length: 300 }, (_, i) => `${(i * 7919) % 131} ${(i * 104729) % 97}${i % 17 === 0 ? '\n# c' : ''}`).join('\n') + '\n'],
  ];
  for (const [name, text] of files) {
    const path = join(dir, name);
    writeFileSync(path, text);
    const list = await parseEdgeList(path, { ids: 'identity' });
    const weighted = list.weight !== null;
    const expected = Array.from({ length: list.length }, (_, e) => `${list.src[e]} ${list.dst[e]} ${weighted ? list.weight![e] : 0}`);
    for (const readers of [1, 2, 3, 5, 13, 40]) {
      let maxId = -1;
      let edges = 0;
      for (let r = 0; r < readers; r++) {
        const scan = scanTextRange(path, r, readers);
        maxId = Math.max(maxId, scan.maxId);
        edges += scan.edges;
        assert.is(scan.fileBytes, text.length);
      }
      assert.is(maxId + 1, list.numVertices, `${name}, ${readers} readers: vertices`);
      assert.is(edges, list.length, `${name}, ${readers} readers: edges`);
      const got = textEdges(path, readers, maxId + 1, weighted).map((line) => (weighted ? line : line.replace(/ [^ ]+$/, ' 0')));
      assert.equal(got, expected, `${name}, ${readers} readers`);
    }
  }
  // A bad line names the file and its byte offset.
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, '0 1\n1 x\n');
  assert.throws(() => scanTextRange(bad, 0, 1), /bad\.txt.*the line at byte 4: expected a non-negative integer vertex id in column 2, found "x"/);
  writeFileSync(bad, '0 1\n1 2 3\n');
  assert.throws(() => edgesOf(textRangeSource(bad, 0, 1, 3, false)), /the line at byte 4: expected end of line after 2 columns, found extra "?3"?/);
});

test('a text edge list loaded distributed gives the loaded file\'s answers bit for bit (--ids identity)', async () => {
  const edges = rmatEdges({ scale: 9, edgeFactor: 6, seed: 4, maxWeight: 40 });
  const lines: string[] = ['# R-MAT 9, weighted'];
  for (let e = 0; e < edges.length; e++) lines.push(`${edges.src[e]}${e % 3 === 0 ? '\t' : ' '}${edges.dst[e]} ${edges.weight![e]}${e % 5 === 0 ? '\r' : ''}`);
  const path = join(dataDir, 'graphs', 'g.txt');
  writeFileSync(path, lines.join('\n') + '\n');
  const loadedGraph = await loadGraph(path, { ids: 'identity' });
  for (const machines of [2, 3]) {
    const { source, load } = await textEdgeListOnWorkers('graphs/g.txt', { workers: addresses(machines), security });
    assert.is(source.numVertices, loadedGraph.numVertices);
    assert.is(source.numEdges, loadedGraph.numEdges);
    assert.ok(source.weighted);
    for (const [program, params, maxIterations] of [[programs.pagerank, {}, 12], [programs.sssp, { source: 1 }, 200]] as const) {
      const options = { workers: addresses(machines), params: params as never, maxIterations };
      const loaded = await runCluster(program as unknown as VertexProgram, loadedGraph, options);
      const distributed = await runCluster(program as unknown as VertexProgram, source, { ...options, distributedLoad: load });
      assert.is(distributed.ingress, 'distributed');
      assert.is(distributed.iterations, loaded.iterations);
      for (const name of Object.keys(loaded.vertex)) sameBits(distributed.vertex[name] as ArrayLike<number>, loaded.vertex[name] as ArrayLike<number>, `${program.name}.${name}, ${machines} machines`);
    }
  }
});

test('distributed, streamed and loaded give the same answers bit for bit (PageRank, weighted SSSP; 2 and 3 machines)', async () => {
  const placements: Placement[] = [randomPlacement, clusterPlacement('random')];
  const cases: Array<[VertexProgram, Record<string, unknown>, number]> = [
    [programs.pagerank as unknown as VertexProgram, {}, 12],
    [programs.sssp as unknown as VertexProgram, { source: 3 }, 200],
  ];
  for (const machines of [2, 3]) {
    for (const placement of placements) {
      for (const [program, params, maxIterations] of cases) {
        const options = { workers: addresses(machines), placement, params: params as never, maxIterations };
        const loaded = await runCluster(program, graph, options);
        const streamed = await runCluster(program, gwgSource(graphPath)!, options);
        // Relative to the workers' --data-dir.
        const distributed = await runCluster(program, gwgSource(graphPath)!, { ...options, distributedLoad: { path: 'graphs/g.gwg' } });
        const what = `${program.name}, ${machines} machines, ${placement.stateless}`;
        assert.is(distributed.ingress, 'distributed');
        assert.is(distributed.edges, graph.numEdges);
        assert.is(distributed.iterations, loaded.iterations, `${what}: supersteps`);
        assert.is(distributed.edgesTraversed, loaded.edgesTraversed, `${what}: edges traversed`);
        assert.is(distributed.replicationFactor, loaded.replicationFactor, `${what}: replication`);
        assert.equal(distributed.aggregates, streamed.aggregates, `${what}: aggregates`);
        for (const name of Object.keys(loaded.vertex)) {
          sameBits(distributed.vertex[name] as ArrayLike<number>, loaded.vertex[name] as ArrayLike<number>, `${what}: ${name} distributed vs loaded`);
          sameBits(distributed.vertex[name] as ArrayLike<number>, streamed.vertex[name] as ArrayLike<number>, `${what}: ${name} distributed vs streamed`);
        }
      }
    }
  }
});

test('an absolute path inside the workers\' --data-dir is read as well', async () => {
  const pagerank = programs.pagerank as unknown as VertexProgram;
  const options = { workers: addresses(), maxIterations: 5 };
  const streamed = await runCluster(pagerank, gwgSource(graphPath)!, options);
  const distributed = await runCluster(pagerank, gwgSource(graphPath)!, { ...options, distributedLoad: { path: graphPath } });
  sameBits(distributed.vertex.rank as Float64Array, streamed.vertex.rank as Float64Array, 'rank');
});

test('a spare replacing a killed worker reads the lost machine\'s range again; the run ends as if none was lost', async () => {
  const crew = await Promise.all([0, 1, 2].map(() => startWorker()));
  const spare = await startWorker();
  try {
    const pagerank = programs.pagerank as unknown as VertexProgram;
    const expected = await runCluster(pagerank, graph, { workers: addresses(), maxIterations: 8 });
    let killed = false;
    const result = await runCluster(pagerank, gwgSource(graphPath)!, {
      workers: crew.map((w) => w.address),
      spares: [spare.address],
      checkpointEvery: 2,
      maxIterations: 8,
      distributedLoad: { path: 'graphs/g.gwg' },
      onProgress: (p) => {
        if (p.superstep === 3 && !killed) {
          killed = true;
          crew[1].kill();
        }
      },
    });
    assert.is(result.recoveries, 1);
    sameBits(result.vertex.rank as Float64Array, expected.vertex.rank as Float64Array, 'rank after recovery');
  } finally {
    await Promise.all([crew[0], crew[2], spare].map((w) => w.close()));
  }
});

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
    assert.unreachable('ran');
  } catch (error) {
    assert.match((error as Error).message, pattern);
    assert.instance(error, UsageError);
  }
}

test('paths outside a worker\'s --data-dir, and a worker without one, are refused', async () => {
  const pagerank = programs.pagerank as unknown as VertexProgram;
  const outside = join(tempDir('gasworks-outside-'), 'g.gwg');
  await writeGraphFile(outside, graph);
  symlinkSync(outside, join(dataDir, 'link.gwg'));
  const run = (path: string, on = addresses()): Promise<unknown> => runCluster(pagerank, gwgSource(graphPath)!, { workers: on, maxIterations: 2, distributedLoad: { path } });
  await refused(run(outside), /LoadRange: path must be inside this worker's --data-dir; got ".*g\.gwg"/);
  await refused(run('../' + outside.split('/').slice(-2).join('/')), /path must be inside this worker's --data-dir/);
  await refused(run('link.gwg'), /path must be inside this worker's --data-dir; got "link\.gwg"/);
  await refused(run('graphs/missing.gwg'), /no file "graphs\/missing\.gwg" under this worker's --data-dir \(ENOENT\)/);
  await refused(run('graphs'), /path must be a file; got "graphs"/);
  const bare = await startWorker(null);
  try {
    await refused(run('graphs/g.gwg', [workers[0].address, bare.address]), /this worker reads no files \(start it with --data-dir DIR/);
    assert.is(bare.jobs(), 0);
  } finally {
    await bare.close();
  }
  assert.throws(() => fileUnder(dataDir, 'a\0b'), /path must name a file under the worker's --data-dir/);
});

test('a file that differs between machines, a placement that needs shared state, and a loaded graph are refused', async () => {
  const pagerank = programs.pagerank as unknown as VertexProgram;
  // What the coordinator reads is another graph than the workers' file.
  const other = join(tempDir('gasworks-other-'), 'h.gwg');
  await writeGraphFile(other, buildGraph(rmatEdges({ scale: 9, edgeFactor: 4, seed: 2 })));
  await refused(runCluster(pagerank, gwgSource(other)!, { workers: addresses(), distributedLoad: { path: 'graphs/g.gwg' } }), /here has 1024 vertices and \d+ edges, and the coordinator's 512 and \d+: every machine must read the same file/);
  await refused(runCluster(pagerank, gwgSource(graphPath)!, { workers: addresses(), placement: clusterPlacement('hdrf'), distributedLoad: { path: 'graphs/g.gwg' } }), /placement hdrf cannot load distributed: its machine for an edge depends on the edges placed before it/);
  await refused(runCluster(pagerank, graph, { workers: addresses(), distributedLoad: { path: 'graphs/g.gwg' } }), /distributedLoad needs the file's stream/);
  writeFileSync(join(dataDir, 'not-a-graph.gwg'), 'hello\n');
  try {
    await runCluster(pagerank, gwgSource(graphPath)!, { workers: addresses(), maxIterations: 2, distributedLoad: { path: 'not-a-graph.gwg' } });
    assert.unreachable('ran');
  } catch (error) {
    assert.match((error as Error).message, /not-a-graph\.gwg/);
  }
});

test.run();
