/**
 * The registry of bundled vertex programs: name -> program, for the command
 * line (`gasworks run NAME`) and for anyone who wants to list them. Each
 * program lives in its own module (with its algorithm, parameters and output
 * column in the header) and is re-exported here under its `name`.
 */
import { UsageError } from '../core/errors.js';
import type { VertexProgram } from '../core/program.js';
import afforest from './afforest.js';
import beliefPropagation from './belief-propagation.js';
import bfs from './bfs.js';
import coloring from './coloring.js';
import connectedComponents from './connected-components.js';
import kcore from './kcore.js';
import labelPropagation from './label-propagation.js';
import pagerank from './pagerank.js';
import pagerankDelta from './pagerank-delta.js';
import personalizedPagerank from './personalized-pagerank.js';
import sssp from './sssp.js';
import triangleCount from './triangle-count.js';
import trianglesOrdered from './triangles-ordered.js';

export {
  afforest,
  beliefPropagation,
  bfs,
  coloring,
  connectedComponents,
  kcore,
  labelPropagation,
  pagerank,
  pagerankDelta,
  personalizedPagerank,
  sssp,
  triangleCount,
  trianglesOrdered,
};
export { normalizeRanks } from './pagerank.js';
export { totalTriangles } from './triangle-count.js';

/** Every bundled program by its name. */
export const programs: Readonly<Record<string, VertexProgram>> = Object.freeze(
  Object.fromEntries(
    [
      pagerank,
      pagerankDelta,
      personalizedPagerank,
      connectedComponents,
      afforest,
      sssp,
      bfs,
      labelPropagation,
      triangleCount,
      trianglesOrdered,
      kcore,
      coloring,
      beliefPropagation,
    ].map((p) => [p.name, p as unknown as VertexProgram]),
  ),
);

/** The program called `name`, or a UsageError listing the names there are. */
export function getProgram(name: string): VertexProgram {
  const program = Object.hasOwn(programs, name) ? programs[name] : undefined;
  if (!program) throw new UsageError(`unknown vertex program "${name}"; available: ${Object.keys(programs).join(', ')}`);
  return program;
}
