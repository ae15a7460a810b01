/**
 * Stream a file as large Buffers, gunzipping transparently: gzip is detected
 * by its magic bytes (1f 8b), not by the file's name. Reading is chunked
 * (1 MiB by default) so that files far larger than memory can be parsed; the
 * caller sees plain decompressed bytes in order. A missing file, an unreadable
 * one and corrupt or truncated gzip data all become an InputError naming the
 * file, never a stack trace.
 */
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';

export interface ReadChunksOptions {
  /** Bytes per read (and per gunzip output chunk). Default 1 MiB. */
  chunkSize?: number;
  /** Called after each chunk with (bytes read from disk, file size): compressed bytes for gzip. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

const DEFAULT_CHUNK = 1 << 20;

/** True when the buffer starts with the gzip magic bytes. */
export function isGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e && e.code === 'ENOENT') return 'no such file';
  if (e && e.code === 'EISDIR') return 'is a directory, expected a file';
  if (e && e.code === 'EACCES') return 'permission denied';
  return e && e.message ? e.message : String(error);
}

/** The file's decompressed bytes, chunk by chunk. */
export async function* readChunks(path: string, options: ReadChunksOptions = {}): AsyncGenerator<Buffer> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new InputError(path, null, `cannot open: ${describe(error)}`);
  }
  let totalBytes: number;
  let gzip: boolean;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    totalBytes = stat.size;
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    gzip = isGzipMagic(head.subarray(0, bytesRead));
  } catch (error) {
    await handle.close();
    throw new InputError(path, null, `cannot read: ${describe(error)}`);
  }

  // The stream owns the handle from here and closes it when done or destroyed.
  const file = handle.createReadStream({ highWaterMark: chunkSize, start: 0 });
  const source: Readable = gzip
    ? pipeline(file, createGunzip({ chunkSize }), () => {})
    : file;
  const progress = options.onProgress;
  try {
    for await (const chunk of source) {
      if (progress) progress(file.bytesRead, totalBytes);
      yield chunk as Buffer;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (gzip && typeof e?.code === 'string' && e.code.startsWith('Z_')) {
      throw new InputError(path, null, `corrupt gzip data (${e.message})`);
    }
    throw new InputError(path, null, `cannot read: ${describe(error)}`);
  } finally {
    source.destroy();
    file.destroy();
  }
}
