/**
 * Test helper (not a test file): assert that a loader rejects with an
 * InputError whose message names the file and the 1-based line, plus a
 * fragment of what was expected or found. Also writes small text files.
 */
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { InputError } from '../../../../core/errors.js';

export async function rejectsInput(promise: Promise<unknown>, file: string, line: number | null, fragment?: string | RegExp): Promise<void> {
  let error: unknown = null;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof InputError, `expected an InputError for ${file}${line === null ? '' : ':' + line}, got ${String(error)}`);
  const message = (error as InputError).message;
  assert.ok(message.includes(file), `message names the file: ${message}`);
  if (line !== null) assert.ok(message.includes(`:${line}:`), `message names line ${line}: ${message}`);
  if (fragment !== undefined) {
    const ok = typeof fragment === 'string' ? message.includes(fragment) : fragment.test(message);
    assert.ok(ok, `message mentions ${String(fragment)}: ${message}`);
  }
}

/** Write `text` to dir/name (gzipped when the name ends in .gz) and return the path. */
export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(Buffer.from(text)) : text);
  return path;
}
