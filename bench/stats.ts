/**
 * Summary statistics the benchmarks report, and how they time a run.
 * `median` takes the upper middle value for an even count, so it is always
 * one of the measured times.
 */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** The median of `runs` results of `fn` (each a time it measured itself) after one warm-up call, collecting garbage before each (under --expose-gc). */
export async function timeRuns(runs: number, fn: () => Promise<number> | number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  await fn();
  const xs: number[] = [];
  for (let r = 0; r < runs; r++) {
    gc?.();
    xs.push(await fn());
  }
  return median(xs);
}
