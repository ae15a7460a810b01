/**
 * PowerGraph's greedy vertex-cut, oblivious variant (Gonzalez et al., OSDI
 * 2012), as PowerGraph's code computes it (edge_to_proc_greedy): edge (u, v)
 * goes to the part with the highest [p holds u] + [p holds v] + (maxload -
 * load(p)) / (1 + maxload - minload). That realises the paper's rules (a part
 * holding both ends, else one holding either, else the least loaded) with a
 * soft balance term, and is HDRF with g = 1, which is how the HDRF paper
 * compares the two. Ties go to the lowest part index (PowerGraph draws at
 * random); parts at the balance cap are skipped. The loop is scored-stream.ts.
 */
import { scoredVertexCut } from './scored-stream.js';
import type { EdgeStream, Partition, PartitionOptions, Partitioner } from './types.js';

export function greedyVertexCut(stream: EdgeStream, k: number, options: PartitionOptions = {}): Partition {
  return scoredVertexCut(stream, k, options, { algo: 'greedy', degreeWeighted: false, lambda: 1, epsilon: 1, normalized: true });
}

export const greedy: Partitioner = {
  name: 'greedy',
  kind: 'vertex-cut',
  streaming: true,
  description: "PowerGraph's oblivious greedy: parts holding both ends, then either, with a balance term",
  partition: greedyVertexCut,
};
