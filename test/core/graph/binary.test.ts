import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { join } from 'node:path';
import { crc32, decodeGraph, encodeGraph, readGraphFile, readGraphFileSync, writeGraphFile, writeGraphFileSync } from '../../../core/graph/binary.js';
import { buildGraph, graphFromPairs } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';
import { Graph } from '../../../core/graph/graph.js';
import { isShared, sharedUint32, type NumericArray } from '../../../core/graph/shared.js';
import { rmatEdges } from '../../../core/graph/generators/rmat.js';
import { InputError } from '../../../core/errors.js';
import { Random } from '../../../core/util/random.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
let counter = 0;
const fresh = (): string => join(dir, `g-${counter++}.gwg`);

/** Every array of the two graphs is equal element for element, of the same type, and the loaded one is on shared memory. */
function assertSameGraph(got: Graph, want: Graph): void {
  assert.is(got.numVertices, want.numVertices);
  assert.is(got.numEdges, want.numEdges);
  assert.is(got.undirected, want.undirected);
  const same = (name: string, a: NumericArray | null, b: NumericArray | null): void => {
    if (b === null) return assert.is(a, null, `${name} should be absent`);
    assert.ok(a !== null, `${name} missing`);
    assert.is(a!.constructor, b.constructor, `${name} type`);
    assert.ok(isShared(a!), `${name} not on shared memory`);
    assert.equal(Array.from(a!), Array.from(b), name);
  };
  same('outOffsets', got.outOffsets, want.outOffsets);
  same('outTargets', got.outTargets, want.outTargets);
  same('inOffsets', got.inOffsets, want.inOffsets);
  same('inSources', got.inSources, want.inSources);
  same('inEdgeIds', got.inEdgeIds, want.inEdgeIds);
  same('weights', got.weights, want.weights);
  same('fileIds', got.fileIds, want.fileIds);
  assert.equal(got.labels, want.labels);
  assert.equal(Object.keys(got.vertexColumns), Object.keys(want.vertexColumns));
  assert.equal(Object.keys(got.edgeColumns), Object.keys(want.edgeColumns));
  for (const [k, c] of Object.entries(want.vertexColumns)) same(`vertex ${k}`, got.vertexColumns[k], c);
  for (const [k, c] of Object.entries(want.edgeColumns)) same(`edge ${k}`, got.edgeColumns[k], c);
}

/** A graph with file ids, labels and columns of several types and widths, from a seed. */
function richGraph(seed: number, n: number, edges: number, undirected: boolean, withLabels: boolean): Graph {
  const random = new Random(seed);
  const list = new EdgeList({ weighted: true });
  for (let v = 0; v < n; v++) list.addVertex(v * 1000 + 7);
  for (let e = 0; e < edges; e++) list.add(random.nextInt(n) * 1000 + 7, random.nextInt(n) * 1000 + 7, random.next());
  const g = buildGraph(list, { undirected });
  const f64 = new Float64Array(n).map(() => random.nextGaussian());
  const f32x3 = new Float32Array(n * 3).map(() => random.next());
  const u8 = new Uint8Array(g.numEdges).map(() => random.nextInt(256));
  const i32x2 = new Int32Array(g.numEdges * 2).map(() => random.nextInt(1000) - 500);
  g.vertexColumns = { rank: f64, 'emb/3': f32x3, count: new Uint16Array(n).fill(3) };
  g.edgeColumns = { flag: u8, pair: i32x2 };
  if (withLabels) g.labels = Array.from({ length: n }, (_, v) => (v % 3 === 0 ? `ünï ${v}` : `node"${v}\n`));
  return g;
}

