/**
 * Summary statistics the benchmarks report. `median` takes the upper middle
 * value for an even count, so it is always one of the measured times.
 */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
