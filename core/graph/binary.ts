/**
 * The gasworks binary graph file (`.gwg`): one file holding a whole Graph —
 * CSR, CSC, weights, file ids, string labels and every vertex and edge column —
 * that loads by reading each array straight into SharedArrayBuffer memory, so
 * the loaded graph is ready to share with worker threads and loading costs
 * little more than the disk read.
 *
 * Layout (all integers little-endian):
 *   0   8 bytes  magic "GASWORKS"
 *   8   u32      format version (1, or 2 when the header says inMirrorsOut)
 *   12  u32      header length H in bytes
 *   16  u32      crc32 of the header
 *   20  u32      reserved, 0
 *   24  H bytes  header: UTF-8 JSON (BinaryHeader)
 *   then the data region, starting at the first multiple of 8 after the header:
 *   sections, each starting at a multiple of 8 (zero padding between), at the
 *   offsets the header's section table gives relative to the data region.
 * A section is named `outOffsets`, `outTargets`, `inOffsets`, `inSources`
 * (both left out when the header says `inMirrorsOut`: an undirected graph's),
 * `inEdgeIds`, `weights`, `fileIds`, `labels` (a JSON array of strings),
 * `vertex/<column>` or `edge/<column>`, and carries its dtype, width
 * (values per element), byte length and crc32. Reading checks, and reports as
 * an InputError naming the file: the magic, the version, truncation, each
 * checksum, and the cheap consistency facts (array lengths, offsets monotone
 * from 0 to numEdges, neighbour ids below numVertices). Writing goes through
 * the atomic writer. Only little-endian machines are supported.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import * as zlib from 'node:zlib';
import { InputError } from '../errors.js';
import { chunkBytes, openAtomic, writeFileAtomicSync, type Chunk } from '../io/atomic-write.js';
import { Graph } from './graph.js';
import type { NumericArray } from './shared.js';

export const MAGIC = 'GASWORKS';
/**
 * The newest version written: 2 when the in-edge copies are left out (inMirrorsOut), which a
 * version-1 reader cannot read; a graph that keeps them is still written as version 1.
 */
export const FORMAT_VERSION = 2;
const OLDEST_VERSION = 1;
const PREAMBLE_BYTES = 24;
/** Largest single read; fs calls take at most 2^31-1 bytes. */
const MAX_READ = 1 << 30;

export type BinaryDtype = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64' | 'json';

export interface SectionEntry {
  name: string;
  dtype: BinaryDtype;
  /** Values per element (vertex or edge); 1 for scalars and for topology arrays. */
  width: number;
  /** Byte offset from the start of the data region; a multiple of 8. */
  offset: number;
  /** Length in bytes. */
  bytes: number;
  crc32: number;
}

export interface BinaryHeader {
  format: 'gasworks-graph';
  version: number;
  numVertices: number;
  numEdges: number;
  undirected: boolean;
  /**
   * The in-edge arrays equal the out-edge arrays (every undirected graph: each vertex's sorted
   * in-list is its out-list), so the file leaves out `inOffsets` and `inSources` and the reader
   * shares `outOffsets` and `outTargets` for them: a third less to read and checksum.
   */
  inMirrorsOut?: boolean;
  /** Bytes in the whole file, for the truncation check. */
  fileBytes: number;
  sections: SectionEntry[];
}

type ArrayCtor = new (buffer: SharedArrayBuffer) => NumericArray;

const CTORS: Record<Exclude<BinaryDtype, 'json'>, ArrayCtor> = {
  u8: Uint8Array,
  i8: Int8Array,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
};

const BYTES_PER: Record<BinaryDtype, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, f64: 8, json: 1 };

function dtypeOf(array: NumericArray): Exclude<BinaryDtype, 'json'> {
  if (array instanceof Float64Array) return 'f64';
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Uint32Array) return 'u32';
  if (array instanceof Int32Array) return 'i32';
  if (array instanceof Uint16Array) return 'u16';
  if (array instanceof Int16Array) return 'i16';
  if (array instanceof Int8Array) return 'i8';
  return 'u8';
}

/** Table-driven CRC-32 (IEEE), for Node versions before 20.15 whose zlib lacks crc32. */
let crcTable: Int32Array | null = null;
function tableCrc32(data: Uint8Array, value = 0): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = ~value;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** CRC-32 of bytes: node:zlib's (native) where present, else the table version. */
export const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data, value) => zlib.crc32(data, value)
    : tableCrc32;

