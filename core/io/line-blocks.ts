/**
 * Turn a file's chunks into blocks of whole lines for a byte-level parser:
 * each block handed to `parse(buffer, start, end)` ends just after a '\n', and
 * a line split across two chunks is carried over and joined (one small copy
 * per chunk, none per line). A last line without its '\n' is handed over with
 * one appended, so parsers may assume every line they see is terminated and
 * never check for the end of the buffer inside a line.
 */
import { readChunks } from './read-chunks.js';
import type { ReadChunksOptions } from './read-chunks.js';

export interface LineBlockParser {
  /** Parse the whole lines in buffer[start, end); buffer[end - 1] is '\n'. */
  parse(buffer: Buffer, start: number, end: number): void;
}

const NEWLINE = 10;
const EMPTY = Buffer.alloc(0);

/** Feed every line of the file at `path` (gunzipped if gzip) to `parser`, in order. */
export async function parseLineBlocks(path: string, parser: LineBlockParser, options: ReadChunksOptions = {}): Promise<void> {
  let carry: Buffer = EMPTY;
  for await (const chunk of readChunks(path, options)) {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      carry = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      continue;
    }
    let from = 0;
    if (carry.length > 0) {
      const first = chunk.indexOf(NEWLINE);
      const joined = Buffer.concat([carry, chunk.subarray(0, first + 1)]);
      parser.parse(joined, 0, joined.length);
      from = first + 1;
    }
    if (from <= last) parser.parse(chunk, from, last + 1);
    carry = chunk.subarray(last + 1);
  }
  if (carry.length > 0) {
    const joined = Buffer.concat([carry, Buffer.from([NEWLINE])]);
    parser.parse(joined, 0, joined.length);
  }
}
