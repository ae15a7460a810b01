/**
 * Rows of numeric columns (`1,2,3.5,1289241911.7`, `196\t242\t3\t881250949`,
 * `1::122::5::838985046`) scanned from bytes, for the loaders whose lines are
 * a fixed list of ids and numbers: MovieLens, signed networks, labels, Matrix
 * Market entries. A separator is a run of blanks, or a comma or `::` with
 * optional blanks around it. Every mistake (missing column, bad id, NaN,
 * extra text) is an InputError naming the file, the line and what was found.
 * `RowParser` is the line loop around scanRow (blank lines, a header line,
 * the separator, a constant column count) that those loaders share.
 */
import { InputError } from '../errors.js';
import {
  COLON,
  COMMA,
  MINUS,
  NEWLINE,
  RETURN,
  SPACE,
  TAB,
  TOO_LARGE,
  atLineEnd,
  nextLine,
  scanNumber,
  scanUint,
  scanned,
  skipBlanks,
  tokenAt,
} from './scan.js';

export type Separator = 'blank' | ',' | '::';

/** 'id': a non-negative integer up to 2^53 - 1; 'number': any finite decimal. */
export type ColumnKind = 'id' | 'number';

export interface RowFormat {
  separator: Separator;
  /** Name and kind of each column, in order (names appear in messages). */
  columns: ReadonlyArray<{ name: string; kind: ColumnKind }>;
  /** Columns that must be present; the rest are optional. Default: all. */
  required?: number;
}

/** Columns read by the last scanRow. */
export const row = { count: 0 };

/** The separator of a data line: '::' or ',' when the line holds one, else blanks. */
export function detectSeparator(b: Buffer, p: number): Separator {
  let sawComma = false;
  for (let c = b[p]; c !== NEWLINE; c = b[++p]) {
    if (c === COLON && b[p + 1] === COLON) return '::';
    if (c === COMMA) sawComma = true;
  }
  return sawComma ? ',' : 'blank';
}

function separatorName(separator: Separator): string {
  return separator === 'blank' ? 'a space or tab' : `"${separator}"`;
}

/**
 * Skip a separator at p; returns the position after it, or -1 when the line
 * ends there, or -2 when something else is there.
 */
function skipSeparator(b: Buffer, p: number, separator: Separator): number {
  const c = b[p];
  if (separator === 'blank') {
    if (c !== SPACE && c !== TAB) return atLineEnd(b, p) ? -1 : -2;
    const q = skipBlanks(b, p);
    return atLineEnd(b, q) ? -1 : q;
  }
  const q = skipBlanks(b, p);
  if (atLineEnd(b, q)) return -1;
  if (separator === ',') return b[q] === COMMA ? skipBlanks(b, q + 1) : -2;
  return b[q] === COLON && b[q + 1] === COLON ? skipBlanks(b, q + 2) : -2;
}

/**
 * Scan one row starting at p (blanks before the first column allowed) into
 * `values`; returns the position after the line's end. Throws InputError.
 */
