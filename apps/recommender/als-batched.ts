/**
 * ALS as batched kernels instead of a vertex program: each half-step forms
 * the normal equations of a block of users (then items) at once
 * (kernels/normal-equations.ts on the CPU, or kernels/gpu.ts on gpu.js) and
 * solves them by Cholesky. The model is the ALS vertex program's
 * (apps/recommender/als.ts): same initial factors, same weighted-lambda
 * ridge, same order of sums, so on the CPU it gives the engine's factors
 * bit for bit; on gpu.js the sums are 32-bit and the factors agree to about
 * 1e-5. This is the path for a GPU: the engine's per-edge gather is what a
 * GPU cannot take, a block of dense systems is what it does best. One
 * thread on the CPU; the engine is the multi-core and multi-machine path.
 */
import { UsageError } from '../../core/errors.js';
import type { Graph } from '../../core/graph/graph.js';
import { choleskyFactor, choleskySolveFactored } from '../../kernels/cholesky.js';
import { FLOAT32_EXACT, GpuNormalEquations, offerWebGpu, padOffsets, type GpuMode } from '../../kernels/gpu.js';
import { normalEquations, unknownsOf, type NormalEquationsBlock } from '../../kernels/normal-equations.js';
import { initFactors, meanRating, ratingsOf, squaredErrorAggregator } from './factors.js';

export type AlsKernels = 'cpu' | 'gpu';

export interface BatchedAlsOptions {
  /** Users are vertices 0 .. numUsers - 1, items the rest (ratingsToGraph's layout). */
  numUsers: number;
  rank: number;
  lambda: number;
  biases: boolean;
  seed: number;
  iterations: number;
  kernels: AlsKernels;
  /** gpu.js mode for kernels 'gpu': 'async' (default, its best backend) or 'cpu' (tests). */
  gpuMode?: GpuMode;
  /** Vertices per kernel call. Default 4096 (gpu), 512 (cpu). */
  blockSize?: number;
  onIteration?: (iteration: number, trainRmse: number) => void;
}

export interface BatchedAlsResult {
  /** rank + 1 doubles per vertex, as the vertex program leaves them. */
  factors: Float64Array;
  trainRmse: number[];
  computeSeconds: number;
  /** 'cpu', or the gpu.js backend that ran (e.g. 'WebAssemblyKernel', 'WebGPUKernel'). */
  backend: string;
}

/** One side of the bipartite graph: its vertices and the CSR of their ratings. */
interface Side {
  first: number;
  count: number;
  block: NormalEquationsBlock;
  maxDegree: number;
}

export async function trainAlsBatched(graph: Graph, options: BatchedAlsOptions): Promise<BatchedAlsResult> {
  const { rank, lambda, biases, seed, iterations, kernels } = options;
  const ratings = ratingsOf(graph, 'trainAlsBatched');
  const n = graph.numVertices;
  const width = rank + 1;
  const unknowns = unknownsOf(rank, biases);
  const mean = meanRating(ratings, graph.numEdges);
  // The kernel reads factor rows at neighbour * (rank + 1) + i, and rating slots, through 32-bit floats.
  if (kernels === 'gpu' && (n * width >= FLOAT32_EXACT || graph.numEdges >= FLOAT32_EXACT)) {
    throw new UsageError(
      `trainAlsBatched: gpu kernels index with 32-bit floats, exact below ${FLOAT32_EXACT}: this run has ${n * width} factor values (vertices x (rank + 1)) and ${graph.numEdges} ratings (use the cpu kernels or the engine)`,
    );
  }
  const factors = new Float64Array(n * width);
  for (let v = 0; v < n; v++) initFactors(factors, v, rank, seed);
  const sides = splitSides(graph, options.numUsers, ratings, factors, rank, biases, mean);
  const blockSize = options.blockSize ?? (kernels === 'gpu' ? 4096 : 512);
  if (!(Number.isInteger(blockSize) && blockSize >= 1)) throw new UsageError(`trainAlsBatched: blockSize must be a positive integer; got ${blockSize}`);
  if (kernels === 'gpu') await offerWebGpu();
  const gpus: GpuNormalEquations[] = [];
  const matrices = new Float64Array(blockSize * unknowns * unknowns);
  const rhs = new Float64Array(blockSize * unknowns);
  const sse = squaredErrorAggregator(graph, factors, rank);
  const trainRmse: number[] = [];
  const started = performance.now();
  try {
    // gpu.js's 32-bit inputs that never change (each block's CSR slice and ratings), made once.
    const gpuBlocks: GpuBlock[][] = [];
    if (kernels === 'gpu') {
      for (const side of sides) {
        const gpu = new GpuNormalEquations(rank, biases, Math.min(blockSize, Math.max(1, side.count)), side.maxDegree, { mode: options.gpuMode });
        gpus.push(gpu);
        gpuBlocks.push(gpuInputs(side, gpu.blockSize));
      }
    }
    for (let iteration = 1; iteration <= iterations; iteration++) {
      for (let s = 0; s < sides.length; s++) {
        const side = sides[s];
        // gpu.js takes 32-bit copies of the other side's rows, once per half-step.
        if (kernels === 'gpu') {
          const factors32 = Float32Array.from(factors);
          for (const b of gpuBlocks[s]) {
            await gpus[s].compute(b.offsets, b.neighbours, b.ratings, factors32, mean, b.count, matrices, rhs);
            solveBlock(graph, side.block.offsets, b.first, b.count, unknowns, width, lambda, matrices, rhs, factors);
          }
          continue;
        }
        for (let start = 0; start < side.count; start += blockSize) {
          const count = Math.min(blockSize, side.count - start);
          const first = side.first + start;
          normalEquations(side.block, first, count, matrices, rhs);
          solveBlock(graph, side.block.offsets, first, count, unknowns, width, lambda, matrices, rhs, factors);
        }
      }
      let total = 0;
      for (let u = sides[0].first; u < sides[0].first + sides[0].count; u++) total += sse.map(u);
      const rmse = Math.sqrt(total / graph.numEdges);
      trainRmse.push(rmse);
      options.onIteration?.(iteration, rmse);
    }
  } finally {
    // Every kernel is released even when one release fails; such a failure never hides the run's own error.
    await Promise.allSettled(gpus.map((gpu) => gpu.destroy()));
  }
  return { factors, trainRmse, computeSeconds: (performance.now() - started) / 1000, backend: kernels === 'gpu' ? gpus[0]?.backend ?? 'none' : 'cpu' };
}

