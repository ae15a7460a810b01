/**
 * Matrix Market coordinate files as graphs: the header
 * `%%MatrixMarket matrix coordinate real|integer|pattern general|symmetric`,
 * `%` comment lines, a size line `rows cols nnz`, then nnz entries `i j [value]`
 * with 1-based indices. Entry (i, j) is the edge i -> j; the graph has
 * max(rows, cols) vertices, vertex v standing for index v + 1 (its file id).
 * `real` and `integer` give weights, `pattern` none; `symmetric` files store
 * one triangle and load as undirected graphs. Entries outside the declared
 * size and an entry count other than nnz are InputErrors.
 */
import { InputError } from '../../errors.js';
import { parseLineBlocks } from '../../io/line-blocks.js';
import type { LineBlockParser } from '../../io/line-blocks.js';
import { isBlankLine, scanRow } from '../../io/rows.js';
import type { RowFormat } from '../../io/rows.js';
import { PERCENT, nextLine, skipBlanks } from '../../io/scan.js';
import { buildGraph } from '../build.js';
import type { BuildOptions } from '../build.js';
import { EdgeList } from '../edge-list.js';
import { Graph } from '../graph.js';
import { sharedFloat64 } from '../shared.js';

export interface LoadMatrixMarketOptions extends Omit<BuildOptions, 'onProgress' | 'sortIds'> {
  /** Called as the file is read with (bytes read, file size); compressed bytes for gzip. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

type Field = 'real' | 'integer' | 'pattern';
const HEADER = '%%MatrixMarket matrix coordinate real|integer|pattern general|symmetric';
const SIZE_FORMAT: RowFormat = {
  separator: 'blank',
  columns: [
    { name: 'row count', kind: 'id' },
    { name: 'column count', kind: 'id' },
    { name: 'entry count', kind: 'id' },
  ],
};

class MatrixMarketParser implements LineBlockParser {
  line = 0;
  field: Field = 'real';
  symmetric = false;
  rows = -1;
  cols = -1;
  nnz = -1;
  sizeLine = 0;
  entries = 0;
  list: EdgeList | null = null;
  private entryFormat: RowFormat | null = null;
  private readonly row = new Float64Array(3);

  constructor(private readonly file: string) {}

  private header(b: Buffer, p: number): void {
    const text = b.toString('latin1', p, nextLine(b, p) - 1).trim();
    const words = text.split(/[ \t]+/);
    const fail = (what: string): never => {
      throw new InputError(this.file, 1, `expected the header "${HEADER}", ${what}: "${text.slice(0, 100)}"`);
    };
    if (words[0] !== '%%MatrixMarket') fail('found');
    if (words.length !== 5) fail(`found ${words.length} words`);
    const [object, format, field, symmetry] = words.slice(1).map((w) => w.toLowerCase());
    if (object !== 'matrix') fail(`found object "${words[1]}"`);
    if (format !== 'coordinate') fail(`found format "${words[2]}" (only sparse coordinate files are graphs)`);
    if (field !== 'real' && field !== 'integer' && field !== 'pattern') fail(`found field "${words[3]}"`);
    if (symmetry !== 'general' && symmetry !== 'symmetric') fail(`found symmetry "${words[4]}"`);
    this.field = field as Field;
    this.symmetric = symmetry === 'symmetric';
  }

  parse(b: Buffer, start: number, end: number): void {
    const values = this.row;
    let p = start;
    while (p < end) {
      const line = ++this.line;
      if (line === 1) {
        this.header(b, p);
        p = nextLine(b, p);
        continue;
      }
      if (isBlankLine(b, p) || b[skipBlanks(b, p)] === PERCENT) {
        p = nextLine(b, p);
        continue;
      }
      if (this.list === null) {
        p = scanRow(b, p, this.file, line, SIZE_FORMAT, values);
        this.sizeSeen(line, values[0], values[1], values[2]);
        continue;
      }
      const list = this.list;
      p = scanRow(b, p, this.file, line, this.entryFormat!, values);
      if (++this.entries > this.nnz) {
        throw new InputError(this.file, line, `expected ${this.nnz} entries as declared on line ${this.sizeLine}, found more`);
      }
      const i = values[0];
      const j = values[1];
      if (i < 1 || i > this.rows || j < 1 || j > this.cols) {
        throw new InputError(this.file, line, `expected an entry within the declared ${this.rows} x ${this.cols} size (1-based), found (${i}, ${j})`);
      }
      const w = this.field === 'pattern' ? 1 : values[2];
      if (this.field === 'integer' && !Number.isInteger(w)) {
        throw new InputError(this.file, line, `expected an integer value (field "integer"), found ${w}`);
      }
      list.add(i - 1, j - 1, w);
    }
  }

  private sizeSeen(line: number, rows: number, cols: number, nnz: number): void {
    if (this.symmetric && rows !== cols) {
      throw new InputError(this.file, line, `expected a square size for a symmetric matrix, found ${rows} x ${cols}`);
    }
    if (Math.max(rows, cols) > 0xfffffffe) throw new InputError(this.file, line, `matrix size ${rows} x ${cols} exceeds 2^32 - 2 vertices`);
    this.rows = rows;
    this.cols = cols;
    this.nnz = nnz;
    this.sizeLine = line;
    const pattern = this.field === 'pattern';
    this.entryFormat = {
      separator: 'blank',
      columns: [
        { name: 'row index', kind: 'id' },
        { name: 'column index', kind: 'id' },
        ...(pattern ? [] : [{ name: 'value', kind: 'number' as const }]),
      ],
    };
    this.list = new EdgeList({ mapIds: false, weighted: !pattern, expectedEdges: Math.min(nnz, 1 << 24) });
    this.list.setNumVertices(Math.max(rows, cols));
  }
}

/** Load a Matrix Market coordinate file as a Graph (symmetric -> undirected). */
export async function loadMatrixMarket(path: string, options: LoadMatrixMarketOptions = {}): Promise<Graph> {
  const parser = new MatrixMarketParser(path);
  await parseLineBlocks(path, parser, { onProgress: options.onProgress });
  if (parser.line === 0) throw new InputError(path, null, `empty file, expected the header "${HEADER}"`);
  if (parser.list === null) {
    throw new InputError(path, parser.line, `expected a size line "rows cols nnz" after the header, found end of file`);
  }
  if (parser.entries !== parser.nnz) {
    throw new InputError(path, parser.line, `expected ${parser.nnz} entries as declared on line ${parser.sizeLine}, found ${parser.entries} at end of file`);
  }
  const g = buildGraph(parser.list, {
    undirected: parser.symmetric || options.undirected,
    selfLoops: options.selfLoops,
    duplicates: options.duplicates,
  });
  const fileIds = sharedFloat64(g.numVertices);
  for (let v = 0; v < g.numVertices; v++) fileIds[v] = v + 1;
  return new Graph({ ...g.toArrays(), fileIds });
}
