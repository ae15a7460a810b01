/**
 * Runs one vertex program on every engine configuration the "one answer"
 * checks compare (not a test file): the synchronous engine inline (1 worker)
 * and on 2 workers, and the asynchronous engine inline with the fifo
 * scheduler and on 2 threads with in-place sweeps. It goes through the entry
 * point core/engine/index.ts (`runProgram`) when that module exists, and
 * otherwise runs the asynchronous configurations through runAsync alone,
 * saying so once, so these tests work while the engines land.
 */
import type { Graph } from '../../core/graph/graph.js';
import type { NumericArray } from '../../core/graph/shared.js';
import type { Params, VertexProgram } from '../../core/program.js';
import { runAsync, type AsyncScheduler } from '../../core/engine/async.js';

export interface EngineRun {
  /** Which engine ran, e.g. 'sync/2 workers'. */
  label: string;
  vertex: Record<string, NumericArray>;
  aggregates: Record<string, number>;
  iterations: number;
  converged: boolean;
}

export interface RunOptions {
  params?: Params;
  maxIterations?: number;
  /** Leave the asynchronous runs out (default: include them). */
  skipAsync?: boolean;
  /** Leave the 2-worker runs out. */
  inlineOnly?: boolean;
}

type RunProgram = (
  program: VertexProgram,
  graph: Graph,
  options: Record<string, unknown>,
) => Promise<{ vertex: Record<string, NumericArray>; aggregates: Record<string, number>; iterations: number; converged: boolean }>;

let entry: RunProgram | null | undefined;
async function runProgramEntry(): Promise<RunProgram | null> {
  if (entry !== undefined) return entry;
  const specifier = '../../core/engine/index.js';
  try {
    const module = (await import(specifier)) as { runProgram?: RunProgram };
    entry = module.runProgram ?? null;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    entry = null;
  }
  if (entry === null) console.log('  note: core/engine/index.ts (runProgram) not found: only the asynchronous engine is compared');
  return entry;
}

/** The same program on every engine configuration, in a fixed order. */
export async function runEverywhere(program: VertexProgram, graph: Graph, options: RunOptions = {}): Promise<EngineRun[]> {
  const runs: EngineRun[] = [];
  const run = await runProgramEntry();
  const common = { params: options.params, maxIterations: options.maxIterations };
  if (run !== null) {
    const sync = options.inlineOnly ? [1] : [1, 2];
    for (const workers of sync) {
      const r = await run(program, graph, { ...common, engine: 'sync', workers });
      runs.push({ label: `sync/${workers} worker(s)`, vertex: r.vertex, aggregates: r.aggregates, iterations: r.iterations, converged: r.converged });
    }
  }
  if (options.skipAsync) return runs;
  const asyncConfigs: Array<[AsyncScheduler, number]> = options.inlineOnly ? [['fifo', 1], ['sweep', 1]] : [['fifo', 1], ['sweep', 2]];
  for (const [scheduler, threads] of asyncConfigs) {
    const r =
      run !== null
        ? await run(program, graph, { ...common, engine: 'async', workers: threads, scheduler })
        : await runAsync(program, graph, { ...common, threads, scheduler });
    runs.push({
      label: `async/${scheduler}/${threads} thread(s)`,
      vertex: r.vertex as Record<string, NumericArray>,
      aggregates: r.aggregates,
      iterations: r.iterations,
      converged: r.converged,
    });
  }
  return runs;
}

/** The first vertex whose value differs, as a message, or null when all are equal (exact). */
export function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let v = 0; v < expected.length; v++) {
    if (!Object.is(actual[v], expected[v])) return `vertex ${v}: ${actual[v]}, expected ${expected[v]}`;
  }
  return null;
}

/** Largest |actual - expected| over all vertices. */
export function maxAbsDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let max = 0;
  for (let v = 0; v < expected.length; v++) max = Math.max(max, Math.abs(actual[v] - expected[v]));
  return max;
}