/**
 * Users are vertices 0 .. users - 1 (ratingsToGraph numbers them first; one
 * may have no rating, when a hold-out split took all of them), read through
 * the out-CSR; items the rest, through the in-CSR, whose slots name the
 * rating by edge id.
 */
function splitSides(graph: Graph, users: number, ratings: Float64Array, factors: Float64Array, rank: number, biases: boolean, mean: number): Side[] {
  const n = graph.numVertices;
  if (!(Number.isInteger(users) && users >= 0 && users <= n)) throw new UsageError(`trainAlsBatched: numUsers must be an integer in 0..${n}; got ${users}`);
  for (let v = users; v < n; v++) {
    if (graph.outOffsets[v + 1] > graph.outOffsets[v]) {
      throw new UsageError(`trainAlsBatched: vertex ${v} is an item (numUsers is ${users}) but rates others: build the graph with ratingsToGraph`);
    }
  }
  const maxDegree = (offsets: Uint32Array, first: number, count: number): number => {
    let max = 0;
    for (let v = first; v < first + count; v++) max = Math.max(max, offsets[v + 1] - offsets[v]);
    return max;
  };
  const common = { ratings, factors, rank, biases, mean };
  return [
    { first: 0, count: users, block: { ...common, offsets: graph.outOffsets, neighbours: graph.outTargets, edgeIds: null }, maxDegree: maxDegree(graph.outOffsets, 0, users) },
    { first: users, count: n - users, block: { ...common, offsets: graph.inOffsets, neighbours: graph.inSources, edgeIds: graph.inEdgeIds }, maxDegree: maxDegree(graph.inOffsets, users, n - users) },
  ];
}

/** One block of a side for gpu.js: its vertices, and its CSR slice rebased to 0 (padded) and ratings, in 32-bit floats. */
interface GpuBlock {
  first: number;
  count: number;
  offsets: Float32Array;
  neighbours: Float32Array;
  ratings: Float32Array;
}

/** A side cut into blocks of `blockSize` vertices, each as gpu.js reads it. */
function gpuInputs(side: Side, blockSize: number): GpuBlock[] {
  const { offsets, neighbours, edgeIds, ratings } = side.block;
  const blocks: GpuBlock[] = [];
  for (let start = 0; start < side.count; start += blockSize) {
    const count = Math.min(blockSize, side.count - start);
    const first = side.first + start;
    const from = offsets[first];
    const to = offsets[first + count];
    const rebased = new Float64Array(count + 1);
    for (let s = 0; s <= count; s++) rebased[s] = offsets[first + s] - from;
    const ratings32 = new Float32Array(to - from);
    for (let q = from; q < to; q++) ratings32[q - from] = ratings[edgeIds === null ? q : edgeIds[q]];
    blocks.push({ first, count, offsets: padOffsets(rebased, count, blockSize), neighbours: Float32Array.from(neighbours.subarray(from, to)), ratings: ratings32 });
  }
  return blocks;
}

/** Add the weighted-lambda ridge and solve each system of the block into its vertex's factor row. */
function solveBlock(
  graph: Graph,
  offsets: Uint32Array,
  first: number,
  count: number,
  unknowns: number,
  width: number,
  lambda: number,
  matrices: Float64Array,
  rhs: Float64Array,
  factors: Float64Array,
): void {
  const size = unknowns * unknowns;
  for (let s = 0; s < count; s++) {
    const v = first + s;
    const ratingCount = offsets[v + 1] - offsets[v];
    // A vertex without ratings keeps its initial factors, as the vertex program leaves it.
    if (ratingCount === 0) continue;
    const ridge = lambda * ratingCount;
    for (let i = 0; i < unknowns; i++) matrices[s * size + i * unknowns + i] += ridge;
    if (!choleskyFactor(matrices, s * size, unknowns)) throw new Error(`als: the system of vertex ${graph.key(v)} is not positive definite`);
    choleskySolveFactored(matrices, s * size, rhs, s * unknowns, unknowns);
    for (let i = 0; i < unknowns; i++) factors[v * width + i] = rhs[s * unknowns + i];
  }
}
