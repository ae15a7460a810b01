/**
 * SNAP-style edge lists: one edge per line, `source target [weight]`, fields
 * separated by any run of spaces or tabs, `#` or `%` comment lines, blank
 * lines skipped, LF or CRLF, gzip read transparently. Vertex ids are the
 * file's own non-negative integers (up to 2^53 - 1), mapped to dense ids, or
 * with `ids: 'identity'` taken as the dense ids themselves (isolated ids kept).
 * `parseEdgeList` stops at the EdgeList (so the parse can be timed alone);
 * `loadEdgeList` also builds the Graph. The tokenizer is one loop over the
 * bytes of each block of lines; a bad line is an InputError naming the file,
 * the line and what was expected.
 */
import { InputError, UsageError } from '../../errors.js';
import { parseLineBlocks } from '../../io/line-blocks.js';
import type { LineBlockParser } from '../../io/line-blocks.js';
import {
  HASH,
  MINUS,
  NEWLINE,
  NO_DIGITS,
  PERCENT,
  RETURN,
  SPACE,
  TAB,
  TOO_LARGE,
  lineTextAt,
  nextLine,
  scanNumber,
  scanUint,
  scanned,
  skipBlanks,
  tokenAt,
} from '../../io/scan.js';
import { buildGraph } from '../build.js';
import type { BuildOptions } from '../build.js';
import { EdgeList } from '../edge-list.js';
import { EdgeSink, rankRawIds } from './edge-sink.js';
import type { Graph } from '../graph.js';

export interface EdgeListFileOptions {
  /**
   * Read a third column as the edge weight: true, false, or 'auto' to decide
   * from the first data line (weighted when it has a third column). Default 'auto'.
   */
  weighted?: boolean | 'auto';
  /** Called as the file is read with (bytes read, file size); compressed bytes for gzip. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * 'dense' (default): the ids that appear in an edge are numbered 0..n-1 in increasing order.
   * 'identity': each id is its own dense id and the graph has max id + 1 vertices, so ids in no
   * edge stay as isolated vertices and answers line up with tools that read 0..n-1 lists (GAPBS,
   * networkx). Ids must then be below IDENTITY_MAX_ID + 1.
   */
  ids?: IdMode;
}

export type IdMode = 'dense' | 'identity';
/** The largest id `ids: 'identity'` takes (2^27 - 1: the vertex arrays stay a few hundred MB). */
export const IDENTITY_MAX_ID = 2 ** 27 - 1;

export type LoadEdgeListOptions = Omit<BuildOptions, 'onProgress'> & EdgeListFileOptions;

/** Describe what was found where an id should be, for an error message. */
export function badIdMessage(b: Buffer, p: number, value: number, column: number, separator = -1): string {
  if (value === TOO_LARGE) {
    return `vertex id ${tokenAt(b, p, separator)} in column ${column} is above 2^53 - 1 (ids must be exact in a double)`;
  }
  if (value === NO_DIGITS && b[p] === MINUS) {
    return `expected a non-negative integer vertex id in column ${column}, found negative ${tokenAt(b, p, separator)}`;
  }
  if (value === NO_DIGITS && (b[p] === NEWLINE || b[p] === RETURN)) {
    return `expected a vertex id in column ${column}, found end of line (missing column)`;
  }
  return `expected a non-negative integer vertex id in column ${column}, found ${tokenAt(b, p, separator)}`;
}

const EMPTY_TABLE = new Int32Array(0);
const EMPTY_IDS = new Uint32Array(0);
/** Ids up to this are stored raw while parsing and ranked afterwards (see rankRawIds). */
const RAW_MAX_ID = 2 ** 27 - 1;

class SnapParser implements LineBlockParser {
  line = 0;
  sink: EdgeSink | null = null;
  /** True while every id so far is at most RAW_MAX_ID: ids are stored as read. */
  raw = true;
  maxId = 0;

  constructor(
    private readonly file: string,
    private readonly mode: boolean | 'auto',
    private readonly identity = false,
  ) {}

  private fail(line: number, message: string): never {
    throw new InputError(this.file, line, message);
  }

  private start(hasThird: boolean): EdgeSink {
    this.sink = new EdgeSink(this.mode === 'auto' ? hasThird : this.mode);
    return this.sink;
  }

  /** An id too large for the raw table arrived: map the edges so far through the sink. */
  private leaveRaw(count: number): void {
    const sink = this.sink!;
    const { src, dst } = sink.list;
    for (let e = 0; e < count; e++) {
      src[e] = sink.dense(src[e]);
      dst[e] = sink.dense(dst[e]);
    }
    this.raw = false;
  }

  /** Dense ids for the list: ranks of the raw ids, or already mapped; or the raw ids themselves ('identity'). */
  finish(): EdgeList | null {
    const sink = this.sink;
    if (sink === null) return null;
    const list = sink.list;
    if (this.identity) {
      // Every id stayed raw (a larger one failed the parse): they are the dense ids, 0..maxId.
      const same = new EdgeList({ mapIds: false, weighted: list.weight !== null, expectedEdges: 0 });
      same.src = list.src;
      same.dst = list.dst;
      same.weight = list.weight;
      same.length = list.length;
      same.setNumVertices(this.maxId + 1);
      return same;
    }
    if (this.raw) rankRawIds(list, list.src, list.dst, list.length, this.maxId);
    this.raw = false;
    return list;
  }

