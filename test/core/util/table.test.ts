/**
 * Compact tables (core/util/table.ts), as every command prints them: one
 * title line, a rule under the header only, numbers right-aligned and text
 * left-aligned, columns two spaces apart; a key/value summary has no rule.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatTable, isNumericCell } from '../../../core/util/table.js';

test('headed table: title, header, one rule, numbers right, text left', () => {
  const out = formatTable({ title: 'top 2 items for user 7', head: ['rank', 'item', 'predicted'], rows: [[1, 'apple', '4.500'], [10, 'kiwi', '12.25']] });
  assert.is(
    out,
    ['top 2 items for user 7', 'rank  item   predicted', '────  ─────  ─────────', '   1  apple      4.500', '  10  kiwi       12.25'].join('\n'),
  );
});

test('key/value summary: no rule at all, numeric values right-aligned among themselves', () => {
  const out = formatTable({ title: 'gasworks run pagerank', rows: [['vertices', '65,536'], ['edges', '1,048,576'], ['engine', 'sync, 2 workers']] });
  assert.is(out, ['gasworks run pagerank', 'vertices  65,536', 'edges     1,048,576', 'engine    sync, 2 workers'].join('\n'));
  assert.not.match(out, /[─│┌]/);
});

test('what counts as a number', () => {
  for (const cell of [3, '1,234', '-0.5', '6.258e-3', '12.5%', '0.021 s', '2.5M']) assert.ok(isNumericCell(cell), String(cell));
  for (const cell of ['sync', '1,23', 'v1', '1 of 2', '']) assert.not.ok(isNumericCell(cell), cell);
});

test.run();
