/**
 * A text edge list's byte range as an edge stream, for `--load distributed`:
 * reader r of k reads the lines whose first byte lies in the r-th of k equal
 * byte ranges of the file (it starts after the first newline at or past its
 * start, and reads on past its end to finish its last line), so the readers'
 * edges, one after another, are the file's in its order, and no line is read
 * twice or lost. Lines are parsed as the SNAP loader parses them (`source
 * target [weight]`, blanks, `#`/`%` comments, LF or CRLF; the same number
 * scanners), with `--ids identity` semantics: ids are the vertex ids, and the
 * vertex count is the largest id + 1, which a first pass over every range
 * finds (`scanTextRange`). Plain files only: gzip cannot be read from the middle.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';
import { HASH, NEWLINE, NO_DIGITS, PERCENT, RETURN, SPACE, TAB, lineTextAt, nextLine, scanNumber, scanUint, scanned, skipBlanks, tokenAt } from '../io/scan.js';
import { IDENTITY_MAX_ID, badIdMessage } from '../graph/loaders/snap.js';
import type { EdgeReader, EdgeSource } from './ingress.js';

const BLOCK_BYTES = 1 << 20;
const EMPTY = Buffer.alloc(0);
const TERMINATOR = Buffer.from([NEWLINE]);

/** The byte range [from, to) of reader r of k over `bytes`. */
function byteRange(bytes: number, reader: number, readers: number): { from: number; to: number } {
  return { from: Math.floor((reader * bytes) / readers), to: Math.floor(((reader + 1) * bytes) / readers) };
}

/** Blocks of whole lines (each ending with '\n') of the lines that start in [from, to), read from an open file. */
class RangeBlocks {
  buffer: Buffer = EMPTY;
  /** The file offset of buffer[0], and where its whole lines end. */
  at = 0;
  end = 0;
  private pos: number;
  private carry: Buffer = EMPTY;
  private carryAt: number;
  /** Before the first newline at or past from - 1: the line there is the previous reader's. */
  private skipping: boolean;
  private eof = false;

  constructor(
    private readonly fd: number,
    from: number,
    readonly to: number,
  ) {
    this.pos = from > 0 ? from - 1 : 0;
    this.carryAt = this.pos;
    this.skipping = from > 0;
  }

