/**
 * Edge counts per part for the load-aware streaming partitioners, with the
 * least and most loaded part kept up to date in O(1) amortized time: loads
 * only grow by one, so the minimum moves only when the least loaded part
 * receives an edge, and a rescan of k parts then pays for itself over the next
 * k edges. `capacity` is the hard cap ceil((1 + slack) * m / k) that keeps
 * greedy and HDRF within their balance slack.
 */
export class PartLoads {
  readonly loads: Float64Array;
  readonly capacity: number;
  /** A least loaded part (the lowest index among ties). */
  minPart = 0;
  minLoad = 0;
  maxLoad = 0;

  constructor(k: number, edges: number, slack: number) {
    if (!(slack >= 0)) throw new Error(`PartLoads: balance slack must be >= 0, got ${slack}`);
    this.loads = new Float64Array(k);
    this.capacity = Math.max(1, Math.ceil(((1 + slack) * edges) / k));
  }

  add(p: number): void {
    const loads = this.loads;
    const load = ++loads[p];
    if (load > this.maxLoad) this.maxLoad = load;
    if (p === this.minPart) {
      let best = 0;
      let bestLoad = loads[0];
      for (let q = 1; q < loads.length; q++) {
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
