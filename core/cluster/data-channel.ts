/**
 * The cluster's bulk data path: framed binary messages over plain TCP
 * between workers, beside gRPC's control calls (gRPC on loopback moves
 * 230-300 MB/s and costs milliseconds per batch of a few hundred kilobytes,
 * raw TCP about 2 GB/s). In each exchange of a superstep (partials to
 * masters, rows to mirrors) every worker sends every other worker exactly
 * one frame, empty or not, so a receiver knows when it has them all. A frame
 * names its job, epoch (bumped when a run rolls back, so frames from before
 * are dropped), superstep, exchange and sender, and carries a list of byte
 * parts, each starting at a multiple of 8 bytes so that typed-array views of
 * it need no copy.
 *
 * Frame: magic u32 'GWDF' | epoch u32 | superstep u32 | exchange u8 | 0 u8 |
 * from u16 | parts u16 | 0 u16 | job 16 bytes ASCII | length u32 per part,
 * padded to 8 | the parts, each padded to 8. Little-endian.
 */
import { parseAddress } from '../util/address.js';
import { createServer, connect, type Server, type Socket } from 'node:net';

const MAGIC = 0x46445747; // 'GWDF'
const FIXED = 40;
const pad8 = (x: number): number => (x + 7) & ~7;

export interface Frame {
  job: string;
  epoch: number;
  superstep: number;
  exchange: number;
  from: number;
  parts: Uint8Array[];
}

function encodeFrame(frame: Frame): Buffer[] {
  const { parts } = frame;
  if (Buffer.byteLength(frame.job) !== 16) throw new Error(`data channel: a job id is 16 characters; got ${JSON.stringify(frame.job)}`);
  const head = Buffer.alloc(FIXED + pad8(4 * parts.length));
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(frame.epoch, 4);
  head.writeUInt32LE(frame.superstep, 8);
  head.writeUInt8(frame.exchange, 12);
  head.writeUInt16LE(frame.from, 14);
  head.writeUInt16LE(parts.length, 16);
  head.write(frame.job, 20, 'latin1');
  parts.forEach((part, i) => head.writeUInt32LE(part.byteLength, FIXED + 4 * i));
  const out: Buffer[] = [head];
  for (const part of parts) {
    if (part.byteLength > 0) out.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
    const gap = pad8(part.byteLength) - part.byteLength;
    if (gap > 0) out.push(Buffer.alloc(gap));
  }
  return out;
}

/** Reads frames out of one socket's byte stream. */
class FrameReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private stage: 'head' | 'lengths' | 'body' = 'head';
  private head: Buffer | null = null;
  private lengths: number[] = [];

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.have += chunk.length;
    for (;;) {
      const need = this.stage === 'head' ? FIXED : this.stage === 'lengths' ? pad8(4 * this.head!.readUInt16LE(16)) : this.lengths.reduce((s, n) => s + pad8(n), 0);
      if (this.have < need) return;
      const bytes = this.take(need);
      if (this.stage === 'head') {
        if (bytes.readUInt32LE(0) !== MAGIC) throw new Error('data channel: a frame does not start with the magic number (not a gasworks worker on the other end?)');
        this.head = bytes;
        this.stage = 'lengths';
      } else if (this.stage === 'lengths') {
        const parts = this.head!.readUInt16LE(16);
        this.lengths = Array.from({ length: parts }, (_, i) => bytes.readUInt32LE(4 * i));
        this.stage = 'body';
      } else {
        const parts: Uint8Array[] = [];
        let at = 0;
        for (const length of this.lengths) {
          parts.push(bytes.subarray(at, at + length));
          at += pad8(length);
        }
        const h = this.head!;
        this.stage = 'head';
        this.onFrame({ job: h.toString('latin1', 20, 36), epoch: h.readUInt32LE(4), superstep: h.readUInt32LE(8), exchange: h.readUInt8(12), from: h.readUInt16LE(14), parts });
      }
    }
  }

  /** The next n bytes, in a buffer of their own that starts 8-aligned. */
  private take(n: number): Buffer {
    const out = Buffer.from(new ArrayBuffer(Math.max(8, n)), 0, n);
    let at = 0;
    while (at < n) {
      const first = this.chunks[0];
      const used = Math.min(first.length, n - at);
      first.copy(out, at, 0, used);
      at += used;
      if (used === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(used);
    }
    this.have -= n;
    return out;
  }
}

interface Waiter {
  key: string;
  count: number;
  resolve: (frames: Frame[]) => void;
  reject: (error: Error) => void;
}

/** A peer's data channel could not be reached, or dropped the connection, while frames were going to it. */
export class PeerUnreachable extends Error {
  constructor(
    readonly address: string,
    why: string,
  ) {
    super(`cannot reach the data channel at ${address}: ${why}`);
  }
}

