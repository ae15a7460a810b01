import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readChunks } from '../../../core/io/read-chunks.js';
import { parseLineBlocks } from '../../../core/io/line-blocks.js';
import { tempDir } from '../../helpers.js';
import { rejectsInput } from '../graph/loaders/input-error.js';

const dir = tempDir();
const text = Array.from({ length: 1500 }, (_, i) => `line ${i} ${'x'.repeat(i % 97)}`).join('\n');

async function readAll(path: string, chunkSize?: number): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of readChunks(path, { chunkSize })) parts.push(chunk);
  return Buffer.concat(parts).toString();
}

test('gzip is detected by its magic bytes, whatever the name', async () => {
  const plain = join(dir, 'plain.gz');
  writeFileSync(plain, text); // named .gz but not gzip
  const hidden = join(dir, 'hidden.txt');
  writeFileSync(hidden, gzipSync(text)); // gzip without the extension
  assert.is(await readAll(plain), text);
  assert.is(await readAll(hidden), text);
  assert.is(await readAll(hidden, 64), text);
});

test('progress reports compressed bytes up to the file size', async () => {
  const path = join(dir, 'progress.gz');
  const bytes = gzipSync(text);
  writeFileSync(path, bytes);
  let last = -1;
  let total = -1;
  for await (const _ of readChunks(path, { chunkSize: 256, onProgress: (done, all) => ((last = done), (total = all)) })) void _;
  assert.is(total, bytes.length);
  assert.is(last, bytes.length);
});

test('line blocks: every line whole, in order, for tiny chunks, CRLF and no final newline', async () => {
  const crlf = text.replace(/\n/g, '\r\n');
  for (const [name, body] of [
    ['lf.txt', text],
    ['crlf.txt', crlf],
    ['final.txt', text + '\n'],
  ] as const) {
    const path = join(dir, name);
    writeFileSync(path, body);
    for (const chunkSize of [7, 100, 1 << 20]) {
      const seen: string[] = [];
      await parseLineBlocks(
        path,
        {
          parse(b, start, end) {
            assert.is(b[end - 1], 10);
            seen.push(b.toString('latin1', start, end));
          },
        },
        { chunkSize },
      );
      const expected = body.endsWith('\n') ? body : body + '\n';
      assert.is(seen.join(''), expected, `${name} at ${chunkSize}`);
    }
  }
});

test('corrupt, truncated and missing files are InputErrors naming the file', async () => {
  const bytes = gzipSync(text);
  const truncated = join(dir, 'truncated.gz');
  writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
  await rejectsInput(readAll(truncated), truncated, null, 'gzip');
  const corrupt = join(dir, 'corrupt.gz');
  const bad = Buffer.from(bytes);
  bad.fill(0x55, 20, 60);
  writeFileSync(corrupt, bad);
  await rejectsInput(readAll(corrupt), corrupt, null, 'gzip');
  const missing = join(dir, 'missing.txt');
  await rejectsInput(readAll(missing), missing, null, 'no such file');
  await rejectsInput(readAll(dir), dir, null, 'directory');
});

test.run();
