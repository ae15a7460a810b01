/**
 * Two-dimensional grid graphs: rows x cols vertices, vertex (r, c) has dense
 * id r * cols + c and is joined to its right and lower neighbours, so each
 * undirected edge appears once (build with `undirected: true`). With
 * `periodic` the grid wraps into a torus; a wrap-around edge is added only
 * along a dimension of length 3 or more, since on a ring of 2 it would repeat
 * the existing edge and on a ring of 1 it would be a self-loop. Edge counts in
 * closed form: see gridEdgeCount.
 */
import { UsageError } from '../../errors.js';
import { EdgeList } from '../edge-list.js';

export interface GridOptions {
  rows: number;
  cols: number;
  /** Wrap around both dimensions (a torus). Default false. */
  periodic?: boolean;
}

/** rows*(cols-1) + cols*(rows-1) edges; with periodic, a dimension of length >= 3 gains one edge per line. */
export function gridEdgeCount(rows: number, cols: number, periodic = false): number {
  const across = periodic && cols >= 3 ? cols : Math.max(0, cols - 1);
  const down = periodic && rows >= 3 ? rows : Math.max(0, rows - 1);
  return rows * across + cols * down;
}

export function grid2d(options: GridOptions): EdgeList {
  const { rows, cols } = options;
  for (const [name, value] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`grid2d: ${name} must be a positive integer, got ${value}`);
  }
  if (rows * cols > 0xffffffff) throw new UsageError(`grid2d: ${rows} x ${cols} vertices exceed 2^32-1`);
  const periodic = options.periodic ?? false;
  const wrapCols = periodic && cols >= 3;
  const wrapRows = periodic && rows >= 3;
  const list = new EdgeList({ mapIds: false, expectedEdges: gridEdgeCount(rows, cols, periodic) });
  list.setNumVertices(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    const below = r + 1 < rows ? row + cols : wrapRows ? 0 : -1;
    for (let c = 0; c < cols; c++) {
      const v = row + c;
      if (c + 1 < cols) list.add(v, v + 1);
      else if (wrapCols) list.add(v, row);
      if (below >= 0) list.add(v, below + c);
    }
  }
  return list;
}
