/**
 * Every graph generator of gasworks, in one import. Each is deterministic for
 * a seed and returns an EdgeList on dense ids (mapIds: false), except
 * plantedLowRank, which returns ratings and the factors that produced them.
 */
export { rmatEdges, RmatGenerator, type RmatOptions } from './rmat.js';
export {
  erdosRenyiGnp,
  erdosRenyiGnm,
  candidatePairs,
  type GnpOptions,
  type GnmOptions,
  type ErdosRenyiBase,
} from './erdos-renyi.js';
export { grid2d, gridEdgeCount, type GridOptions } from './grid.js';
export { plantedLowRank, type PlantedLowRankOptions, type PlantedRatings } from './low-rank.js';
export { sfc32Seed, sfc32U32, sfc32Double, sfc32Int, sfc32Shuffle } from '../../util/sfc32.js';