test('crc32 agrees with zlib (or the table fallback with itself) on random data', () => {
  const random = new Random(5);
  const data = new Uint8Array(10_000).map(() => random.nextInt(256));
  const zlibCrc = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (zlibCrc) assert.is(crc32(data), zlibCrc(data));
  assert.is(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('round trip keeps every array, type, column and label (property, async and sync)', async () => {
  const cases = fc.sample(
    fc.record({ seed: fc.nat(), n: fc.integer({ min: 1, max: 40 }), edges: fc.nat(120), undirected: fc.boolean(), labels: fc.boolean() }),
    { numRuns: 40, seed: 42 },
  );
  for (const c of cases) {
    const g = richGraph(c.seed, c.n, c.edges, c.undirected, c.labels);
    const path = fresh();
    await writeGraphFile(path, g);
    assertSameGraph(await readGraphFile(path), g);
    assertSameGraph(readGraphFileSync(path), g);
    const syncPath = fresh();
    writeGraphFileSync(syncPath, g);
    assert.equal(readFileSync(syncPath), readFileSync(path));
  }
});

test('round trip of plain, empty and R-MAT graphs', async () => {
  const plain = graphFromPairs([[0, 1], [1, 2], [2, 0], [2, 2]], { numVertices: 5 });
  const empty = graphFromPairs([], { numVertices: 0 });
  const rmat = buildGraph(rmatEdges({ scale: 12, seed: 3, maxWeight: 9 }));
  for (const g of [plain, empty, rmat]) {
    const path = fresh();
    await writeGraphFile(path, g);
    assertSameGraph(await readGraphFile(path), g);
  }
});

test('an undirected graph is stored without its in-edge copies and reads back the same', async () => {
  const directed = buildGraph(rmatEdges({ scale: 10, seed: 5 }));
  const undirected = buildGraph(rmatEdges({ scale: 10, seed: 5 }), { undirected: true });
  const sizes: number[] = [];
  for (const g of [directed, undirected]) {
    const path = fresh();
    await writeGraphFile(path, g);
    const back = await readGraphFile(path);
    assertSameGraph(back, g);
    assertSameGraph(readGraphFileSync(path), g);
    // The in-lists of the loaded undirected graph are its out-lists, shared, not copies.
    assert.is(back.inSources === back.outTargets, g.undirected);
    assert.is(back.inOffsets === back.outOffsets, g.undirected);
    sizes.push(readFileSync(path).length);
    // Version 2 only when the copies are left out: a directed graph's file stays readable by version-1 readers.
    assert.is(readFileSync(path).readUInt32LE(8), g.undirected ? 2 : 1);
  }
  // Undirected: twice the arcs, but inOffsets and inSources are not written.
  const bytesPerArc = (bytes: number, g: Graph): number => bytes / g.numEdges;
  assert.ok(bytesPerArc(sizes[1], undirected) < bytesPerArc(sizes[0], directed) * 0.75, `sizes ${sizes}`);
});

test('decodeGraph of bytes on shared memory views them (no copy); of plain bytes, copies; both check every checksum', () => {
  for (const g of [richGraph(5, 40, 200, false, true), buildGraph(rmatEdges({ scale: 10, seed: 4, maxWeight: 5 }))]) {
    const encoded = encodeGraph(g);
    const shared = new Uint8Array(new SharedArrayBuffer(encoded.length));
    shared.set(encoded);
    const viewed = decodeGraph(shared, 'shared bytes');
    assertSameGraph(viewed, g);
    assert.is(viewed.outTargets.buffer, shared.buffer, 'a view of the shared bytes');
    const copied = decodeGraph(Uint8Array.from(encoded), 'plain bytes');
    assertSameGraph(copied, g);
    assert.is.not(copied.outTargets.buffer, encoded.buffer);
    // A flipped byte in the last section is caught on either path, and so is a cut.
    const corrupt = new Uint8Array(new SharedArrayBuffer(encoded.length));
    corrupt.set(encoded);
    corrupt[corrupt.length - 1] ^= 0xff;
    assert.throws(() => decodeGraph(corrupt, 'flipped'), /flipped: corrupt section .*checksum mismatch/);
    assert.throws(() => decodeGraph(shared.subarray(0, shared.length - 8), 'cut'), /cut: truncated/);
  }
});

/** Expect an InputError naming the file whose message matches. */
async function rejects(path: string, pattern: RegExp): Promise<void> {
  for (const read of [readGraphFile, async (p: string) => readGraphFileSync(p)]) {
    try {
      await read(path);
      assert.unreachable(`reading ${path} should fail with ${pattern}`);
    } catch (error) {
      assert.instance(error, InputError);
      assert.match((error as Error).message, path);
      assert.match((error as Error).message, pattern);
    }
  }
}

test('bad files: magic, version, truncation, corrupt header and section, inconsistent offsets', async () => {
  const text = fresh();
  writeFileSync(text, '0 1\n1 2\n');
  await rejects(text, /not a gasworks graph file/);
  const tiny = fresh();
  writeFileSync(tiny, 'GASW');
  await rejects(tiny, /not a gasworks graph file/);

  const g = richGraph(1, 30, 80, false, true);
  const good = fresh();
  await writeGraphFile(good, g);
  const bytes = readFileSync(good);

  const version = fresh();
  const v = Buffer.from(bytes);
  v.writeUInt32LE(99, 8);
  writeFileSync(version, v);
  await rejects(version, /unsupported gasworks graph file version 99/);

  const cut = fresh();
  writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
  await rejects(cut, new RegExp(`truncated: expected ${bytes.length} bytes, found ${bytes.length - 5}`));
  const cutHeader = fresh();
  writeFileSync(cutHeader, bytes.subarray(0, 40));
  await rejects(cutHeader, /truncated/);

  const headerFlip = fresh();
  const h = Buffer.from(bytes);
  h[30] ^= 0x01;
  writeFileSync(headerFlip, h);
  await rejects(headerFlip, /corrupt header: checksum mismatch/);

  // Flip one byte inside the outTargets section, found through the header.
  const headerLength = bytes.readUInt32LE(12);
  const header = JSON.parse(bytes.subarray(24, 24 + headerLength).toString('utf8')) as {
    sections: Array<{ name: string; offset: number; bytes: number }>;
  };
  const dataStart = Math.ceil((24 + headerLength) / 8) * 8;
  for (const name of ['outTargets', 'labels', 'edge/pair']) {
    const section = header.sections.find((s) => s.name === name)!;
    const flipped = fresh();
    const f = Buffer.from(bytes);
    f[dataStart + section.offset + Math.floor(section.bytes / 2)] ^= 0x10;
    writeFileSync(flipped, f);
    await rejects(flipped, new RegExp(`corrupt section ${name}: checksum mismatch`));
  }

  // A header with a valid checksum but a bogus dtype: rewritten in place, same length.
  const tampered = fresh();
  const json = bytes.subarray(24, 24 + headerLength).toString('utf8').replace('"dtype":"u32"', '"dtype":"xyz"');
  const t = Buffer.from(bytes);
  t.write(json, 24, 'utf8');
  t.writeUInt32LE(crc32(Buffer.from(json, 'utf8')), 16);
  writeFileSync(tampered, t);
  await rejects(tampered, /header inconsistent: section entry .*xyz.* is malformed/);

  // A graph whose offsets decrease (checksums are right: the writer does not validate).
  const broken = graphFromPairs([[0, 1], [1, 2], [2, 0]], { numVertices: 3 });
  const offsets = sharedUint32(4);
  offsets.set([0, 2, 1, 3]);
  const inconsistent = new Graph({ ...broken.toArrays(), outOffsets: offsets });
  const bad = fresh();
  await writeGraphFile(bad, inconsistent);
  await rejects(bad, /header inconsistent: outOffsets decreases at vertex 1/);
  const badTarget = fresh();
  const targets = sharedUint32(3);
  targets.set([1, 7, 0]);
  await writeGraphFile(badTarget, new Graph({ ...broken.toArrays(), outTargets: targets }));
  await rejects(badTarget, /header inconsistent: outTargets holds 7 at position 1, expected values below 3/);

  await rejects(join(dir, 'missing.gwg'), /cannot open/);
});

test.run();