/** Seconds to open a connection to a peer before it counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/** One worker's end of the data path: a TCP server for frames in, a socket per peer for frames out. */
export class DataChannel {
  private readonly server: Server;
  private readonly outgoing = new Map<string, Socket>();
  private readonly incoming = new Set<Socket>();
  /** Frames received, by job/epoch/superstep/exchange, until someone asks for them. */
  private readonly mailbox = new Map<string, Frame[]>();
  private readonly waiters = new Map<string, Waiter>();
  port = 0;
  /** Frames for which this returns false are dropped on arrival (jobs gone, epochs past). */
  accept: (frame: Frame) => boolean = () => true;
  /** Called when a connection to a peer fails or drops with frames still to deliver, or at all. */
  onPeerUnreachable: (error: PeerUnreachable) => void = () => undefined;

  private constructor() {
    this.server = createServer((socket) => {
      this.incoming.add(socket);
      socket.setNoDelay(true);
      const reader = new FrameReader((frame) => this.deliver(frame));
      socket.on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch {
          socket.destroy();
        }
      });
      socket.on('error', () => socket.destroy());
      socket.on('close', () => this.incoming.delete(socket));
    });
  }

  /** Listen on `host`, a free port. */
  static async listen(host: string): Promise<DataChannel> {
    const channel = new DataChannel();
    await new Promise<void>((resolve, reject) => {
      channel.server.once('error', reject);
      channel.server.listen(0, parseAddress('data channel', `${host}:0`).bareHost, () => resolve());
    });
    const address = channel.server.address();
    channel.port = typeof address === 'object' && address !== null ? address.port : 0;
    return channel;
  }

  private static key(job: string, epoch: number, superstep: number, exchange: number): string {
    return `${job}/${epoch}/${superstep}/${exchange}`;
  }

  private deliver(frame: Frame): void {
    if (!this.accept(frame)) return;
    const key = DataChannel.key(frame.job, frame.epoch, frame.superstep, frame.exchange);
    const frames = this.mailbox.get(key) ?? [];
    frames.push(frame);
    this.mailbox.set(key, frames);
    const waiter = this.waiters.get(key);
    if (waiter && frames.length >= waiter.count) {
      this.waiters.delete(key);
      this.mailbox.delete(key);
      waiter.resolve(frames);
    }
  }

  /**
   * Send `frame` to the worker whose data port is at `address` (host:port). The parts are not
   * copied: the caller must leave them alone until the receiver has them (see job.ts). A failed
   * or dropped connection is reported through `onPeerUnreachable`.
   */
  send(address: string, frame: Frame): void {
    let socket = this.outgoing.get(address);
    if (socket === undefined || socket.destroyed) {
      const { bareHost, port } = parseAddress('data channel', address);
      const opened = connect({ host: bareHost, port, timeout: CONNECT_TIMEOUT_MS });
      opened.setNoDelay(true);
      const lost = (why: string): void => {
        if (this.outgoing.get(address) === opened) this.outgoing.delete(address);
        opened.destroy();
        this.onPeerUnreachable(new PeerUnreachable(address, why));
      };
      opened.once('connect', () => opened.setTimeout(0));
      opened.once('timeout', () => lost(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`));
      opened.once('error', (error) => lost(error.message));
      opened.once('close', () => {
        if (this.outgoing.get(address) === opened) this.outgoing.delete(address);
      });
      this.outgoing.set(address, opened);
      socket = opened;
    }
    for (const buffer of encodeFrame(frame)) socket.write(buffer);
  }

  /** The frames of one exchange, once `count` have arrived (ordered by sender). */
  receive(job: string, epoch: number, superstep: number, exchange: number, count: number): Promise<Frame[]> {
    const key = DataChannel.key(job, epoch, superstep, exchange);
    const have = this.mailbox.get(key) ?? [];
    const byFrom = (frames: Frame[]): Frame[] => frames.sort((a, b) => a.from - b.from);
    if (have.length >= count) {
      this.mailbox.delete(key);
      return Promise.resolve(byFrom(have));
    }
    return new Promise((resolve, reject) => this.waiters.set(key, { key, count, resolve: (frames) => resolve(byFrom(frames)), reject }));
  }

  /** Fail the waits of a job (its run is being rolled back or ended) with `why`, and drop its frames. */
  abort(job: string, why: string | Error): void {
    for (const [key, waiter] of this.waiters) {
      if (key.startsWith(`${job}/`)) {
        this.waiters.delete(key);
        waiter.reject(typeof why === 'string' ? new Error(why) : why);
      }
    }
    for (const key of this.mailbox.keys()) if (key.startsWith(`${job}/`)) this.mailbox.delete(key);
  }

  /** Stop: every wait fails, every connection closes. */
  close(): void {
    for (const waiter of this.waiters.values()) waiter.reject(new Error('the worker is shutting down'));
    this.waiters.clear();
    this.mailbox.clear();
    for (const socket of this.outgoing.values()) socket.destroy();
    for (const socket of this.incoming) socket.destroy();
    this.server.close();
  }
}
