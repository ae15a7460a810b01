/**
 * `gasworks run PROGRAM --graph GRAPH`: run a bundled vertex program (by
 * name) or a user's own (a path to its .ts/.js module) on a graph, on the
 * synchronous or asynchronous engine, with progress on stderr, a summary at
 * the end (`--json` for machines), and `--out` writing `id<TAB>value` lines
 * in the file's own vertex ids.
 */
import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { verticesOnly, type Graph } from '../../../core/graph/graph.js';
import type { NumericArray } from '../../../core/graph/shared.js';
import { openAtomic } from '../../../core/io/atomic-write.js';
import { defaultWorkers, runProgram, type RunOptions } from '../../../core/engine/index.js';
import { checkParams, resolveProgram, type Params, type VertexProgram } from '../../../core/program.js';
import { parseFieldType } from '../../../core/graph/columns.js';
import { isAllocationFailure, outOfMemory } from '../out-of-memory.js';
import { findProgram, importProgramModule } from '../../../core/engine/load-program.js';
import { getProgram, programs } from '../../../vertex-programs/index.js';
import { loadClusterPlacement } from '../../../partitioner/cluster.js';
import { GRAPH_SPEC_HELP, openGraph, streamableSource } from '../graph-source.js';
import { distributedInput } from '../distributed-load.js';
import { canStream } from '../../../core/cluster/ingress.js';
import { addGraphOptions, graphOptionsFrom, type GraphFlags } from '../graph-flags.js';
import { formatNumber, printJson, summaryTable } from '../output.js';
import { progressEnabled } from '../progress.js';
import { collect, hostPortList, positiveInt, refuseOptions, workerCount } from '../arguments.js';
import { addClusterSecurityOptions, clusterSecurityFrom, type ClusterSecurityFlags } from '../cluster-flags.js';

interface RunFlags extends GraphFlags, ClusterSecurityFlags {
  graph: string;
  engine: 'sync' | 'async';
  workers?: number;
  iterations?: number;
  param: string[];
  source?: string;
  tolerance?: number;
  scheduler?: 'fifo' | 'priority' | 'buckets' | 'sweep';
  bucketWidth?: number;
  consistency?: 'none' | 'vertex' | 'edge';
  chromatic?: boolean;
  aggregateEvery?: number;
  frontier?: 'auto' | 'dense' | 'sparse';
  out?: string;
  json?: boolean;
  cluster?: string[];
  partitioner?: string;
  spare?: string[];
  checkpointEvery?: number;
  lease?: number;
  load?: string;
}

/** A bundled program by name, or the vertex program exported by a user's module. */
export async function loadProgramByName(name: string): Promise<VertexProgram> {
  const looksLikePath = /[\\/]/.test(name) || /\.(c|m)?(t|j)s$/.test(name);
  if (!looksLikePath) return getProgram(name);
  const path = isAbsolute(name) ? name : resolve(process.cwd(), name);
  if (!existsSync(path)) throw new UsageError(`run: program module ${name} not found`);
  const url = pathToFileURL(path).href;
  let module: Record<string, unknown>;
  try {
    module = await importProgramModule(url);
  } catch (error) {
    // A syntax error or a failing import in the user's own module: their mistake, say it plainly.
    throw new UsageError(`run: could not load program module ${name}: ${(error as Error).message}`);
  }
  try {
    return findProgram(module, name);
  } catch (error) {
    throw new UsageError(`run: ${(error as Error).message}`);
  }
}

