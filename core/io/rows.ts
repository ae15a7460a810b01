/**
 * Rows of numeric columns (`1,2,3.5,1289241911.7`, `196\t242\t3\t881250949`,
 * `1::122::5::838985046`) scanned from bytes, for the loaders whose lines are
 * a fixed list of ids and numbers: MovieLens, signed networks, labels, Matrix
 * Market entries. A separator is a run of blanks, or a comma or `::` with
 * optional blanks around it. Every mistake (missing column, bad id, NaN,
 * extra text) is an InputError naming the file, the line and what was found.
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