export function scanRow(b: Buffer, p: number, file: string, line: number, format: RowFormat, values: Float64Array): number {
  const columns = format.columns;
  const required = format.required ?? columns.length;
  const sep = format.separator;
  const sepCode = sep === ',' ? COMMA : sep === '::' ? COLON : -1;
  p = skipBlanks(b, p);
  let count = 0;
  for (;;) {
    const column = columns[count];
    let value: number;
    if (column.kind === 'id') {
      value = scanUint(b, p);
      if (value < 0) {
        const found = tokenAt(b, p, sepCode);
        if (value === TOO_LARGE) throw new InputError(file, line, `${column.name} ${found} in column ${count + 1} is above 2^53 - 1`);
        if (b[p] === MINUS) throw new InputError(file, line, `expected a non-negative integer ${column.name} in column ${count + 1}, found negative ${found}`);
        throw new InputError(file, line, `expected a non-negative integer ${column.name} in column ${count + 1}, found ${found}`);
      }
    } else {
      value = scanNumber(b, p);
      if (!Number.isFinite(value)) {
        throw new InputError(file, line, `expected a finite number as ${column.name} in column ${count + 1}, found ${tokenAt(b, p, sepCode)}`);
      }
    }
    values[count++] = value;
    const end = scanned.end;
    const next = skipSeparator(b, end, sep);
    if (next === -1) break;
    if (next === -2) {
      const q = skipBlanks(b, end);
      if (q === end && b[q] !== sepCode) {
        // Text glued to the value ("12x", "5.0" for an id): the value itself is malformed.
        const what = column.kind === 'id' ? `a non-negative integer ${column.name}` : `a finite number as ${column.name}`;
        throw new InputError(file, line, `expected ${what} in column ${count}, found ${tokenAt(b, p, sepCode)}`);
      }
      throw new InputError(file, line, `expected ${separatorName(sep)} or end of line after column ${count}, found ${tokenAt(b, q)}`);
    }
    if (count === columns.length) {
      throw new InputError(file, line, `expected ${columns.length} columns, found extra ${tokenAt(b, next, sepCode)}`);
    }
    p = next;
  }
  if (count < required) {
    throw new InputError(
      file,
      line,
      `expected ${required} columns (${columns.slice(0, required).map((c) => c.name).join(', ')}), found ${count}: missing ${columns[count].name}`,
    );
  }
  row.count = count;
  const q = skipBlanks(b, scanned.end);
  return b[q] === RETURN ? q + 2 : q + 1;
}

/** Is the line at p blank (only spaces or tabs)? */
export function isBlankLine(b: Buffer, p: number): boolean {
  return atLineEnd(b, skipBlanks(b, p));
}

/** True when the line at p starts with a letter: a CSV header such as `userId,movieId,...`. */
function startsWithLetter(b: Buffer, p: number): boolean {
  const c = b[skipBlanks(b, p)] | 0x20;
  return c >= 97 && c <= 122;
}

/**
 * The line loop of a row-per-record file, shared by the loaders of
 * MovieLens ratings, signed networks and labels: count lines, skip blank
 * lines and a header on line 1 (a line that starts with a letter), take the
 * separator from the first data line, scan each row, and insist that every
 * row has as many columns as the first (their names in the message). A
 * subclass says what a row means in `onRow`.
 */
export abstract class RowParser {
  line = 0;
  /** Columns of the first data row (0 until one is read). */
  columns = 0;
  private format: RowFormat | null = null;
  private firstDataLine = 0;
  private readonly rowValues: Float64Array;

  constructor(
    protected readonly file: string,
    private readonly spec: Pick<RowFormat, 'columns' | 'required'>,
  ) {
    this.rowValues = new Float64Array(spec.columns.length);
  }

  /** One data row: `values[0..columns-1]` hold its columns. */
  protected abstract onRow(values: Float64Array, line: number): void;

  parse(b: Buffer, start: number, end: number): void {
    const values = this.rowValues;
    let p = start;
    while (p < end) {
      const line = ++this.line;
      if (isBlankLine(b, p)) {
        p = nextLine(b, p);
        continue;
      }
      if (this.format === null) {
        if (line === 1 && startsWithLetter(b, p)) {
          p = nextLine(b, p); // a header line such as userId,movieId,rating,timestamp
          continue;
        }
        this.format = { ...this.spec, separator: detectSeparator(b, p) };
      }
      p = scanRow(b, p, this.file, line, this.format, values);
      if (this.columns === 0) {
        this.columns = row.count;
        this.firstDataLine = line;
      } else if (row.count !== this.columns) {
        const names = this.spec.columns.slice(0, this.columns).map((c) => c.name).join(', ');
        throw new InputError(this.file, line, `expected ${this.columns} columns as on line ${this.firstDataLine} (${names}), found ${row.count}`);
      }
      this.onRow(values, line);
    }
  }
}
