/**
 * What the coordinator and workers share about the wire: the gRPC service
 * loaded from gasworks.proto, channel options (message size limits: a graph
 * or a superstep's batch can be hundreds of megabytes, so the default is
 * large, and a worker can set its own), and the
 * conversions between typed arrays and the `bytes` fields. Received bytes
 * are copied into fresh buffers before a typed view is made, because gRPC
 * hands them over at offsets that are not aligned for 4- or 8-byte views.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Columns, Schema } from '../graph/columns.js';
import { parseFieldType } from '../graph/columns.js';
import type { NumericArray } from '../graph/shared.js';

/** Where gasworks.proto is: beside this module in the sources, or two levels up from dist/. */
function protoPath(): string {
  for (const relative of ['./gasworks.proto', '../../../core/cluster/gasworks.proto']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('gasworks cluster: gasworks.proto not found beside core/cluster (is the package installed whole?)');
}

/**
 * The version of gasworks.proto and of the data channel's frames; Setup carries it and a worker
 * refuses another (fields were renumbered between versions). Bump it with any change to either.
 */
export const PROTOCOL_VERSION = 7;

/** The trailer metadata key that names the lost machine of a PeerLost. */
export const LOST_MACHINE_KEY = 'gasworks-lost-machine';

let service: grpc.ServiceClientConstructor | null = null;

/** The GasWorker service's client constructor (its `.service` is the definition a server adds). */
export function gasWorkerService(): grpc.ServiceClientConstructor {
  if (service === null) {
    const definition = protoLoader.loadSync(protoPath(), { keepCase: false, longs: Number, defaults: true });
    const root = grpc.loadPackageDefinition(definition) as unknown as { gasworks: { cluster: { GasWorker: grpc.ServiceClientConstructor } } };
    service = root.gasworks.cluster.GasWorker;
  }
  return service;
}

/** One method of the GasWorker service: its path and its messages' (de)serializers. */
export type MethodDefinition = grpc.MethodDefinition<object, object>;

/** The GasWorker service's methods by name. */
export function gasWorkerMethods(): Record<string, MethodDefinition> {
  return gasWorkerService().service as unknown as Record<string, MethodDefinition>;
}

/** A message's size limit by default, both ways: 1 GiB (a worker's own is `--max-message-mb`). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

/** gRPC channel options with a message size limit (the largest gRPC takes is 2 GiB - 1). */
export function channelOptions(maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES): grpc.ChannelOptions {
  const limit = Math.min(maxMessageBytes, 2 ** 31 - 1);
  return { 'grpc.max_receive_message_length': limit, 'grpc.max_send_message_length': limit };
}

/** The coordinator's side: it takes what its authenticated workers send, up to gRPC's own limit. */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = channelOptions(2 ** 31 - 1);

/** The bytes of a typed array, without a copy. */
export function bytesOf(array: NumericArray | Uint16Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** An aligned copy of received bytes. */
function aligned(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

export const toUint32 = (bytes: Uint8Array): Uint32Array => new Uint32Array(aligned(bytes));

/** A view of bytes that start at a multiple of the element size (the data channel's parts do), else a copy. */
function viewOf<T>(bytes: Uint8Array, width: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T {
  if (bytes.byteOffset % width === 0 && bytes.byteLength % width === 0) return make(bytes.buffer, bytes.byteOffset, bytes.byteLength / width);
  const copy = aligned(bytes);
  return make(copy, 0, copy.byteLength / width);
}
export const viewUint32 = (bytes: Uint8Array): Uint32Array => viewOf(bytes, 4, (b, o, n) => new Uint32Array(b, o, n));
export const viewFloat64 = (bytes: Uint8Array): Float64Array => viewOf(bytes, 8, (b, o, n) => new Float64Array(b, o, n));
export const toUint16 = (bytes: Uint8Array): Uint16Array => new Uint16Array(aligned(bytes));
export const toFloat64 = (bytes: Uint8Array): Float64Array => new Float64Array(aligned(bytes));

const VIEW = { f64: Float64Array, f32: Float32Array, u32: Uint32Array, i32: Int32Array, u8: Uint8Array } as const;

/** Columns of a schema, in key order, with their element type and width. */
function columnLayouts(schema: Schema): Array<{ name: string; view: (typeof VIEW)[keyof typeof VIEW]; width: number }> {
  return Object.keys(schema).map((name) => {
    const layout = parseFieldType(name, schema[name]);
    return { name, view: VIEW[layout.scalar], width: layout.width };
  });
}

/** The rows `ids[0..count)` of every column, one buffer per column in schema key order. */
export function packRows(schema: Schema, columns: Columns<Schema>, ids: Uint32Array, count: number): Buffer[] {
  return new RowPacker(schema).pack(columns, ids, count);
}

/**
 * Packs rows into buffers it keeps and reuses (one per column, grown as
 * needed): a packer's last result stays valid until its next `pack`.
 */
export class RowPacker {
  private readonly layouts: ReturnType<typeof columnLayouts>;
  private readonly buffers: NumericArray[];

  constructor(schema: Schema) {
    this.layouts = columnLayouts(schema);
    this.buffers = this.layouts.map(({ view }) => new view(0));
  }

  pack(columns: Columns<Schema>, ids: Uint32Array, count: number): Buffer[] {
    return this.layouts.map(({ name, view, width }, c) => {
      const column = columns[name] as NumericArray;
      if (this.buffers[c].length < count * width) this.buffers[c] = new view(count * width);
      const out = this.buffers[c];
      if (width === 1) for (let i = 0; i < count; i++) out[i] = column[ids[i]];
      else {
        for (let i = 0; i < count; i++) {
          const from = ids[i] * width;
          for (let w = 0; w < width; w++) out[i * width + w] = column[from + w];
        }
      }
      return bytesOf(out.subarray(0, count * width));
    });
  }
}

/** Write packed rows back into `columns` at `ids`. */
export function unpackRows(schema: Schema, columns: Columns<Schema>, ids: Uint32Array, packed: Uint8Array[]): void {
  columnLayouts(schema).forEach(({ name, view, width }, c) => {
    const column = columns[name] as NumericArray;
    const bytes = packed[c];
    const rows = viewOf(bytes, view.BYTES_PER_ELEMENT, (b, o, n) => new view(b as ArrayBuffer, o, n));
    if (rows.length !== ids.length * width) {
      throw new Error(`gasworks cluster: column ${name} has ${rows.length} values for ${ids.length} rows of width ${width}`);
    }
    for (let i = 0; i < ids.length; i++) {
      const to = ids[i] * width;
      for (let w = 0; w < width; w++) column[to + w] = rows[i * width + w];
    }
  });
}


/** The message of an error that crossed gRPC, without its status-code prefix. */
export function remoteMessage(error: unknown): string {
  const e = error as { details?: string; message?: string };
  return e.details || e.message || String(error);
}
