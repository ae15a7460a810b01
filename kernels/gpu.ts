/**
 * gpu.js versions of the recommender's dense kernels: ALS's normal equations
 * for a block of vertices (kernels/normal-equations.ts on the CPU) and the
 * predicted ratings of a block of users for every item (kernels/scores.ts).
 * One gpu.js thread computes one output cell: one entry of one vertex's
 * system, or one (user, item) score. gpu.js runs in its `async` mode, which
 * picks the best backend it can prove (headless GL, then WebAssembly with
 * SIMD and worker threads, then plain JavaScript) and moves a kernel to
 * WebGPU on its first call when `navigator.gpu` answers (offerWebGpu);
 * `backend` says which ran.
 * GPUs compute in 32-bit floats: results agree with the CPU kernels to about
 * 1e-6 relative, not bit for bit, and indices pass through 32-bit floats,
 * exact below 2^24: the callers check the largest (factor rows times their
 * width, rating slots). gpu.js is loaded
 * on first use, so that commands which never ask for it do not pay its start.
 */
import { createRequire } from 'node:module';
import { UsageError } from '../core/errors.js';
import { unknownsOf } from './normal-equations.js';

/** The gpu.js calls used here (its own types describe far more). */
interface GpuKernel {
  (...args: unknown[]): Promise<Float32Array[]>;
  kernel?: { constructor: { name: string } };
  destroy?: (removeCanvasReferences?: boolean) => void;
}
interface GpuInstance {
  createKernel(fn: (...args: never[]) => number, settings: Record<string, unknown>): GpuKernel;
  destroy(): Promise<void>;
}
type GpuConstructor = new (settings: { mode: string }) => GpuInstance;

/** Largest integer a 32-bit float holds exactly: vertex and edge indices must stay below it. */
export const FLOAT32_EXACT = 2 ** 24;

let webGpuOffered = false;

/**
 * Give gpu.js a WebGPU adapter where this machine has one. gpu.js moves a
 * kernel to WebGPU when `navigator.gpu` answers, and Node has no
 * `navigator.gpu`: the optional `webgpu` package (Dawn) provides one. Where it
 * cannot load (its binary needs a recent libstdc++, not on every Linux) or
 * finds no adapter, nothing changes and gpu.js keeps headless GL, WebAssembly
 * or JavaScript. Returns whether WebGPU was offered.
 */
