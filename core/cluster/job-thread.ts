/**
 * A cluster job's helper thread (job-threads.ts has the protocol): set up
 * the job's program over the shared arrays, then run chunks of each phase
 * the main thread starts, until it says STOP. The thread then waits for the
 * next job (helpers are pooled).
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { prepareInWorker } from '../engine/run-setup.js';
import { PHASE, runChunk, threadKernels } from './job-kernels.js';
import { CONTROL, type HelperData, type HelperMessage } from './job-threads.js';


async function serve(data: HelperData): Promise<void> {
  const { control, arrays } = data;
  let kernels;
  let names: string[] = [];
  let aggregates: Record<string, number> = {};
  try {
    const { program, fns, aggregators, aggregates: record } = await prepareInWorker(data);
    names = Object.keys(aggregators);
    aggregates = record;
    const spec = program.accumulator;
    kernels = threadKernels(arrays, fns, spec.kind === 'scalar' ? spec.sum : undefined, data.thread);
  } catch (error) {
    parentPort!.postMessage({ type: 'error', message: `helper thread ${data.thread}: ${(error as Error).message}` } satisfies HelperMessage);
    return;
  }
  // Should this thread end (process.exit in a program, say), it counts itself done and dead, so
  // that the main thread's wait for the phase ends and the job fails instead of hanging.
  const onExit = (): void => {
    Atomics.add(control, CONTROL.DEAD, 1);
    Atomics.add(control, CONTROL.DONE, 1);
    Atomics.notify(control, CONTROL.DONE);
  };
  process.on('exit', onExit);
  let seen = Atomics.load(control, CONTROL.GENERATION);
  parentPort!.postMessage({ type: 'ready' } satisfies HelperMessage);
  const chunks = arrays.chunks.length - 1;
  for (;;) {
    while (Atomics.load(control, CONTROL.GENERATION) === seen) Atomics.wait(control, CONTROL.GENERATION, seen);
    seen = Atomics.load(control, CONTROL.GENERATION);
    const phase = Atomics.load(control, CONTROL.PHASE);
    if (phase === PHASE.STOP) break;
    // ctx.aggregates as the main thread holds them (it wrote them before starting the phase).
    const shared = arrays.aggregateValues;
    if (shared[0] === 1) names.forEach((name, i) => (aggregates[name] = shared[1 + i]));
    else for (const name of names) delete aggregates[name];
    try {
      for (let c = Atomics.add(control, CONTROL.NEXT_CHUNK, 1); c < chunks; c = Atomics.add(control, CONTROL.NEXT_CHUNK, 1)) runChunk(arrays, kernels, phase, c);
    } catch (error) {
      if (Atomics.compareExchange(control, CONTROL.ERROR, 0, 1) === 0) {
        const text = Buffer.from(String((error as Error).message ?? error), 'utf8').subarray(0, data.errorText.length - 1);
        data.errorText.fill(0);
        data.errorText.set(text);
      }
      Atomics.store(control, CONTROL.NEXT_CHUNK, chunks);
    }
    Atomics.add(control, CONTROL.DONE, 1);
    Atomics.notify(control, CONTROL.DONE);
  }
  process.off('exit', onExit);
  parentPort!.postMessage({ type: 'done' } satisfies HelperMessage);
}

if (parentPort && !isMainThread) {
  parentPort.on('message', (data: HelperData) => {
    void serve(data);
  });
}