  parse(b: Buffer, start: number, end: number): void {
    let line = this.line;
    let sink = this.sink;
    let weighted = sink !== null && sink.list.weight !== null;
    // The sink's arrays in locals: appending is the hot path (see edge-sink.ts).
    let raw = this.raw;
    let maxId = this.maxId;
    let table = sink !== null ? sink.table : EMPTY_TABLE;
    let list = sink !== null ? sink.list : null;
    let src = list !== null ? list.src : EMPTY_IDS;
    let dst = list !== null ? list.dst : EMPTY_IDS;
    let weights = list !== null ? list.weight : null;
    let count = list !== null ? list.length : 0;
    let p = start;
    while (p < end) {
      line++;
      const lineStart = p;
      p = skipBlanks(b, p);
      let c = b[p];
      if (c === NEWLINE) {
        p++;
        continue;
      }
      if (c === RETURN && b[p + 1] === NEWLINE) {
        p += 2;
        continue;
      }
      if (c === HASH || c === PERCENT) {
        p = nextLine(b, p);
        continue;
      }

      const s = scanUint(b, p);
      if (s < 0) this.fail(line, badIdMessage(b, p, s, 1));
      let q = scanned.end;
      c = b[q];
      if (c !== SPACE && c !== TAB) {
        if (c === NEWLINE || c === RETURN) this.fail(line, `expected 2 columns (source target), found 1: "${lineTextAt(b, lineStart)}"`);
        this.fail(line, badIdMessage(b, p, NO_DIGITS, 1));
      }
      p = skipBlanks(b, q);

      const t = scanUint(b, p);
      if (t < 0) this.fail(line, badIdMessage(b, p, t, 2));
      q = scanned.end;
      c = b[q];
      if (c === SPACE || c === TAB) {
        q = skipBlanks(b, q);
        c = b[q];
      } else if (c !== NEWLINE && c !== RETURN) {
        this.fail(line, badIdMessage(b, p, NO_DIGITS, 2));
      }
      const hasThird = !(c === NEWLINE || (c === RETURN && b[q + 1] === NEWLINE));
      if (sink === null) {
        sink = this.start(hasThird);
        list = sink.list;
        src = list.src;
        dst = list.dst;
        weights = list.weight;
        weighted = weights !== null;
      }

      let w = 1;
      if (weighted) {
        if (!hasThird) this.fail(line, `expected a weight in column 3, found end of line (missing column)`);
        w = scanNumber(b, q);
        const after = b[scanned.end];
        if (!Number.isFinite(w) || (after !== SPACE && after !== TAB && after !== NEWLINE && after !== RETURN)) {
          this.fail(line, `expected a finite number as the weight in column 3, found ${tokenAt(b, q)}`);
        }
        q = skipBlanks(b, scanned.end);
        c = b[q];
      }
      if (c === NEWLINE) p = q + 1;
      else if (c === RETURN && b[q + 1] === NEWLINE) p = q + 2;
      else {
        const expected = weighted ? 3 : 2;
        const hint = weighted ? '' : ' (use weighted: true or format "weighted" to read a third column as the weight)';
        this.fail(line, `expected end of line after ${expected} columns, found extra ${tokenAt(b, q)}${hint}`);
      }

      if (count === src.length) {
        list!.length = count;
        sink.grow();
        src = list!.src;
        dst = list!.dst;
        weights = list!.weight;
      }
      if (raw) {
        const hi = s > t ? s : t;
        if (hi > maxId) {
          if (hi > RAW_MAX_ID) {
            if (this.identity) this.fail(line, `ids 'identity' keeps ids as vertex ids, so they must be at most ${IDENTITY_MAX_ID}; found ${hi}`);
            this.leaveRaw(count);
            raw = false;
            table = sink.table;
          } else maxId = hi;
        }
      }
      if (raw) {
        src[count] = s;
        dst[count] = t;
      } else {
        let ds = s < table.length ? table[s] : -1;
        if (ds < 0) {
          ds = sink.miss(s);
          table = sink.table;
        }
        let dt = t < table.length ? table[t] : -1;
        if (dt < 0) {
          dt = sink.miss(t);
          table = sink.table;
        }
        src[count] = ds;
        dst[count] = dt;
      }
      if (weights !== null) weights[count] = w;
      count++;
    }
    this.line = line;
    this.sink = sink;
    this.raw = raw;
    this.maxId = maxId;
    if (list !== null) list.length = count;
  }
}

/**
 * Parse an edge-list file into an EdgeList with file ids mapped to dense ids
 * (in increasing order of file id when every id is below 2^27, the usual case;
 * in order of first appearance otherwise).
 */
export async function parseEdgeList(path: string, options: EdgeListFileOptions = {}): Promise<EdgeList> {
  const ids = options.ids ?? 'dense';
  if (ids !== 'dense' && ids !== 'identity') throw new UsageError(`parseEdgeList: ids must be 'dense' or 'identity'; got ${JSON.stringify(ids)}`);
  const parser = new SnapParser(path, options.weighted ?? 'auto', ids === 'identity');
  await parseLineBlocks(path, parser, { onProgress: options.onProgress });
  const list = parser.finish();
  if (list === null || list.length === 0) {
    throw new InputError(path, null, `no edges found in ${parser.line} lines (expected lines "source target [weight]")`);
  }
  return list;
}

/** Load an edge-list file (SNAP, or weighted with a third column) as a Graph. */
export async function loadEdgeList(path: string, options: LoadEdgeListOptions = {}): Promise<Graph> {
  const list = await parseEdgeList(path, options);
  return buildGraph(list, {
    undirected: options.undirected,
    selfLoops: options.selfLoops,
    duplicates: options.duplicates,
    sortIds: options.sortIds,
  });
}
