/**
 * The contract between a worker's training host (host.ts) and a trainer: the
 * module, bundled with gasworks, that does one machine's share of a
 * distributed training job (apps/sgd/machine-trainer.ts for logistic
 * regression). The host owns the job's life (setup, connection, leases,
 * release, the order of calls) and its wires; the trainer owns the maths. A
 * trainer talks to the other machines of its job through a `TrainerLink`:
 * frames tagged with a sequence number and a tag, sent to one machine,
 * received by (sequence, tag) once as many as expected have arrived, or
 * served as they arrive (a parameter server answers pulls that way).
 */

/** A frame between two machines of a training job. */
export interface TrainerFrame {
  /** The trainer's sequence number (a clock, a step): u32. */
  seq: number;
  /** What the frame is (a pull, a push, a step of a ring): u8. */
  tag: number;
  /** The sending machine. */
  from: number;
  parts: Uint8Array[];
}

export interface TrainerLink {
  readonly machine: number;
  readonly machines: number;
  /**
   * Send `parts` to machine `to` (this machine too: delivered in order, without the network). The
   * parts are not copied: leave them alone until the receiver has them. Returns the bytes that
   * went over the network.
   */
  send(to: number, seq: number, tag: number, parts: Uint8Array[]): number;
  /** The frames of (seq, tag) once `count` have arrived, ordered by sender; fails when the job is aborted or a peer is lost. */
  receive(seq: number, tag: number, count: number): Promise<TrainerFrame[]>;
}

export interface TrainerReply {
  json?: unknown;
  parts?: Uint8Array[];
}

export interface Trainer {
  /** One of the trainer's own calls ('round', 'collect', ...), its arguments and typed arrays. */
  call(op: string, args: Record<string, unknown>, parts: Uint8Array[]): TrainerReply | Promise<TrainerReply>;
  /** A frame as it arrives; true when the trainer took it (else it waits for `receive`). */
  serve?(frame: TrainerFrame): boolean;
  close?(): void;
}

export interface TrainerSetup {
  machine: number;
  machines: number;
  /** Threads the worker was started with (`gasworks worker --threads`). */
  threads: number;
  args: Record<string, unknown>;
  parts: Uint8Array[];
}

/** What a trainer module exports as `createTrainer`. */
export type CreateTrainer = (setup: TrainerSetup, link: TrainerLink) => Trainer | Promise<Trainer>;
