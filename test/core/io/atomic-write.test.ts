import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openAtomic, writeFileAtomic, writeFileAtomicSync } from '../../../core/io/atomic-write.js';
import { UsageError } from '../../../core/errors.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
let counter = 0;
const fresh = (): string => join(dir, `out-${counter++}.bin`);
/** Files in the directory that are not final outputs (temporary leftovers). */
const leftovers = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

test('writeFileAtomic writes text, typed arrays on shared memory, and chunk sequences', async () => {
  const a = fresh();
  await writeFileAtomic(a, 'héllo\n');
  assert.is(readFileSync(a, 'utf8'), 'héllo\n');

  const shared = new Float64Array(new SharedArrayBuffer(3 * 8));
  shared.set([1.5, -2, 1e300]);
  const b = fresh();
  await writeFileAtomic(b, shared.subarray(1));
  const back = readFileSync(b);
  assert.equal(Array.from(new Float64Array(back.buffer.slice(back.byteOffset, back.byteOffset + back.length))), [-2, 1e300]);

  const c = fresh();
  async function* parts(): AsyncGenerator<string | Uint8Array> {
    yield 'ab';
    yield new Uint8Array([0x63, 0x64]);
    yield 'ef';
  }
  await writeFileAtomic(c, parts());
  assert.is(readFileSync(c, 'utf8'), 'abcdef');
  await writeFileAtomic(c, ['x', 'y']);
  assert.is(readFileSync(c, 'utf8'), 'xy');
  assert.equal(leftovers(), []);
});

test('openAtomic: the destination keeps its old content until commit', async () => {
  const path = fresh();
  writeFileSync(path, 'old');
  const file = await openAtomic(path);
  await file.write('new ');
  await file.write(new Uint32Array([0x41414141]));
  assert.is(readFileSync(path, 'utf8'), 'old');
  assert.ok(existsSync(file.tempPath));
  assert.is(file.bytesWritten, 8);
  await file.commit();
  assert.is(readFileSync(path, 'utf8'), 'new AAAA');
  assert.not.ok(existsSync(file.tempPath));
  try {
    await file.write('more');
    assert.unreachable('write after commit must throw');
  } catch (error) {
    assert.match((error as Error).message, /after commit or abort/);
  }
});

test('abort and a failing chunk source leave the old file and no temporary file', async () => {
  const path = fresh();
  writeFileSync(path, 'keep me');
  const file = await openAtomic(path);
  await file.write('discarded');
  await file.abort();
  await file.abort();
  assert.is(readFileSync(path, 'utf8'), 'keep me');

  async function* failing(): AsyncGenerator<string> {
    yield 'partial';
    throw new Error('source broke');
  }
  try {
    await writeFileAtomic(path, failing());
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.is((error as Error).message, 'source broke');
  }
  assert.is(readFileSync(path, 'utf8'), 'keep me');

  const absent = fresh();
  try {
    await writeFileAtomic(absent, failing());
    assert.unreachable('should have thrown');
  } catch {
    assert.not.ok(existsSync(absent));
  }
  assert.equal(leftovers(), []);
});

test('a missing directory is a UsageError naming the path (async and sync)', async () => {
  const path = join(dir, 'no-such-dir', 'x.bin');
  try {
    await writeFileAtomic(path, 'x');
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, path);
  }
  try {
    writeFileAtomicSync(path, 'x');
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, path);
  }
});

test('writeFileAtomicSync writes chunk arrays in order and replaces the old file', () => {
  const path = fresh();
  writeFileSync(path, 'old content that is longer');
  writeFileAtomicSync(path, ['a', new Uint8Array([0x62]), new Uint16Array([0x6463])]);
  assert.is(readFileSync(path, 'utf8'), 'abcd');
  assert.equal(leftovers(), []);
});

test.run();