/** CRC-32 over a large array in pieces (zlib takes at most 2^32-1 bytes per call). */
function crcOf(bytes: Uint8Array): number {
  let crc = 0;
  for (let at = 0; at < bytes.length; at += MAX_READ) crc = crc32(bytes.subarray(at, Math.min(bytes.length, at + MAX_READ)), crc);
  return crc;
}

const align8 = (x: number): number => Math.ceil(x / 8) * 8;
const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function checkEndianness(what: string): void {
  if (endianness() !== 'LE') throw new Error(`${what}: gasworks graph files are little-endian; this machine is big-endian`);
}

// ---------------------------------------------------------------- writing

/** Whether two arrays hold the same values (the same array, or equal bytes). */
function mirrors(a: Uint32Array, b: Uint32Array): boolean {
  if (a === b) return true;
  return a.length === b.length && Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
}

/** The header and the chunks (preamble, header, padding, sections) of a graph's file. */
function encode(graph: Graph): Chunk[] {
  const named: Array<{ name: string; dtype: BinaryDtype; width: number; bytes: Uint8Array }> = [];
  const add = (name: string, array: NumericArray, count: number): void => {
    const width = count === 0 ? 1 : array.length / count;
    if (!Number.isInteger(width) || (count > 0 && width < 1)) {
      throw new Error(`writeGraphFile: ${name} has ${array.length} values, not a whole number per element for ${count} elements`);
    }
    named.push({ name, dtype: dtypeOf(array), width, bytes: bytesOf(array) });
  };
  const n = graph.numVertices;
  const m = graph.numEdges;
  add('outOffsets', graph.outOffsets, n + 1);
  add('outTargets', graph.outTargets, m);
  const inMirrorsOut = mirrors(graph.inOffsets, graph.outOffsets) && mirrors(graph.inSources, graph.outTargets);
  if (!inMirrorsOut) {
    add('inOffsets', graph.inOffsets, n + 1);
    add('inSources', graph.inSources, m);
  }
  add('inEdgeIds', graph.inEdgeIds, m);
  if (graph.weights) add('weights', graph.weights, m);
  if (graph.fileIds) add('fileIds', graph.fileIds, n);
  if (graph.labels) {
    if (graph.labels.length !== n) throw new Error(`writeGraphFile: ${graph.labels.length} labels for ${n} vertices`);
    named.push({ name: 'labels', dtype: 'json', width: 1, bytes: Buffer.from(JSON.stringify(graph.labels), 'utf8') });
  }
  for (const [name, column] of Object.entries(graph.vertexColumns)) add(`vertex/${name}`, column, n);
  for (const [name, column] of Object.entries(graph.edgeColumns)) add(`edge/${name}`, column, m);

  const sections: SectionEntry[] = [];
  let offset = 0;
  for (const s of named) {
    sections.push({ name: s.name, dtype: s.dtype, width: s.width, offset, bytes: s.bytes.length, crc32: crcOf(s.bytes) });
    offset = align8(offset + s.bytes.length);
  }
  const header: BinaryHeader = {
    format: 'gasworks-graph',
    version: inMirrorsOut ? FORMAT_VERSION : OLDEST_VERSION,
    numVertices: n,
    numEdges: m,
    undirected: graph.undirected,
    ...(inMirrorsOut ? { inMirrorsOut } : {}),
    fileBytes: 0,
    sections,
  };
  // fileBytes depends on the header's own length: grow the field until it is stable.
  let json = '';
  for (let guess = 0; ; ) {
    header.fileBytes = guess;
    json = JSON.stringify(header);
    const total = align8(PREAMBLE_BYTES + Buffer.byteLength(json)) + offset;
    if (total === guess) break;
    guess = total;
  }
  const headerBytes = Buffer.from(json, 'utf8');
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  preamble.write(MAGIC, 0, 'latin1');
  preamble.writeUInt32LE(header.version, 8);
  preamble.writeUInt32LE(headerBytes.length, 12);
  preamble.writeUInt32LE(crc32(headerBytes), 16);

  const zeros = new Uint8Array(8);
  const chunks: Chunk[] = [preamble, headerBytes];
  const headerPad = align8(PREAMBLE_BYTES + headerBytes.length) - PREAMBLE_BYTES - headerBytes.length;
  if (headerPad > 0) chunks.push(zeros.subarray(0, headerPad));
  for (const s of named) {
    if (s.bytes.length > 0) chunks.push(s.bytes);
    const pad = align8(s.bytes.length) - s.bytes.length;
    if (pad > 0) chunks.push(zeros.subarray(0, pad));
  }
  return chunks;
}

