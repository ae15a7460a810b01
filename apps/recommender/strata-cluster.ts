/**
 * Stratified SGD for matrix factorisation across machines (DSGD): the
 * coordinator's side of strata-machine.ts. The blocks are cut as on one
 * machine (prepareStrata), each machine is sent the ratings of its user
 * blocks (b mod machines), the epochs run as rounds, and the training RMSE
 * of an epoch sums the block losses in block order, as one process does:
 * the factors and the RMSEs equal trainSgdStrata's bit for bit.
 */
import { fileURLToPath } from 'node:url';
import { relative, sep } from 'node:path';
import type { Graph } from '../../core/graph/graph.js';
import type { ClusterSecurity } from '../../core/cluster/security.js';
import { toFloat64 } from '../../core/cluster/wire.js';
import { STRATA_DEFAULT, prepareStrata, type StrataOptions } from './sgd-strata.js';

export interface StrataClusterOptions extends Omit<StrataOptions, 'threads'> {
  workers: readonly string[];
  security?: ClusterSecurity;
}

const bytesOf = (a: Float64Array | Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export async function trainSgdStrataCluster(
  graph: Graph,
  options: StrataClusterOptions,
  onEpoch?: (epoch: number, rmse: number) => void,
): Promise<{ factors: Float64Array; trainRmse: number[]; computeSeconds: number; bytesSent: number }> {
  const { TrainingCluster } = await import('../../core/cluster/training/cluster.js');
  const { packageRoot } = await import('../../core/cluster/program-shipping.js');
  const strata = options.strata ?? STRATA_DEFAULT;
  const shared = prepareStrata(graph, { ...options, strata, threads: 1 });
  const M = options.workers.length;
  const width = options.rank + 1;
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const module = relative(packageRoot, fileURLToPath(new URL(`./machine-trainer${ext}`, import.meta.url))).split(sep).join('/');
  const args = {
    mode: 'strata', strata, numVertices: graph.numVertices, numUsers: options.numUsers, rank: options.rank, eta: shared.eta, lambda: shared.lambda, biases: shared.biases,
    mean: shared.mean, seed: options.seed, blockOffsets: Array.from(shared.blockOffsets), userBounds: Array.from(shared.userBounds), itemBounds: Array.from(shared.itemBounds),
  };
  const setupFor = (m: number): { args: Record<string, unknown>; parts: Uint8Array[] } => {
    const parts: Uint8Array[] = [];
    for (let b = m; b < strata; b += M) {
      const from = shared.blockOffsets[b * strata];
      const to = shared.blockOffsets[(b + 1) * strata];
      parts.push(bytesOf(shared.users.slice(from, to)), bytesOf(shared.items.slice(from, to)), bytesOf(shared.values.slice(from, to)));
    }
    return { args, parts };
  };
  const cluster = await TrainingCluster.open({ workers: options.workers, security: options.security, module, who: 'trainSgdStrataCluster' }, setupFor);
  const started = performance.now();
  const trainRmse: number[] = [];
  let bytesSent = 0;
  try {
    const blockLoss = new Float64Array(strata * strata);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const replies = await cluster.all<{ blockLoss: Array<[number, number]>; bytes: number }>('round');
      for (const r of replies) {
        bytesSent += r.json.bytes;
        for (const [c, loss] of r.json.blockLoss) blockLoss[c] = loss;
      }
      let total = 0;
      for (let c = 0; c < strata * strata; c++) total += blockLoss[c];
      const rmse = shared.ratings === 0 ? 0 : Math.sqrt(total / shared.ratings);
      trainRmse.push(rmse);
      onEpoch?.(epoch + 1, rmse);
    }
    const computeSeconds = (performance.now() - started) / 1000;
    const factors = Float64Array.from(shared.factors);
    const U = options.numUsers;
    const replies = await cluster.all<{ blocks: number[] }>('collect');
    for (const r of replies) {
      r.json.blocks.forEach((b, i) => {
        factors.set(toFloat64(r.parts[2 * i]), shared.userBounds[b] * width);
        factors.set(toFloat64(r.parts[2 * i + 1]), (U + shared.itemBounds[b]) * width);
      });
    }
    return { factors, trainRmse, computeSeconds, bytesSent };
  } finally {
    await cluster.release();
  }
}
