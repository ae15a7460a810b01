/**
 * Edge counts per part for the load-aware streaming partitioners, with the
 * least and most loaded part kept up to date cheaply: loads only grow by one,
 * so the minimum part moves only when it receives an edge, and then either to
 * the next part at the same load (a forward scan) or, once no part is left at
 * that load, to the first part one edge higher (a full scan, once per level). `capacity` is the hard cap ceil((1 + slack) * m / k) that keeps
 * greedy and HDRF within their balance slack.
 */
export class PartLoads {
  readonly loads: Int32Array;
  readonly capacity: number;
  /** A least loaded part (the lowest index among ties). */
  minPart = 0;
  minLoad = 0;
  maxLoad = 0;

  constructor(k: number, edges: number, slack: number) {
    if (!(slack >= 0)) throw new Error(`PartLoads: balance slack must be >= 0, got ${slack}`);
    // Int32 loads keep the hot comparisons on small integers: greedy went from 4.4M to
    // 5.0-5.5M edges/s at k = 32 on R-MAT 20 (`gasworks bench partitioners --graph rmat:20
    // --parts 32 --algos random,greedy,hdrf --repeat 3`); no part holds more than the whole stream.
    this.loads = new Int32Array(k);
    this.capacity = Math.max(1, Math.ceil(((1 + slack) * edges) / k));
    if (edges > 0x7fffffff) {
      throw new Error(`PartLoads: ${edges} edges exceed the 2^31-1 a part's 32-bit load can count`);
    }
  }

  add(p: number): void {
    const loads = this.loads;
    const load = ++loads[p];
    if (load > this.maxLoad) this.maxLoad = load;
    if (p === this.minPart) {
      // minPart was the lowest index at the minimum: a part after it may still be there.
      const k = loads.length;
      const min = this.minLoad;
      for (let q = p + 1; q < k; q++) {
        if (loads[q] === min) {
          this.minPart = q;
          return;
        }
      }
      // None left at the old minimum: the new one is min + 1, first reached by a full scan.
      let best = 0;
      let bestLoad = loads[0];
      for (let q = 1; q < k; q++) {
        if (loads[q] < bestLoad) {
          bestLoad = loads[q];
          best = q;
        }
      }
      this.minPart = best;
      this.minLoad = bestLoad;
    }
  }
}
