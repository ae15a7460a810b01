/**
 * RowParser, the line loop the row-per-record loaders share: blank lines,
 * a header on line 1, the separator taken from the first data line, optional
 * trailing columns, and errors that name the file, the line and the columns.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../../../core/errors.js';
import { RowParser } from '../../../core/io/rows.js';

const COLUMNS = [
  { name: 'source id', kind: 'id' },
  { name: 'target id', kind: 'id' },
  { name: 'weight', kind: 'number' },
] as const;

class Collect extends RowParser {
  rows: Array<{ line: number; values: number[] }> = [];
  constructor() {
    super('edges.txt', { columns: COLUMNS, required: 2 });
  }
  protected onRow(values: Float64Array, line: number): void {
    this.rows.push({ line, values: Array.from(values.subarray(0, this.columns)) });
  }
}

function parse(text: string): Collect {
  const parser = new Collect();
  const b = Buffer.from(text);
  parser.parse(b, 0, b.length);
  return parser;
}

test('RowParser: header, blank lines and each separator', () => {
  for (const [text, sep] of [
    ['from,to,w\n1,2,0.5\n\n3,4,1.5\n', 'comma'],
    ['1\t2\t0.5\n  \n3 4 1.5\n', 'blanks'],
    ['1::2::0.5\n3 :: 4 :: 1.5\n', '::'],
  ] as const) {
    const parser = parse(text);
    assert.equal(
      parser.rows.map((r) => r.values),
      [[1, 2, 0.5], [3, 4, 1.5]],
      sep,
    );
    assert.is(parser.columns, 3);
    assert.is(parser.rows[1].line, text.split('\n').findIndex((l) => l.startsWith('3')) + 1, `${sep}: line numbers count header and blank lines`);
  }
});

test('RowParser: optional columns are allowed, but every row must have as many as the first', () => {
  assert.equal(parse('1 2\n3 4\n').rows.map((r) => r.values), [[1, 2], [3, 4]]);
  try {
    parse('1 2 0.5\n\n3 4\n');
    assert.unreachable('a short row should throw');
  } catch (error) {
    assert.instance(error, InputError);
    assert.is((error as InputError).file, 'edges.txt');
    assert.is((error as InputError).line, 3);
    assert.match((error as Error).message, 'edges.txt:3: expected 3 columns as on line 1 (source id, target id, weight), found 2');
  }
});

test('RowParser: a letter-led line is a header only on line 1', () => {
  assert.throws(() => parse('1 2\nsource target\n'), (e: unknown) => e instanceof InputError && e.line === 2);
});

test.run();
