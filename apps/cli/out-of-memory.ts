/**
 * Saying "out of memory" the way a user can act on it: when an allocation
 * fails (V8's RangeError "Array buffer allocation failed" or an invalid
 * length), a command names what it was building, how big it was (vertices,
 * edges, bytes) and what to do instead, in one line.
 */
import { UsageError } from '../../core/errors.js';
import { formatBytes, formatNumber } from './output.js';

/** A failed allocation, as V8 reports it. */
export function isAllocationFailure(error: unknown): boolean {
  return (
    error instanceof RangeError &&
    /allocation failed|Invalid typed array length|Invalid array buffer length|Invalid array length|Array buffer allocation/i.test(error.message)
  );
}

/** Bytes of a graph held in memory: CSR both ways (12 bytes an edge) and offsets (8 a vertex). */
export function graphBytes(vertices: number, edges: number): number {
  return 12 * edges + 8 * vertices;
}

export interface OutOfMemoryDetails {
  /** What was being built: "graph rmat:24", "program pagerank's columns". */
  what: string;
  vertices?: number;
  edges?: number;
  /** About how many bytes it needed. */
  bytes?: number;
  /** What to try instead (default: a smaller graph, the binary format, a cluster). */
  advice?: string;
}

/** The one-line UsageError for `who` (the command) that ran out of memory. */
export function outOfMemory(who: string, details: OutOfMemoryDetails): UsageError {
  const size = [
    details.vertices !== undefined ? `${formatNumber(details.vertices)} vertices` : '',
    details.edges !== undefined ? `${formatNumber(details.edges)} edges` : '',
    details.bytes !== undefined ? `about ${formatBytes(details.bytes)}` : '',
  ].filter((s) => s !== '');
  const advice =
    details.advice ??
    'try a smaller graph, load a gasworks binary graph (gasworks generate ... --out g.gwg; it is read without a build step), run across machines with --cluster, or give node more memory (NODE_OPTIONS=--max-old-space-size=...)';
  return new UsageError(`${who}: out of memory for the ${details.what}${size.length ? ` (${size.join(', ')})` : ''}; ${advice}`);
}