export async function offerWebGpu(): Promise<boolean> {
  if (webGpuOffered) return true;
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (scope.navigator?.gpu !== undefined) return true;
  try {
    const dawn = (await import('webgpu')) as { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
    const gpu = dawn.create([]);
    Object.assign(globalThis, dawn.globals);
    if (scope.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
    webGpuOffered = true;
    return true;
  } catch {
    return false;
  }
}

let loaded: GpuConstructor | null = null;
function gpuConstructor(): GpuConstructor {
  if (loaded === null) {
    const require = createRequire(import.meta.url);
    try {
      loaded = (require('gpu.js') as { GPU: GpuConstructor }).GPU;
    } catch (error) {
      throw new UsageError(`gpu kernels: gpu.js could not be loaded (${(error as Error).message.split('\n')[0]}); reinstall with npm install`);
    }
  }
  return loaded;
}

/** Which backend a kernel ran on, e.g. 'WebAssemblyKernel', 'HeadlessGLKernel', 'WebGPUKernel'. */
function backendOf(kernel: GpuKernel): string {
  return kernel.kernel?.constructor.name ?? 'unknown';
}

// The kernel bodies below are parsed by gpu.js and translated (to GLSL, WGSL, WebAssembly or
// JavaScript), so they keep to its subset: numbers only, `this.thread` and `this.constants`,
// loops bounded by loopMaxIterations, no closures.

function normalEquationsCell(
  this: { thread: { x: number; y: number }; constants: { unknowns: number; rank: number; width: number } },
  offsets: Float32Array,
  neighbours: Float32Array,
  ratings: Float32Array,
  factors: Float32Array,
  mean: number,
): number {
  const unknowns = this.constants.unknowns;
  const rank = this.constants.rank;
  const width = this.constants.width;
  const cell = this.thread.x;
  const start = offsets[this.thread.y];
  const end = offsets[this.thread.y + 1];
  // Cells 0 .. unknowns^2 - 1 are the matrix, row-major; the rest the right-hand side.
  const matrixCell = cell < unknowns * unknowns ? 1 : 0;
  // + 0.5: a GPU's division may land just under an exact quotient (22 / 11 as 1.9999999).
  const row = Math.floor((cell + 0.5) / unknowns);
  const i = matrixCell === 1 ? row : cell - unknowns * unknowns;
  const j = matrixCell === 1 ? cell - row * unknowns : 0;
  let sum = 0;
  // An integer counter from 0: WGSL increments integers only, and GLSL loops need a constant bound.
  const count = end - start;
  for (let k = 0; k < count; k++) {
    const q = start + k;
    const base = neighbours[q] * width;
    let zi = 1;
    if (i < rank) zi = factors[base + i];
    if (matrixCell === 1) {
      let zj = 1;
      if (j < rank) zj = factors[base + j];
      sum += zi * zj;
    } else {
      sum += (ratings[q] - mean - factors[base + rank]) * zi;
    }
  }
  return sum;
}

function scoreCell(
  this: { thread: { x: number; y: number }; constants: { rank: number; width: number } },
  users: Float32Array,
  items: Float32Array,
  mean: number,
): number {
  const rank = this.constants.rank;
  const width = this.constants.width;
  const u = this.thread.y * width;
  const i = this.thread.x * width;
  let score = mean + users[u + rank] + items[i + rank];
  for (let k = 0; k < rank; k++) score += users[u + k] * items[i + k];
  return score;
}

/** gpu.js mode: 'async' (the best backend it finds), or 'cpu' (its JavaScript backend, for tests). */
export type GpuMode = 'async' | 'cpu';

export interface GpuKernelsOptions {
  /** Default 'async'. */
  mode?: GpuMode;
}

/**
 * Normal equations on gpu.js for blocks of up to `blockSize` vertices whose
 * neighbours have at most `maxDegree` ratings each (the loop bound GPUs need).
 */
export class GpuNormalEquations {
  readonly rank: number;
  readonly unknowns: number;
  readonly blockSize: number;
  private readonly gpu: GpuInstance;
  private readonly kernel: GpuKernel;

  constructor(rank: number, biases: boolean, blockSize: number, maxDegree: number, options: GpuKernelsOptions = {}) {
    const GPU = gpuConstructor();
    this.rank = rank;
    this.unknowns = unknownsOf(rank, biases);
    this.blockSize = blockSize;
    this.gpu = new GPU({ mode: options.mode ?? 'async' });
    this.kernel = this.gpu.createKernel(normalEquationsCell, {
      output: [this.unknowns * this.unknowns + this.unknowns, blockSize],
      constants: { unknowns: this.unknowns, rank, width: rank + 1 },
      loopMaxIterations: Math.max(1, maxDegree),
      // Each block brings its own number of ratings.
      dynamicArguments: true,
      precision: 'single',
      tactic: 'precision',
      asyncMode: true,
    });
  }

  /** The backend the last call ran on. */
  get backend(): string {
    return backendOf(this.kernel);
  }

  /**
   * Systems of `count` (<= blockSize) vertices: `offsets` (count + 1 entries
   * from 0, or blockSize + 1 already padded with offsets[count], see
   * padOffsets) into the block's `neighbours` and `ratings`; the other side's
   * rows in `factors`. Writes matrices (both triangles) and right-hand sides
   * in kernels/normal-equations.ts's layout.
   */
  async compute(
    offsets: Float32Array,
    neighbours: Float32Array,
    ratings: Float32Array,
    factors: Float32Array,
    mean: number,
    count: number,
    matrices: Float64Array,
    rhs: Float64Array,
  ): Promise<void> {
    if (count > this.blockSize) throw new Error(`GpuNormalEquations: ${count} systems exceed the block size ${this.blockSize}`);
    const padded = offsets.length === this.blockSize + 1 ? offsets : padOffsets(offsets, count, this.blockSize);
    // gpu.js refuses empty arrays.
    const rows = await this.kernel(padded, nonEmpty(neighbours), nonEmpty(ratings), factors, mean);
    const unknowns = this.unknowns;
    const size = unknowns * unknowns;
    for (let s = 0; s < count; s++) {
      const row = rows[s];
      for (let c = 0; c < size; c++) matrices[s * size + c] = row[c];
      for (let c = 0; c < unknowns; c++) rhs[s * unknowns + c] = row[size + c];
    }
  }

  async destroy(): Promise<void> {
    await this.gpu.destroy();
  }
}

/** Predicted ratings of blocks of up to `blockSize` users for all `numItems` items, on gpu.js. */
export class GpuScores {
  readonly blockSize: number;
  readonly numItems: number;
  private readonly gpu: GpuInstance;
  private readonly kernel: GpuKernel;

  constructor(rank: number, numItems: number, blockSize: number, options: GpuKernelsOptions = {}) {
    const GPU = gpuConstructor();
    this.blockSize = blockSize;
    this.numItems = numItems;
    this.gpu = new GPU({ mode: options.mode ?? 'async' });
    this.kernel = this.gpu.createKernel(scoreCell, {
      output: [numItems, blockSize],
      constants: { rank, width: rank + 1 },
      loopMaxIterations: Math.max(1, rank),
      precision: 'single',
      tactic: 'precision',
      asyncMode: true,
    });
  }

  get backend(): string {
    return backendOf(this.kernel);
  }

  /** `users` holds blockSize rows (rank + 1 floats each; rows past the real users are ignored); one score row per user out. */
  async compute(users: Float32Array, items: Float32Array, mean: number): Promise<Float32Array[]> {
    return this.kernel(users, items, mean);
  }

  async destroy(): Promise<void> {
    await this.gpu.destroy();
  }
}

/** Rows past `count` read empty neighbour ranges: offsets padded to a kernel's fixed block of `blockSize` rows. */
export function padOffsets(offsets: ArrayLike<number>, count: number, blockSize: number): Float32Array {
  const padded = new Float32Array(blockSize + 1);
  for (let s = 0; s <= count; s++) padded[s] = offsets[s];
  padded.fill(offsets[count], count + 1);
  return padded;
}

function nonEmpty(x: Float32Array): Float32Array {
  return x.length > 0 ? x : new Float32Array(1);
}
