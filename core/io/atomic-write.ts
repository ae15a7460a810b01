/**
 * Atomic file output: every file gasworks writes goes first to a temporary
 * file in the destination's own directory (so the final rename never crosses
 * a file system), is flushed to disk with fsync, and is then renamed over the
 * destination. A reader therefore sees either the old file or the complete
 * new one, never a half-written one; on any failure the temporary file is
 * removed. A process killed mid-write (kill -9, out of memory) cannot remove
 * its own: the next write of the same destination removes the temporary files
 * of that destination whose process is gone (their name carries its pid).
 * `writeFileAtomic` writes a whole value or a sequence of chunks;
 * `openAtomic` hands out a writer for output produced piece by piece, which
 * must end with `commit()` (publish) or `abort()` (discard).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

/** What can be written: text (UTF-8) or the bytes of any typed array or Buffer (shared memory too). */
export type Chunk = string | ArrayBufferView;

/** Largest single write; fs calls take at most 2^31-1 bytes. */
const MAX_WRITE = 1 << 30;

/** File-system errors a user can cause (bad path, no permission, full disk): reported without a stack trace. */
const USER_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENAMETOOLONG']);

/** A chunk's bytes (a string as UTF-8), without a copy for typed arrays. */
export function chunkBytes(chunk: Chunk): Uint8Array {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function tempPathFor(path: string): string {
  removeStaleTemps(path);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Whether process `pid` is running on this machine (EPERM: running, as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporary files `tempPathFor` made for `path` in processes that are gone: what a
 * write killed before its commit or abort left behind. Best effort: a folder that cannot be
 * listed is left alone (opening the new temporary file then reports the problem).
 */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (m === null || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/** What each user-fixable error means, in words that name no temporary file. */
const MEANING: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of its path is not a folder',
  EISDIR: 'it is a folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
};

/** Re-throw a file-system error as a UsageError naming the path (never the temporary file) when the user can fix it. */
function explain(error: unknown, path: string, action: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && USER_CODES.has(code)) {
    return new UsageError(`cannot ${action} ${path}: ${MEANING[code] ?? code} (${code})`);
  }
  return error;
}

/** fsync the directory so the rename itself survives a crash (best effort: not every platform allows it). */
function syncDirectorySync(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Directories cannot be opened for fsync on some platforms (Windows); the data itself is synced.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // See syncDirectorySync.
  } finally {
    await handle?.close();
  }
}

/** A file being written atomically: nothing appears at `path` until `commit()` resolves. */
export interface AtomicFile {
  /** The destination. */
  readonly path: string;
  /** The temporary file receiving the bytes. */
  readonly tempPath: string;
  /** Bytes written so far. */
  readonly bytesWritten: number;
  /** Append a chunk. */
  write(chunk: Chunk): Promise<void>;
  /** Flush to disk and rename over `path`. On failure the temporary file is removed. */
  commit(): Promise<void>;
  /** Discard everything written; safe to call more than once and after a failed commit. */
  abort(): Promise<void>;
}

class AtomicFileImpl implements AtomicFile {
  bytesWritten = 0;
  private done = false;

  constructor(
    readonly path: string,
    readonly tempPath: string,
    private readonly handle: FileHandle,
  ) {}

  private live(action: string): void {
    if (this.done) throw new Error(`openAtomic(${this.path}): ${action} after commit or abort`);
  }

  async write(chunk: Chunk): Promise<void> {
    this.live('write');
    const bytes = chunkBytes(chunk);
    try {
      let at = 0;
      while (at < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, at, Math.min(MAX_WRITE, bytes.length - at));
        at += bytesWritten;
      }
      this.bytesWritten += bytes.length;
    } catch (error) {
      await this.abort();
      throw explain(error, this.path, 'write');
    }
  }

  async commit(): Promise<void> {
    this.live('commit');
    try {
      await this.handle.sync();
      await this.handle.close();
      this.done = true;
      await rename(this.tempPath, this.path);
    } catch (error) {
      await this.abort();
      throw explain(error, this.path, 'write');
    }
    await syncDirectory(dirname(this.path));
  }

  async abort(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.handle.close().catch(() => {});
    }
    await unlink(this.tempPath).catch(() => {});
  }
}

/** Start writing `path` atomically. Throws a UsageError when the directory is missing or not writable. */
export async function openAtomic(path: string): Promise<AtomicFile> {
  const tempPath = tempPathFor(path);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, 'wx');
  } catch (error) {
    throw explain(error, path, 'write');
  }
  return new AtomicFileImpl(path, tempPath, handle);
}

/**
 * Write `data` (one chunk, or chunks in order, possibly produced asynchronously)
 * to `path` atomically.
 */
export async function writeFileAtomic(
  path: string,
  data: Chunk | Iterable<Chunk> | AsyncIterable<Chunk>,
): Promise<void> {
  const file = await openAtomic(path);
  try {
    if (typeof data === 'string' || ArrayBuffer.isView(data)) {
      await file.write(data);
    } else {
      for await (const chunk of data) await file.write(chunk);
    }
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}

/** Synchronous `writeFileAtomic` for one chunk or an array of chunks (written in order, not concatenated). */
export function writeFileAtomicSync(path: string, data: Chunk | readonly Chunk[]): void {
  const tempPath = tempPathFor(path);
  let fd: number;
  try {
    fd = openSync(tempPath, 'wx');
  } catch (error) {
    throw explain(error, path, 'write');
  }
  try {
    const chunks = typeof data === 'string' || ArrayBuffer.isView(data) ? [data] : data;
    for (const chunk of chunks) {
      const bytes = chunkBytes(chunk);
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, Math.min(MAX_WRITE, bytes.length - at));
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(tempPath);
    } catch {
      // Already gone.
    }
    throw explain(error, path, 'write');
  }
  closeSync(fd);
  try {
    renameSync(tempPath, path);
  } catch (error) {
    try {
      unlinkSync(tempPath);
    } catch {
      // Already gone.
    }
    throw explain(error, path, 'write');
  }
  syncDirectorySync(dirname(path));
}