/** Write `graph` to `path` (atomically: temp file, fsync, rename). */
export async function writeGraphFile(path: string, graph: Graph): Promise<void> {
  checkEndianness('writeGraphFile');
  const chunks = encode(graph);
  const file = await openAtomic(path);
  try {
    for (const chunk of chunks) await file.write(chunk);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}

export function writeGraphFileSync(path: string, graph: Graph): void {
  checkEndianness('writeGraphFileSync');
  writeFileAtomicSync(path, encode(graph));
}

// ---------------------------------------------------------------- reading

/** Check the fixed preamble; returns the header's length and crc32. */
function parsePreamble(path: string, bytes: Uint8Array, got: number, fileBytes: number): { length: number; crc: number } {
  const magic = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(got, 8)).toString('latin1');
  if (got < 8 || magic !== MAGIC) {
    throw new InputError(path, null, `not a gasworks graph file: expected the magic bytes "${MAGIC}" at the start`);
  }
  if (got < PREAMBLE_BYTES) {
    throw new InputError(path, null, `truncated: expected at least ${PREAMBLE_BYTES} bytes, found ${fileBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint32(8, true);
  if (version < OLDEST_VERSION || version > FORMAT_VERSION) {
    throw new InputError(path, null, `unsupported gasworks graph file version ${version}; this gasworks reads versions ${OLDEST_VERSION} to ${FORMAT_VERSION}`);
  }
  const length = view.getUint32(12, true);
  if (PREAMBLE_BYTES + length > fileBytes) {
    throw new InputError(path, null, `truncated: expected at least ${PREAMBLE_BYTES + length} bytes (the header), found ${fileBytes}`);
  }
  return { length, crc: view.getUint32(16, true) };
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

/** Decode and sanity-check the JSON header. */
function parseHeader(path: string, bytes: Uint8Array, crc: number, fileBytes: number): BinaryHeader {
  if (crc32(bytes) !== crc) throw new InputError(path, null, 'corrupt header: checksum mismatch');
  let header: BinaryHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')) as BinaryHeader;
  } catch {
    throw new InputError(path, null, 'corrupt header: not valid JSON');
  }
  const bad = (what: string): InputError => new InputError(path, null, `header inconsistent: ${what}`);
  if (header.format !== 'gasworks-graph') throw bad(`format is ${JSON.stringify(header.format)}, expected "gasworks-graph"`);
  if (!isCount(header.numVertices) || !isCount(header.numEdges) || !isCount(header.fileBytes) || !Array.isArray(header.sections)) {
    throw bad('numVertices, numEdges, fileBytes and sections must be present');
  }
  if (fileBytes < header.fileBytes) {
    throw new InputError(path, null, `truncated: expected ${header.fileBytes} bytes, found ${fileBytes}`);
  }
  if (fileBytes > header.fileBytes) throw bad(`file has ${fileBytes} bytes, the header says ${header.fileBytes}`);
  const dataStart = align8(PREAMBLE_BYTES + bytes.length);
  for (const s of header.sections) {
    if (typeof s.name !== 'string' || !Object.hasOwn(BYTES_PER, s.dtype) || !isCount(s.offset) || !isCount(s.bytes) || !isCount(s.width) || !isCount(s.crc32)) {
      throw bad(`section entry ${JSON.stringify(s)} is malformed`);
    }
    if (s.offset % 8 !== 0 || dataStart + s.offset + s.bytes > header.fileBytes || s.bytes % BYTES_PER[s.dtype] !== 0) {
      throw bad(`section ${s.name} (offset ${s.offset}, ${s.bytes} bytes of ${s.dtype}) does not fit the file`);
    }
  }
  return header;
}

/** Where a section's bytes go: a shared typed array and a byte view over it. */
function sectionTarget(s: SectionEntry): { array: NumericArray | null; bytes: Uint8Array } {
  const buffer = new SharedArrayBuffer(s.bytes);
  if (s.dtype === 'json') return { array: null, bytes: new Uint8Array(buffer) };
  const array = new CTORS[s.dtype](buffer);
  return { array, bytes: new Uint8Array(buffer) };
}

function checkCrc(path: string, s: SectionEntry, bytes: Uint8Array): void {
  if (crcOf(bytes) !== s.crc32) throw new InputError(path, null, `corrupt section ${s.name}: checksum mismatch`);
}

/** Check the arrays against each other and build the Graph. */
function assemble(path: string, header: BinaryHeader, arrays: Map<string, { array: NumericArray | null; bytes: Uint8Array }>): Graph {
  const n = header.numVertices;
  const m = header.numEdges;
  const bad = (what: string): InputError => new InputError(path, null, `header inconsistent: ${what}`);
  const entry = new Map(header.sections.map((s) => [s.name, s]));
  const typed = <T extends NumericArray>(name: string, ctor: new (...args: never[]) => T, length: number, required: boolean): T | null => {
    const got = arrays.get(name);
    if (!got) {
      if (required) throw bad(`section ${name} is missing`);
      return null;
    }
    if (!(got.array instanceof ctor)) throw bad(`section ${name} has dtype ${entry.get(name)!.dtype}, expected ${ctor.name}`);
    if (got.array.length !== length) throw bad(`section ${name} has ${got.array.length} values, expected ${length}`);
    return got.array as T;
  };
  const outOffsets = typed('outOffsets', Uint32Array, n + 1, true)!;
  const outTargets = typed('outTargets', Uint32Array, m, true)!;
  const mirrored = header.inMirrorsOut === true;
  const inOffsets = mirrored ? outOffsets : typed('inOffsets', Uint32Array, n + 1, true)!;
  const inSources = mirrored ? outTargets : typed('inSources', Uint32Array, m, true)!;
  const inEdgeIds = typed('inEdgeIds', Uint32Array, m, true)!;
  const checks: Array<[string, Uint32Array]> = mirrored ? [['outOffsets', outOffsets]] : [['outOffsets', outOffsets], ['inOffsets', inOffsets]];
  for (const [name, offsets] of checks) {
    if (offsets[0] !== 0 || offsets[n] !== m) throw bad(`${name} must run from 0 to numEdges (${m}), found ${offsets[0]} .. ${offsets[n]}`);
    for (let v = 0; v < n; v++) {
      if (offsets[v] > offsets[v + 1]) throw bad(`${name} decreases at vertex ${v} (${offsets[v]} > ${offsets[v + 1]})`);
    }
  }
  // The ids of outTargets, inSources and inEdgeIds were range-checked as each section arrived (checkIds).
  const weights = typed('weights', Float64Array, m, false);
  const fileIds = typed('fileIds', Float64Array, n, false);
  const vertexColumns: Record<string, NumericArray> = {};
  const edgeColumns: Record<string, NumericArray> = {};
  for (const s of header.sections) {
    const slash = s.name.indexOf('/');
    if (slash < 0) continue;
    const kind = s.name.slice(0, slash);
    const column = s.name.slice(slash + 1);
    const count = kind === 'vertex' ? n : kind === 'edge' ? m : -1;
    if (count < 0) throw bad(`section ${s.name} is neither vertex/ nor edge/`);
    const array = arrays.get(s.name)!.array;
    if (!array || array.length !== count * s.width) throw bad(`column ${s.name} has ${array?.length} values, expected ${count} x ${s.width}`);
    (kind === 'vertex' ? vertexColumns : edgeColumns)[column] = array;
  }
  const graph = new Graph({
    numVertices: n,
    numEdges: m,
    undirected: header.undirected === true,
    outOffsets,
    outTargets,
    inOffsets,
    inSources,
    inEdgeIds,
    weights,
    fileIds,
    vertexColumns,
    edgeColumns,
  });
  const labels = arrays.get('labels');
  if (labels) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(labels.bytes.buffer, labels.bytes.byteOffset, labels.bytes.length).toString('utf8'));
    } catch {
      throw bad('section labels is not valid JSON');
    }
    if (!Array.isArray(parsed) || parsed.length !== n || !parsed.every((x) => typeof x === 'string')) {
      throw bad(`section labels must be an array of ${n} strings`);
    }
    graph.labels = parsed as string[];
  }
  return graph;
}

/**
 * A per-edge id section (outTargets, inSources: vertex ids; inEdgeIds: edge ids) holds only ids
 * in range. Called as each section arrives, so the check of one overlaps the read of the next.
 */
function checkIds(path: string, header: BinaryHeader, s: SectionEntry, target: { array: NumericArray | null }): void {
  const limit = s.name === 'inEdgeIds' ? header.numEdges : s.name === 'outTargets' || s.name === 'inSources' ? header.numVertices : -1;
  const values = target.array;
  if (limit < 0 || !(values instanceof Uint32Array) || values.length === 0 || largest(values) < limit) return;
  const e = values.findIndex((x) => x >= limit);
  throw new InputError(path, null, `header inconsistent: ${s.name} holds ${values[e]} at position ${e}, expected values below ${limit}`);
}

function largest(values: Uint32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/** Read a graph file written by writeGraphFile; arrays land in shared memory. */
export async function readGraphFile(path: string): Promise<Graph> {
  checkEndianness('readGraphFile');
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new InputError(path, null, `cannot open: ${(error as Error).message}`);
  }
  try {
    const fileBytes = (await handle.stat()).size;
    const readFully = async (target: Uint8Array, position: number): Promise<number> => {
      let at = 0;
      while (at < target.length) {
        const { bytesRead } = await handle.read(target, at, Math.min(MAX_READ, target.length - at), position + at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at;
    };
    const preamble = new Uint8Array(PREAMBLE_BYTES);
    const { length, crc } = parsePreamble(path, preamble, await readFully(preamble, 0), fileBytes);
    const headerBytes = new Uint8Array(length);
    await readFully(headerBytes, PREAMBLE_BYTES);
    const header = parseHeader(path, headerBytes, crc, fileBytes);
    const dataStart = align8(PREAMBLE_BYTES + length);
    const arrays = new Map<string, { array: NumericArray | null; bytes: Uint8Array }>();
    const sections = header.sections;
    const targets = sections.map(sectionTarget);
    // Pipelined: the next section is read (on libuv's thread pool) while this
    // thread checksums the one before it.
    let reading = sections.length > 0 ? readFully(targets[0].bytes, dataStart + sections[0].offset) : null;
    for (let i = 0; i < sections.length; i++) {
      const got = await reading!;
      if (i + 1 < sections.length) {
        reading = readFully(targets[i + 1].bytes, dataStart + sections[i + 1].offset);
        reading.catch(() => {}); // a failure surfaces at its await; do not report it as unhandled meanwhile
      }
      if (got !== sections[i].bytes) throw new InputError(path, null, `truncated: section ${sections[i].name} is cut short`);
      checkCrc(path, sections[i], targets[i].bytes);
      checkIds(path, header, sections[i], targets[i]);
      arrays.set(sections[i].name, targets[i]);
    }
    return assemble(path, header, arrays);
  } finally {
    await handle.close();
  }
}

export function readGraphFileSync(path: string): Graph {
  checkEndianness('readGraphFileSync');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(path, null, `cannot open: ${(error as Error).message}`);
  }
  try {
    const readAt = (target: Uint8Array, position: number): number => {
      let at = 0;
      while (at < target.length) {
        const got = readSync(fd, target, at, Math.min(MAX_READ, target.length - at), position + at);
        if (got === 0) break;
        at += got;
      }
      return at;
    };
    return decodeFrom(path, fstatSync(fd).size, readAt);
  } finally {
    closeSync(fd);
  }
}

/** A graph file's bytes in one buffer. */
export function encodeGraph(graph: Graph): Uint8Array {
  return Buffer.concat(encodeGraphParts(graph));
}

/**
 * A graph file's bytes as consecutive parts, most of them views of the graph's own arrays (no
 * copy): what the cluster sends its workers, chunk by chunk.
 */
export function encodeGraphParts(graph: Graph): Uint8Array[] {
  checkEndianness('encodeGraph');
  return encode(graph).map(chunkBytes);
}

/** The graph in a graph file's bytes held in memory; `name` says where they came from, for errors. */
export function decodeGraph(bytes: Uint8Array, name: string): Graph {
  checkEndianness('decodeGraph');
  // Bytes on shared memory, 8-aligned: the sections are views of them (every section starts at a
  // multiple of 8), not copies; the graph keeps the buffer alive.
  const viewOf = bytes.buffer instanceof SharedArrayBuffer && bytes.byteOffset % 8 === 0 ? (s: SectionEntry, start: number) => sectionView(s, bytes, start) : undefined;
  return decodeFrom(
    name,
    bytes.length,
    (target, position) => {
      const got = Math.max(0, Math.min(target.length, bytes.length - position));
      target.set(bytes.subarray(position, position + got));
      return got;
    },
    viewOf,
  );
}

/** A section as a view of shared bytes (sectionTarget's shape), which parseHeader checked fit them. */
function sectionView(s: SectionEntry, bytes: Uint8Array, start: number): { array: NumericArray | null; bytes: Uint8Array } {
  const at = bytes.byteOffset + start;
  const view = new Uint8Array(bytes.buffer, at, s.bytes);
  if (s.dtype === 'json') return { array: null, bytes: view };
  const ctor = CTORS[s.dtype] as unknown as new (buffer: SharedArrayBuffer, offset: number, length: number) => NumericArray;
  return { array: new ctor(bytes.buffer as SharedArrayBuffer, at, s.bytes / BYTES_PER[s.dtype]), bytes: view };
}

/** Parse and check a graph file read through `readAt(target, position)` (bytes read). */
function decodeFrom(
  path: string,
  fileBytes: number,
  readAt: (target: Uint8Array, position: number) => number,
  viewAt?: (s: SectionEntry, start: number) => { array: NumericArray | null; bytes: Uint8Array },
): Graph {
  const preamble = new Uint8Array(PREAMBLE_BYTES);
  const { length, crc } = parsePreamble(path, preamble, readAt(preamble, 0), fileBytes);
  const headerBytes = new Uint8Array(length);
  readAt(headerBytes, PREAMBLE_BYTES);
  const header = parseHeader(path, headerBytes, crc, fileBytes);
  const dataStart = align8(PREAMBLE_BYTES + length);
  const arrays = new Map<string, { array: NumericArray | null; bytes: Uint8Array }>();
  for (const s of header.sections) {
    const target = viewAt ? viewAt(s, dataStart + s.offset) : sectionTarget(s);
    if (!viewAt && readAt(target.bytes, dataStart + s.offset) !== s.bytes) {
      throw new InputError(path, null, `truncated: section ${s.name} is cut short`);
    }
    checkCrc(path, s, target.bytes);
    checkIds(path, header, s, target);
    arrays.set(s.name, target);
  }
  return assemble(path, header, arrays);
}

/** A `.gwg` file opened for reading its sections piece by piece (see `openGraphSections`). */
export interface GraphSections {
  header: BinaryHeader;
  /** Read `into.length` bytes of section `name` from byte `at` of it; throws an InputError past its end. */
  read(name: string, into: Uint8Array, at: number): void;
  /** The section's entry (null when the file has none by that name). */
  section(name: string): SectionEntry | null;
  close(): void;
}

/**
 * Open a `.gwg` file without loading it: its header checked as `readGraphFile` checks it, and its
 * sections read piece by piece, for a reader that streams a graph it never holds (a cluster's
 * coordinator, core/cluster/ingress.ts). The caller checks the sections' checksums as it goes.
 */
export function openGraphSections(path: string): GraphSections {
  checkEndianness('openGraphSections');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InputError(path, null, `cannot open: ${(error as Error).message}`);
  }
  try {
    const fileBytes = fstatSync(fd).size;
    const preamble = new Uint8Array(PREAMBLE_BYTES);
    const { length, crc } = parsePreamble(path, preamble, readSync(fd, preamble, 0, PREAMBLE_BYTES, 0), fileBytes);
    const headerBytes = new Uint8Array(length);
    readSync(fd, headerBytes, 0, length, PREAMBLE_BYTES);
    const header = parseHeader(path, headerBytes, crc, fileBytes);
    const dataStart = align8(PREAMBLE_BYTES + length);
    const byName = new Map(header.sections.map((s) => [s.name, s]));
    return {
      header,
      section: (name) => byName.get(name) ?? null,
      read(name, into, at) {
        const s = byName.get(name);
        if (s === undefined || at + into.length > s.bytes) throw new InputError(path, null, `section ${name}: bytes ${at}..${at + into.length} are past its ${s?.bytes ?? 0}`);
        for (let done = 0; done < into.length; ) {
          const got = readSync(fd, into, done, Math.min(MAX_READ, into.length - done), dataStart + s.offset + at + done);
          if (got === 0) throw new InputError(path, null, `truncated: section ${name} is cut short`);
          done += got;
        }
      },
      close: () => closeSync(fd),
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
