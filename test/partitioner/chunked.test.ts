/**
 * Chunked streams (partitioner/chunked.ts): the generator's chunks are
 * rmatEdges' edges in order; HDRF and greedy over chunks of any size give
 * the in-memory partitioners' parts edge for edge (chunk boundaries carry
 * the scan's state), on R-MAT and on a text file read with its own ids; the
 * figures counted from the state equal a recount from the parts; a bad line
 * names the file and line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachRmatChunk, rmatEdges } from '../../core/graph/generators/rmat.js';
import { InputError } from '../../core/errors.js';
import { partitionGraph, streamFromEdgeList } from '../../partitioner/index.js';
import { fileChunkSource, partitionChunks, rmatChunkSource } from '../../partitioner/chunked.js';
import { parseEdgeList } from '../../core/graph/loaders/snap.js';
import { tempDir } from '../helpers.js';
import { verifyPartition } from './verify.js';

test('forEachRmatChunk: the edges of rmatEdges, in order, whatever the chunk size', () => {
  for (const [scale, chunk] of [[9, 1], [10, 777], [10, 1 << 20]]) {
    const list = rmatEdges({ scale, seed: 5 });
    let i = 0;
    forEachRmatChunk({ scale, seed: 5 }, chunk, (src, dst, count) => {
      assert.ok(count <= chunk);
      for (let j = 0; j < count; j++, i++) {
        if (src[j] !== list.src[i] || dst[j] !== list.dst[i]) assert.unreachable(`scale ${scale}, chunk ${chunk}: edge ${i} differs`);
      }
    });
    assert.is(i, list.length);
  }
});

test('HDRF and greedy over chunks equal the in-memory partitioners edge for edge; figures recounted from the parts', async () => {
  const dir = tempDir();
  const file = join(dir, 'g.txt');
  let seed = 3;
  const draw = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const lines = ['# a comment', '% another'];
  for (let i = 0; i < 3000; i++) lines.push(`${Math.floor(draw() * draw() * 500)}\t${Math.floor(draw() * 500)}`);
  writeFileSync(file, lines.join('\n'));
  const list = rmatEdges({ scale: 11, edgeFactor: 8, seed: 2 });
  const sources = [
    { name: 'rmat 11', memory: streamFromEdgeList(list), chunked: () => Promise.resolve(rmatChunkSource(11, 8, 2, 1000)) },
    { name: 'file', memory: streamFromEdgeList(await parseEdgeList(file, { weighted: false })), chunked: () => fileChunkSource(file, 333) },
  ];
  for (const { name, memory, chunked } of sources) {
    const source = await chunked();
    assert.is(source.edges, memory.count, `${name}: edges counted`);
    for (const algo of ['hdrf', 'greedy'] as const) {
      for (const k of [7, 32, 40]) {
        const inMemory = partitionGraph(memory, algo, k, { seed: 1 });
        const parts: number[] = [];
        const result = await partitionChunks(source, algo, k, { onParts: (p, count) => parts.push(...p.subarray(0, count)) });
        assert.equal(parts, Array.from(inMemory.partition.parts), `${name} ${algo} k = ${k}: parts`);
        const brute = verifyPartition(memory, inMemory.partition);
        assert.ok(Math.abs(result.replicationFactor - brute.replicationFactor) < 1e-12, `${name} ${algo} k = ${k}: RF`);
        assert.ok(Math.abs(result.edgeBalance - brute.edgeBalance) < 1e-12, `${name} ${algo} k = ${k}: edge balance`);
        assert.ok(Math.abs(result.vertexBalance - brute.vertexBalance) < 1e-12, `${name} ${algo} k = ${k}: vertex balance`);
      }
    }
  }
});

test('a malformed line is an InputError naming the file and the line', async () => {
  const dir = tempDir();
  const file = join(dir, 'bad.txt');
  writeFileSync(file, '1 2\n3 x\n');
  try {
    await fileChunkSource(file);
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, InputError);
    assert.match((error as Error).message, /bad\.txt:2: expected two non-negative integer vertex ids/);
  }
});

test.run();