  /** The next block; false once no line starts before `to`. */
  next(): boolean {
    for (;;) {
      if (!this.skipping && this.carryAt >= this.to) return false;
      if (this.eof) {
        if (this.skipping || this.carry.length === 0) return false;
        // A last line without its '\n'.
        this.buffer = Buffer.concat([this.carry, TERMINATOR]);
        this.at = this.carryAt;
        this.end = this.buffer.length;
        this.carryAt += this.carry.length;
        this.carry = EMPTY;
        return true;
      }
      const chunk = Buffer.allocUnsafe(BLOCK_BYTES);
      const n = readSync(this.fd, chunk, 0, BLOCK_BYTES, this.pos);
      this.pos += n;
      if (n === 0) {
        this.eof = true;
        continue;
      }
      let b = this.carry.length > 0 ? Buffer.concat([this.carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let bAt = this.carryAt;
      if (this.skipping) {
        const newline = b.indexOf(NEWLINE);
        if (newline < 0) {
          this.carry = EMPTY;
          this.carryAt = bAt + b.length;
          continue;
        }
        b = b.subarray(newline + 1);
        bAt += newline + 1;
        this.skipping = false;
      }
      const last = b.lastIndexOf(NEWLINE);
      if (last < 0) {
        this.carry = b;
        this.carryAt = bAt;
        continue;
      }
      this.buffer = b;
      this.at = bAt;
      this.end = last + 1;
      this.carry = b.subarray(last + 1);
      this.carryAt = bAt + last + 1;
      return true;
    }
  }
}

/** What one parsed data line held; `columns` 0 for a line with no edge (blank, comment). */
interface Line {
  s: number;
  t: number;
  w: number;
  columns: number;
}

/**
 * Parse the line at b[p] (b holds whole lines), as the SNAP loader would with `weighted` (true,
 * false, or 'auto': a third column read as the weight when there is one); returns where the next
 * line starts. Errors name the file and the line's byte offset (a reader does not know line numbers).
 */
function parseLine(path: string, b: Buffer, p: number, at: number, weighted: boolean | 'auto', out: Line): number {
  const lineStart = p;
  const fail = (message: string): never => {
    throw new InputError(path, null, `the line at byte ${at + lineStart}: ${message}`);
  };
  out.columns = 0;
  p = skipBlanks(b, p);
  let c = b[p];
  if (c === NEWLINE) return p + 1;
  if (c === RETURN && b[p + 1] === NEWLINE) return p + 2;
  if (c === HASH || c === PERCENT) return nextLine(b, p);
  const s = scanUint(b, p);
  if (s < 0) fail(badIdMessage(b, p, s, 1));
  let q = scanned.end;
  c = b[q];
  if (c !== SPACE && c !== TAB) {
    if (c === NEWLINE || c === RETURN) fail(`expected 2 columns (source target), found 1: "${lineTextAt(b, lineStart)}"`);
    fail(badIdMessage(b, p, NO_DIGITS, 1));
  }
  p = skipBlanks(b, q);
  const t = scanUint(b, p);
  if (t < 0) fail(badIdMessage(b, p, t, 2));
  q = scanned.end;
  c = b[q];
  if (c === SPACE || c === TAB) {
    q = skipBlanks(b, q);
    c = b[q];
  } else if (c !== NEWLINE && c !== RETURN) fail(badIdMessage(b, p, NO_DIGITS, 2));
  const hasThird = !(c === NEWLINE || (c === RETURN && b[q + 1] === NEWLINE));
  const withWeight = weighted === 'auto' ? hasThird : weighted;
  let w = 1;
  if (withWeight) {
    if (!hasThird) fail('expected a weight in column 3, found end of line (missing column)');
    w = scanNumber(b, q);
    const after = b[scanned.end];
    if (!Number.isFinite(w) || (after !== SPACE && after !== TAB && after !== NEWLINE && after !== RETURN)) fail(`expected a finite number as the weight in column 3, found ${tokenAt(b, q)}`);
    q = skipBlanks(b, scanned.end);
    c = b[q];
  }
  if (c !== NEWLINE && !(c === RETURN && b[q + 1] === NEWLINE)) {
    fail(`expected end of line after ${withWeight ? 3 : 2} columns, found extra ${tokenAt(b, q)}${withWeight ? '' : ' (the file\'s first edge has 2 columns, so every edge must)'}`);
  }
  const hi = s > t ? s : t;
  if (hi > IDENTITY_MAX_ID) fail(`--load distributed keeps ids as vertex ids (--ids identity), so they must be at most ${IDENTITY_MAX_ID}; found ${hi}`);
  out.s = s;
  out.t = t;
  out.w = w;
  out.columns = withWeight ? 3 : 2;
  return c === NEWLINE ? q + 1 : q + 2;
}

/** Each line of reader r's range, parsed; `visit` gets each data line. */
function eachLine(path: string, reader: number, readers: number, weighted: boolean | 'auto', visit: (line: Line) => void): number {
  const fd = openSync(path, 'r');
  try {
    const bytes = fstatSync(fd).size;
    const { from, to } = byteRange(bytes, reader, readers);
    const blocks = new RangeBlocks(fd, from, to);
    const line: Line = { s: 0, t: 0, w: 1, columns: 0 };
    let mode = weighted;
    while (blocks.next()) {
      const b = blocks.buffer;
      for (let p = 0; p < blocks.end && blocks.at + p < to; ) {
        p = parseLine(path, b, p, blocks.at, mode, line);
        if (line.columns === 0) continue;
        // The first edge decides 'auto' for the rest, as the loader's first data line does.
        if (mode === 'auto') mode = line.columns === 3;
        visit(line);
      }
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** What a first pass over a reader's range finds: its largest id (-1: no edge), its edges, its first edge's columns (0: none), the file's size. */
export interface TextRangeScan {
  maxId: number;
  edges: number;
  firstColumns: number;
  fileBytes: number;
}

/** A first pass over reader r's range (its first edge decides whether a third column is a weight). */
export function scanTextRange(path: string, reader: number, readers: number): TextRangeScan {
  let maxId = -1;
  let edges = 0;
  let firstColumns = 0;
  const fileBytes = eachLine(path, reader, readers, 'auto', (line) => {
    if (firstColumns === 0) firstColumns = line.columns;
    if (line.s > maxId) maxId = line.s;
    if (line.t > maxId) maxId = line.t;
    edges++;
  });
  return { maxId, edges, firstColumns, fileBytes };
}

/**
 * Reader r's range of the text edge list at `path` as an edge stream over `numVertices` vertices
 * (the file's largest id + 1, from the first pass), weighted or not as the file's first edge is.
 */
export function textRangeSource(path: string, reader: number, readers: number, numVertices: number, weighted: boolean): EdgeSource {
  return {
    kind: 'gasworks.edge-source',
    name: path,
    numVertices,
    numEdges: 0,
    weighted,
    fileIds: null,
    open(): EdgeReader {
      const fd = openSync(path, 'r');
      const { from, to } = byteRange(fstatSync(fd).size, reader, readers);
      const blocks = new RangeBlocks(fd, from, to);
      const line: Line = { s: 0, t: 0, w: 1, columns: 0 };
      let p = 0;
      let done = false;
      const finish = (): void => {
        if (!done) closeSync(fd);
        done = true;
      };
      return {
        next(src, dst, weight, at, count) {
          let k = 0;
          try {
            while (k < count && !done) {
              if (p >= blocks.end) {
                if (!blocks.next()) {
                  finish();
                  break;
                }
                p = 0;
              }
              if (blocks.at + p >= to) {
                finish();
                break;
              }
              p = parseLine(path, blocks.buffer, p, blocks.at, weighted, line);
              if (line.columns === 0) continue;
              if (line.s >= numVertices || line.t >= numVertices) throw new InputError(path, null, `edge ${line.s} -> ${line.t} names an id above ${numVertices - 1}, the largest the first pass found: did the file change?`);
              src[at + k] = line.s;
              dst[at + k] = line.t;
              if (weight !== null) weight[at + k] = line.w;
              k++;
            }
          } catch (error) {
            finish();
            throw error;
          }
          return k;
        },
      };
    },
  };
}
