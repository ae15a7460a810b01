import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grid2d, gridEdgeCount } from '../../../../core/graph/generators/grid.js';
import { buildGraph } from '../../../../core/graph/build.js';
import { UsageError } from '../../../../core/errors.js';

/** Unordered neighbour pairs by brute force: each cell's 4 neighbours, wrapping where the grid wraps. */
function referencePairs(rows: number, cols: number, periodic: boolean): Set<string> {
  const out = new Set<string>();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      for (const [dr, dc] of [[0, 1], [1, 0], [0, -1], [-1, 0]]) {
        let rr = r + dr;
        let cc = c + dc;
        if (periodic) {
          rr = (rr + rows) % rows;
          cc = (cc + cols) % cols;
        }
        if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) continue;
        const a = r * cols + c;
        const b = rr * cols + cc;
        if (a !== b) out.add(`${Math.min(a, b)},${Math.max(a, b)}`);
      }
    }
  }
  return out;
}

test('edges match a brute-force neighbour enumeration, each once, and the closed-form count', () => {
  for (const [rows, cols] of [[1, 1], [1, 5], [2, 2], [2, 3], [3, 3], [3, 4], [5, 7], [8, 1]]) {
    for (const periodic of [false, true]) {
      const list = grid2d({ rows, cols, periodic });
      const got = new Set<string>();
      for (let e = 0; e < list.length; e++) {
        const a = list.src[e];
        const b = list.dst[e];
        const key = `${Math.min(a, b)},${Math.max(a, b)}`;
        assert.not.ok(got.has(key), `${rows}x${cols} periodic=${periodic}: edge ${key} twice`);
        got.add(key);
      }
      assert.equal([...got].sort(), [...referencePairs(rows, cols, periodic)].sort(), `${rows}x${cols} periodic=${periodic}`);
      assert.is(list.length, gridEdgeCount(rows, cols, periodic));
      assert.is(list.numVertices, rows * cols);
      if (!periodic) assert.is(list.length, rows * (cols - 1) + cols * (rows - 1));
    }
  }
});

test('degrees: 2 at corners, 3 on borders, 4 inside; 4 everywhere on a torus', () => {
  const rows = 6;
  const cols = 9;
  const g = buildGraph(grid2d({ rows, cols }), { undirected: true });
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const borders = (r === 0 || r === rows - 1 ? 1 : 0) + (c === 0 || c === cols - 1 ? 1 : 0);
      assert.is(g.outDegree(r * cols + c), 4 - borders);
    }
  }
  const torus = buildGraph(grid2d({ rows, cols, periodic: true }), { undirected: true });
  assert.is(torus.numEdges, 4 * rows * cols);
  for (let v = 0; v < rows * cols; v++) assert.is(torus.outDegree(v), 4);
});

test('bad sizes are UsageErrors', () => {
  assert.throws(() => grid2d({ rows: 0, cols: 3 }), (e: unknown) => e instanceof UsageError);
  assert.throws(() => grid2d({ rows: 2, cols: 1.5 }), (e: unknown) => e instanceof UsageError);
});

test.run();
