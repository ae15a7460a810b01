/**
 * A worker's checkpoints on disk (`gasworks worker --checkpoint-dir DIR`):
 * at a checkpoint each machine writes its own part, atomically, to one file
 * under DIR: the rows of the vertices it masters and of its own edges (by
 * whole-graph ids), the active vertices it masters and the aggregates. The
 * files of all machines together are the run's state, and no machine, the
 * coordinator included, ever holds a whole copy. To roll back, every machine
 * reads each machine's file in turn and keeps the rows of what it holds;
 * a spare in a lost machine's place does the same, so DIR must be storage
 * every worker of the run reads (the same path on each machine).
 *
 * File: `<job>.m<machine>.s<superstep>.gwc`: the line "gasworks checkpoint
 * 1", a JSON line {job, machine, superstep, parts: [byte lengths], mac}, then
 * the parts: vertex ids, vertex columns, edge ids, edge columns, active ids,
 * aggregates (the column counts are the program's). Shared storage is not
 * the cluster: with a secret, `mac` is an HMAC-SHA256 under a key derived
 * from it over the header's other fields and every part, checked before a
 * row is used; only a regular file (no link, no device, no pipe) is read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { lstat, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { WireBatch } from './job.js';
import { bytesOf } from './wire.js';

const MAGIC = 'gasworks checkpoint 1\n';

/** What one machine writes at a checkpoint. */
export interface MachineCheckpoint {
  vertices: WireBatch;
  edges: WireBatch;
  active: Uint32Array;
  aggregates: Float64Array;
}

export class CheckpointFiles {
  /** `key`: the cluster's checkpoint key (ClusterSecret.checkpointKey), or null for a cluster without a secret. */
  constructor(
    readonly dir: string,
    private readonly key: Buffer | null = null,
  ) {}

  /** The MAC of a file's fields and parts (hex), or '' without a key. */
  private mac(job: string, machine: number, superstep: number, parts: Uint8Array[]): string {
    if (this.key === null) return '';
    const mac = createHmac('sha256', this.key).update(JSON.stringify({ job, machine, superstep, parts: parts.map((p) => p.byteLength) }));
    for (const part of parts) mac.update(part);
    return mac.digest('hex');
  }

  private path(job: string, machine: number, superstep: number): string {
    return join(this.dir, `${job}.m${machine}.s${superstep}.gwc`);
  }

  /** Write machine `machine`'s part of the checkpoint after `superstep`; its size in bytes. */
  async write(job: string, machine: number, superstep: number, data: MachineCheckpoint): Promise<number> {
    const parts = [data.vertices.ids, ...(data.vertices.columns ?? []), data.edges.ids, ...(data.edges.columns ?? []), bytesOf(data.active), bytesOf(data.aggregates)];
    const header = MAGIC + JSON.stringify({ job, machine, superstep, parts: parts.map((p) => p.byteLength), mac: this.mac(job, machine, superstep, parts) }) + '\n';
    await writeFileAtomic(this.path(job, machine, superstep), [header, ...parts]);
    return header.length + parts.reduce((sum, p) => sum + p.byteLength, 0);
  }

  /** Machine `machine`'s part of the checkpoint after `superstep`, split by the program's column counts. */
  async read(job: string, machine: number, superstep: number, vertexColumns: number, edgeColumns: number): Promise<MachineCheckpoint> {
    const path = this.path(job, machine, superstep);
    let bytes: Buffer;
    try {
      const info = await lstat(path);
      if (!info.isFile()) throw new UsageError(`${path}: a checkpoint must be a regular file, not a link, device or pipe`);
      bytes = await readFile(path);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`job ${job}: no checkpoint of machine ${machine} after superstep ${superstep} at ${path} (${code ?? (error as Error).message}); --checkpoint-dir must be storage every worker of the run reads`);
    }
    const bad = (why: string): UsageError => new UsageError(`${path}: not a checkpoint of job ${job} (${why})`);
    if (bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw bad('no header');
    const end = bytes.indexOf(10, MAGIC.length);
    if (end < 0) throw bad('no header');
    let meta: { job?: unknown; machine?: unknown; superstep?: unknown; parts?: unknown; mac?: unknown };
    try {
      meta = JSON.parse(bytes.subarray(MAGIC.length, end).toString('utf8')) as typeof meta;
    } catch {
      throw bad('a header that is not JSON');
    }
    const sizes = meta.parts;
    const expected = 4 + vertexColumns + edgeColumns;
    if (meta.job !== job || meta.machine !== machine || meta.superstep !== superstep || !Array.isArray(sizes) || sizes.length !== expected || !sizes.every((n) => Number.isInteger(n) && n >= 0)) {
      throw bad(`its header says ${JSON.stringify({ job: meta.job, machine: meta.machine, superstep: meta.superstep })} with ${Array.isArray(sizes) ? sizes.length : 0} parts; expected ${expected}`);
    }
    let at = end + 1;
    const parts = (sizes as number[]).map((n) => {
      // Copied: a typed array over these bytes needs them aligned.
      const part = new Uint8Array(bytes.subarray(at, at + n));
      at += n;
      return part;
    });
    if (at !== bytes.length) throw bad(`${bytes.length} bytes where its header says ${at}`);
    const expectedMac = Buffer.from(this.mac(job, machine, superstep, parts), 'hex');
    const givenMac = Buffer.from(typeof meta.mac === 'string' && /^[0-9a-f]*$/.test(meta.mac) ? meta.mac : '', 'hex');
    if (expectedMac.length !== givenMac.length || !timingSafeEqual(expectedMac, givenMac)) throw bad('its MAC does not match: written without the cluster\'s token, or altered');
    let i = 0;
    const take = (count: number): Uint8Array[] => parts.slice(i, (i += count));
    const [vertexIds] = take(1);
    const vertexData = take(vertexColumns);
    const [edgeIds] = take(1);
    const edgeData = take(edgeColumns);
    const [active, aggregates] = take(2);
    if (vertexIds.byteLength % 4 !== 0 || edgeIds.byteLength % 4 !== 0 || active.byteLength % 4 !== 0 || aggregates.byteLength % 8 !== 0) throw bad('parts of uneven sizes');
    return {
      vertices: { machine, ids: vertexIds, columns: vertexData },
      edges: { machine, ids: edgeIds, columns: edgeData },
      active: new Uint32Array(active.buffer, active.byteOffset, active.byteLength / 4),
      aggregates: new Float64Array(aggregates.buffer, aggregates.byteOffset, aggregates.byteLength / 8),
    };
  }

  /** Remove machine `machine`'s files of job `job` after supersteps before `keepFrom` (all: Infinity). */
  async drop(job: string, machine: number, keepFrom = Infinity): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const prefix = `${job}.m${machine}.s`;
    // The atomic writer's temporary files of a write cut short too (`.<name>.<pid>.<hex>.tmp`).
    const superstepOf = (name: string): number => {
      const base = name.startsWith('.') ? name.slice(1, name.indexOf('.gwc') + 4) : name;
      return base.startsWith(prefix) && base.endsWith('.gwc') ? Number(base.slice(prefix.length, -4)) : NaN;
    };
    await Promise.all(names.filter((name) => superstepOf(name) < keepFrom).map((name) => rm(join(this.dir, name), { force: true })));
  }
}