/** `--param key=value` parsed against the program's defaults (numbers, booleans, strings). */
export function parseParams(program: VertexProgram, pairs: string[]): Params {
  const out: Params = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`run: --param expects key=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    if (!(key in program.params)) {
      throw new UsageError(`run: program ${program.name} has no parameter "${key}" (it has: ${Object.keys(program.params).join(', ') || 'none'})`);
    }
    const fallback = program.params[key];
    if (typeof fallback === 'number') {
      const x = Number(raw);
      if (raw.trim() === '' || Number.isNaN(x)) throw new UsageError(`run: --param ${key} expects a number, got "${raw}"`);
      out[key] = x;
    } else if (typeof fallback === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new UsageError(`run: --param ${key} expects true or false, got "${raw}"`);
      out[key] = raw === 'true';
    } else {
      out[key] = raw;
    }
  }
  return out;
}

/** About what a run allocates beside the graph: the program's columns and the engine's per-vertex state. */
function runBytes(program: VertexProgram, params: Params, graph: Graph): number {
  const resolved = resolveProgram(program, params);
  const perElement = (schema: Record<string, string>): number =>
    Object.entries(schema).reduce((sum, [name, type]) => {
      const { scalar, width } = parseFieldType(name, type);
      return sum + width * (scalar === 'f64' ? 8 : scalar === 'u8' ? 1 : 4);
    }, 0);
  const accumulator = resolved.accumulator.kind === 'vector' ? resolved.accumulator.size * 8 : 8;
  return graph.numVertices * (perElement(resolved.vertex) + accumulator + 2) + graph.numEdges * perElement(program.edge ?? {});
}

/** `--aggregate-every`: milliseconds >= 0, or 'sweep' (0: after every sweep). */
function aggregatePeriod(value: string): number {
  if (value === 'sweep') return 0;
  const x = Number(value);
  if (value.trim() === '' || !(x >= 0) || !Number.isFinite(x)) throw new InvalidArgumentError("expected milliseconds (a number >= 0) or 'sweep'.");
  return x;
}

/**
 * What to say when a run that can converge stopped at its iteration cap instead: a program with
 * a convergence test (not switched off by tolerance 0) or one that runs until no vertex is
 * signalled. Null when it converged, or when running to the cap is what it does.
 */
export function capWarning(program: VertexProgram, params: Params, result: { converged: boolean; iterations: number }): string | null {
  if (result.converged) return null;
  const canConverge = program.activation === 'signalled' || (program.converged !== undefined && params.tolerance !== 0);
  if (!canConverge) return null;
  return `${program.name} stopped at the cap of ${result.iterations} iterations without converging (converged: false); raise --iterations${'tolerance' in params ? ' or loosen --tolerance' : ''}`;
}

/** The dense id of a vertex named by its file id (or label). */
export function vertexByKey(graph: Graph, key: string): number {
  if (graph.labels) {
    const v = graph.labels.indexOf(key);
    if (v >= 0) return v;
  } else if (/^\d+$/.test(key)) {
    const v = graph.denseId(Number(key));
    if (v >= 0) return v;
  }
  throw new UsageError(`run: vertex "${key}" is not in the graph`);
}

/** Write `key<TAB>value...` lines for one column, in batches, atomically; `vertexIds` values are dense ids, written as the file's ids. */
export async function writeColumn(path: string, graph: Graph, column: NumericArray, vertexIds = false): Promise<void> {
  const n = graph.numVertices;
  const width = n === 0 ? 1 : column.length / n;
  const file = await openAtomic(path);
  try {
    let lines: string[] = [];
    for (let v = 0; v < n; v++) {
      let line = graph.key(v);
      for (let i = 0; i < width; i++) {
        const x = column[v * width + i];
        line += '\t' + (vertexIds && x >= 0 && x < n ? graph.key(x) : x);
      }
      lines.push(line);
      if (lines.length === 65536) {
        await file.write(lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length) await file.write(lines.join('\n') + '\n');
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description(`run a vertex program on a graph (bundled: ${Object.keys(programs).join(', ')}; or a path to your own module)`)
    .argument('<program>', 'a bundled program name, or a path to a .ts/.js module exporting a vertex program')
    .requiredOption('-g, --graph <graph>', GRAPH_SPEC_HELP)
    .option('--engine <engine>', 'sync (BSP supersteps) or async (run signalled vertices at once)', 'sync')
    .option('-w, --workers <n>', `threads (default: one per core, ${defaultWorkers()} here; 1 = no threads)`, workerCount)
    .option('-i, --iterations <n>', 'at most this many supersteps (sync) or sweeps (async)', positiveInt)
    .option('-p, --param <key=value>', 'set a program parameter (repeatable)', collect, [])
    .option('--source <id>', 'source vertex, by its id in the file (programs with a source parameter)')
    .option('--tolerance <x>', 'convergence tolerance (programs with a tolerance parameter)', Number)
    .option('--scheduler <name>', 'async: sweep, fifo, priority or buckets (smallest signalled key first: delta-stepping for sssp)')
    .option('--bucket-width <x>', 'async with --scheduler buckets: the key range of one bucket (delta; default 1)', Number)
    .option('--consistency <name>', 'async: none, vertex or edge')
    .option('--chromatic', 'async with --consistency edge: the chromatic engine instead of locks')
    .option('--aggregate-every <ms|sweep>', 'async: compute aggregates every this many milliseconds, or after every sweep (default: every sweep with the sweep scheduler, 100 ms with fifo and priority)', aggregatePeriod)
    .option('--frontier <mode>', 'sync, signalled programs: auto (a list of the active vertices when they and their edges are at most 1/20 of all; the default), sparse (a list whenever it holds them) or dense (scan every vertex)')
    .option('--cluster <host:port,...>', 'run across machines: the addresses of `gasworks worker` processes, one per machine (sync engine)', hostPortList)
    .option('--partitioner <name>', 'with --cluster: the vertex-cut that places edges on machines: a built-in (random, grid, dbh, greedy, hdrf, ne, 2ps-l, 2ps-hdrf, hep, ...) or the path of your own partitioner module (./my-cut.ts); default hdrf. random, greedy and hdrf stream a generated graph or a .gwg file to the machines without building it here')
    .option('--spare <host:port,...>', 'with --cluster: workers standing by; one replaces a lost worker and the run rolls back to the last checkpoint', hostPortList)
    .option('--checkpoint-every <n>', 'with --cluster: checkpoint every n supersteps (default: only at the start, with --spare)', positiveInt)
    .option('--load <where>', 'with --cluster: here (this process reads the graph; the default) or distributed (each worker reads its own range of the file under its --data-dir and sends each edge to its machine: a directed .gwg file, or a plain text edge list whose ids are vertex ids, as --ids identity reads them; the file must be on every machine, at --graph relative to the workers\' --data-dir or at the same absolute path; random placement)')
    .option('--lease <seconds>', 'with --cluster: the workers drop the job this long after this command\'s last call (it renews while it runs; default 60)', positiveInt)
    .option('-o, --out <file>', 'write id<TAB>value lines of the program\'s output column')
    .option('--json', 'print a JSON summary')
    .option('-q, --quiet', 'no progress on stderr');
  addGraphOptions(cmd);
  addClusterSecurityOptions(cmd);
  cmd.action(async (name: string, flags: RunFlags, command: Command) => {
    const vp = await loadProgramByName(name);
    if (flags.engine !== 'sync' && flags.engine !== 'async') throw new UsageError(`run: --engine must be sync or async, got "${flags.engine}"`);
    // Flags of another mode are refused, not ignored: the user meant something this run would not do.
    if (flags.engine === 'sync') refuseOptions(command, 'run', ['scheduler', 'consistency', 'chromatic', 'aggregateEvery'], 'is for --engine async');
    else refuseOptions(command, 'run', ['frontier'], 'is for --engine sync');
    if (flags.scheduler !== undefined && !['sweep', 'fifo', 'priority', 'buckets'].includes(flags.scheduler)) throw new UsageError(`run: --scheduler must be sweep, fifo, priority or buckets; got "${flags.scheduler}"`);
    if (flags.consistency !== undefined && !['none', 'vertex', 'edge'].includes(flags.consistency)) throw new UsageError(`run: --consistency must be none, vertex or edge; got "${flags.consistency}"`);
    if (flags.frontier !== undefined && !['auto', 'dense', 'sparse'].includes(flags.frontier)) throw new UsageError(`run: --frontier must be auto, dense or sparse; got "${flags.frontier}"`);
    if (flags.chromatic && flags.consistency !== 'edge') throw new UsageError('run: --chromatic goes with --consistency edge (it is how edge consistency is kept)');
    if (!flags.cluster) refuseOptions(command, 'run', ['partitioner'], 'places edges on the machines of a cluster: give --cluster too');
    const params = parseParams(vp, flags.param);
    // Refuse what does not fit the program's declared ranges before loading anything, naming this command.
    if (flags.tolerance !== undefined && 'tolerance' in vp.params) params.tolerance = flags.tolerance;
    checkParams('run', vp, params);
    for (const [key, range] of Object.entries(vp.paramRanges ?? {})) {
      if (!range.required || key in params || (key === 'source' && flags.source !== undefined)) continue;
      const how = key === 'source' ? '--source ID' : `--param ${key}=VALUE`;
      throw new UsageError(`run: program ${vp.name} needs ${how}${range.description ? ` (${range.description})` : ''}`);
    }
    // Across machines, a generated graph or a .gwg file whose program reads only the view is streamed to the
    // machines by a streaming placement: this process never holds its edges.
    if (flags.load !== undefined && flags.load !== 'here' && flags.load !== 'distributed') throw new UsageError(`run: --load must be here or distributed; got ${flags.load}`);
    const distributed = flags.load === 'distributed';
    if (distributed && !flags.cluster) throw new UsageError('run: --load distributed is for cluster runs (give --cluster too)');
    // Distributed loading needs a placement every machine computes alone: random, unless asked otherwise.
    const asked = cmd.getOptionValueSource('partitioner') === 'default' ? undefined : flags.partitioner;
    const partitioner = asked ?? (distributed ? 'random' : 'hdrf');
    const placement = flags.cluster ? await loadClusterPlacement(partitioner, 'run') : undefined;
    if (distributed && placement?.stateless === undefined) throw new UsageError(`run: --load distributed needs --partitioner random (each machine places the edges it reads by a hash of their ends; ${partitioner}'s choice depends on edges other machines read); got ${partitioner}`);
    const spread = distributed ? await distributedInput(flags.graph, { ...graphOptionsFrom(flags), ids: cmd.getOptionValueSource('ids') === 'default' ? undefined : flags.ids }, vp, { workers: flags.cluster!, security: clusterSecurityFrom('run', flags) }) : null;
    const stream = spread?.source ?? (placement?.stream !== undefined && canStream(vp) ? streamableSource(flags.graph, graphOptionsFrom(flags)) : null);
    const { graph, name: graphName, loadSeconds } = stream !== null ? { graph: verticesOnly(stream.numVertices, stream.fileIds ?? null), name: basename(stream.name), loadSeconds: 0 } : await openGraph(flags.graph, { ...graphOptionsFrom(flags), who: 'run' });
    if (flags.source !== undefined) {
      if (!('source' in vp.params)) throw new UsageError(`run: program ${vp.name} has no source parameter`);
      params.source = vertexByKey(graph, flags.source);
    }
    if (flags.tolerance !== undefined) {
      if (!('tolerance' in vp.params)) throw new UsageError(`run: program ${vp.name} has no tolerance parameter`);
      if (!(flags.tolerance >= 0)) throw new UsageError('run: --tolerance must be a non-negative number');
      params.tolerance = flags.tolerance;
    }
    const cluster = flags.cluster;
    const spares = flags.spare;
    if (!cluster && (spares || flags.checkpointEvery !== undefined || flags.lease !== undefined)) throw new UsageError('run: --spare, --checkpoint-every and --lease are for cluster runs (give --cluster too)');
    if (!cluster && (flags.tokenFile || flags.tlsCert || flags.tlsKey || flags.tlsCa)) throw new UsageError('run: --token-file and --tls-* are for cluster runs (give --cluster too)');
    if (cluster && flags.workers !== undefined) throw new UsageError('run: --workers is for one machine; with --cluster each listed worker is one machine');
    const workers = cluster ? cluster.length : (flags.workers ?? defaultWorkers());
    const showProgress = progressEnabled(flags);
    const options: RunOptions = {
      engine: flags.engine,
      workers,
      maxIterations: flags.iterations,
      params,
      scheduler: flags.scheduler,
      bucketWidth: flags.bucketWidth,
      consistency: flags.consistency,
      edgeConsistency: flags.chromatic ? 'chromatic' : undefined,
      aggregateEveryMs: flags.aggregateEvery,
      frontier: flags.frontier,
      cluster,
      placement,
      spares,
      checkpointEvery: flags.checkpointEvery,
      leaseSeconds: flags.lease,
      ...(spread !== null ? { distributedLoad: spread.load } : {}),
      ...(cluster ? { security: clusterSecurityFrom('run', flags) } : {}),
      onProgress: showProgress
        ? (p) => {
            const aggs = Object.entries(p.aggregates)
              .map(([k, v]) => `${k} ${formatNumber(v)}`)
              .join(', ');
            const active = p.active >= 0 ? ` | active ${formatNumber(p.active)}` : '';
            const rate = p.edgesPerSecond > 0 ? ` | ${formatNumber(p.edgesPerSecond / 1e6, 3)}M edges/s` : '';
            process.stderr.write(`\r\x1b[K${vp.name}: step ${p.superstep}${active}${aggs ? ' | ' + aggs : ''}${rate}`);
          }
        : undefined,
    };
    let result: Awaited<ReturnType<typeof runProgram>>;
    try {
      result = await runProgram(vp, stream ?? graph, options);
    } catch (error) {
      if (!isAllocationFailure(error)) throw error;
      throw outOfMemory('run', { what: `program ${vp.name}'s data on ${graphName}`, vertices: graph.numVertices, edges: stream?.numEdges ?? graph.numEdges, bytes: runBytes(vp, { ...vp.params, ...params }, graph) });
    }
    if (showProgress) process.stderr.write('\r\x1b[K');
    const warning = capWarning(vp, { ...vp.params, ...params }, result);
    if (warning !== null && !flags.quiet) process.stderr.write(`gasworks: warning: ${warning}\n`);
    const column = vp.output ?? Object.keys(result.vertex)[0];
    if (flags.out) await writeColumn(flags.out, graph, result.vertex[column] as NumericArray, vp.outputKind === 'vertex');
    const summary = {
      program: vp.name,
      graph: graphName,
      vertices: graph.numVertices,
      edges: result.cluster?.edges ?? graph.numEdges,
      engine: result.engine,
      workers: result.workers,
      iterations: result.iterations,
      converged: result.converged,
      vertexUpdates: result.vertexUpdates,
      edgesTraversed: result.edgesTraversed,
      computeSeconds: result.computeSeconds,
      edgesPerSecond: result.edgesPerSecond,
      loadSeconds,
      aggregates: result.aggregates,
      ...(result.cluster ? { cluster: result.cluster } : {}),
      // The program's parameters as it ran; a --source given by file id is shown as given, beside its dense id.
      params: { ...vp.params, ...params },
      ...(flags.source !== undefined ? { source: { fileId: Number.isFinite(Number(flags.source)) ? Number(flags.source) : flags.source, denseId: params.source } } : {}),
      ...(flags.out ? { out: flags.out, column } : {}),
    };
    if (flags.json) {
      printJson(summary);
      return;
    }
    const rows: Array<[string, string | number]> = [
      ['graph', `${graphName}: ${formatNumber(graph.numVertices)} vertices, ${formatNumber(graph.numEdges)} edges`],
      [
        'engine',
        result.cluster
          ? `${result.engine}, cluster of ${result.cluster.machines} machine${result.cluster.machines === 1 ? '' : 's'} (${result.cluster.partitioner}, replication factor ${result.cluster.replicationFactor.toFixed(2)})`
          : `${result.engine}, ${result.workers} worker${result.workers === 1 ? '' : 's'}`,
      ],
      ['iterations', `${result.iterations}${result.converged ? ' (converged)' : capWarning(vp, { ...vp.params, ...params }, result) !== null ? ' (stopped at the cap, not converged)' : ''}`],
      ['vertex updates', result.vertexUpdates],
      ['compute time', `${result.computeSeconds.toFixed(3)} s (load ${loadSeconds.toFixed(2)} s)`],
      ['edges/s', `${formatNumber(result.edgesPerSecond / 1e6, 4)}M`],
    ];
    if (result.cluster) {
      rows.push(['cluster traffic', `${formatNumber(result.cluster.bytesRouted / 1e6, 4)} MB routed (setup ${result.cluster.setupSeconds.toFixed(2)} s)`]);
      const ingress = { stream: `streamed: ${formatNumber(result.cluster.edges)} edges sent on as generated, never held here`, distributed: `distributed: each machine read its range of the file and sent ${formatNumber(result.cluster.edges)} edges on, none through here`, load: 'loaded here, then each machine sent its part' };
      rows.push(['ingress', ingress[result.cluster.ingress]]);
      if (result.cluster.recoveries > 0) rows.push(['recoveries', `${result.cluster.recoveries} lost worker(s) replaced; now ${result.cluster.workers.join(',')}`]);
    }
    for (const [k, v] of Object.entries(result.aggregates)) rows.push([`aggregate ${k}`, v]);
    if (flags.out) rows.push(['output', `${flags.out} (${column})`]);
    process.stdout.write(summaryTable(`gasworks run ${vp.name}`, rows) + '\n');
  });
}
