/**
 * A reusable barrier for the asynchronous engine's sweeps and colour steps,
 * over a few words of shared memory: the last thread to arrive runs a short
 * serial action (reset a cursor, decide whether to go on) before releasing the
 * others, so one barrier both synchronises and publishes the decision. Waiting
 * threads spin briefly on a plain atomic load (under a microsecond when the
 * others are close), then sleep in Atomics.wait. With one thread it just runs
 * the action.
 */

/** Int32 words a barrier needs, from `base` in its control array. */
export const BARRIER_WORDS = 2;

const SPINS = 4000;

export class SweepBarrier {
  private readonly control: Int32Array;
  private readonly count: number;
  private readonly generation: number;
  private readonly threads: number;

  /** `control[base]` and `control[base + 1]` must start at zero and be used by nothing else. */
  constructor(control: Int32Array, base: number, threads: number) {
    this.control = control;
    this.count = base;
    this.generation = base + 1;
    this.threads = threads;
  }

  /**
   * Release every thread waiting here without the others arriving (a thread
   * failed): waiters return as if the barrier had passed and must check the
   * run's abort flag.
   */
  breakAll(): void {
    Atomics.add(this.control, this.generation, 1);
    Atomics.notify(this.control, this.generation);
  }

  /** Wait until all threads arrive; the last to arrive runs `serial` first. */
  arrive(serial: (() => void) | null): void {
    const control = this.control;
    if (this.threads === 1) {
      if (serial) serial();
      return;
    }
    const generation = Atomics.load(control, this.generation);
    if (Atomics.add(control, this.count, 1) === this.threads - 1) {
      if (serial) serial();
      Atomics.store(control, this.count, 0);
      Atomics.add(control, this.generation, 1);
      Atomics.notify(control, this.generation);
      return;
    }
    for (let i = 0; i < SPINS; i++) if (Atomics.load(control, this.generation) !== generation) return;
    while (Atomics.load(control, this.generation) === generation) Atomics.wait(control, this.generation, generation);
  }
}
