/**
 * A trained matrix-factorisation model, what the recommender saves, loads,
 * scores and ranks with: rating(u, i) ~ mean + b_u + b_i + x_u . y_i. Users
 * and items are numbered densely in increasing order of their file ids (as
 * loadRatings numbers them); each has rank + 1 doubles, the factor and then
 * its bias. The file (`.gwm`) is an 8-byte magic, the JSON header's length
 * and a CRC-32 of the payload, the JSON header, padding to 8 bytes, and the
 * payload: user ids, item ids, user rows, item rows, all little-endian f64.
 * It is written to a temporary file and renamed; a damaged or foreign file
 * is an InputError naming it.
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { InputError, UsageError } from '../../core/errors.js';
import { firstNonFinite } from './divergence.js';
import { crc32 } from '../../core/graph/binary.js';
import { writeFileAtomic } from '../../core/io/atomic-write.js';
import { indexOfSorted } from '../../core/util/search.js';

export interface FactorModel {
  /** How it was trained ('als', 'sgd') and with what, for the record. */
  algo: string;
  params: Record<string, number | boolean | string>;
  rank: number;
  mean: number;
  numUsers: number;
  numItems: number;
  /** File id of each dense user / item, ascending. */
  userIds: Float64Array;
  itemIds: Float64Array;
  /** numUsers x (rank + 1): factor, then bias. */
  users: Float64Array;
  /** numItems x (rank + 1). */
  items: Float64Array;
}

/** The predicted rating of dense user u for dense item i. */
export function predict(model: FactorModel, u: number, i: number): number {
  const width = model.rank + 1;
  const a = u * width;
  const b = i * width;
  let score = model.mean + model.users[a + model.rank] + model.items[b + model.rank];
  for (let k = 0; k < model.rank; k++) score += model.users[a + k] * model.items[b + k];
  return score;
}

/** Dense index of a file id in a model's ascending id list (userIds, itemIds), or -1. */
export const indexOfId: (ids: Float64Array, fileId: number) => number = indexOfSorted;

const MAGIC = 'GWMF0001';
const PREAMBLE = 16;

/** Save a model (atomically: temporary file, then rename). */
export async function saveModel(path: string, model: FactorModel): Promise<void> {
  if (endianness() !== 'LE') throw new Error('saveModel: model files are little-endian; this machine is big-endian');
  const bad = nonFiniteEntry(model);
  if (bad !== null) throw new UsageError(`saveModel: the model must hold finite values only; got ${bad} (not saved)`);
  const header = Buffer.from(
    JSON.stringify({
      format: 'gasworks-factor-model',
      algo: model.algo,
      params: model.params,
      rank: model.rank,
      mean: model.mean,
      numUsers: model.numUsers,
      numItems: model.numItems,
    }),
  );
  const padding = (8 - ((PREAMBLE + header.length) % 8)) % 8;
  const sections = [model.userIds, model.itemIds, model.users, model.items].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  let crc = 0;
  for (const s of sections) crc = crc32(s, crc);
  const preamble = Buffer.alloc(PREAMBLE);
  preamble.write(MAGIC, 0, 'latin1');
  preamble.writeUInt32LE(header.length, 8);
  preamble.writeUInt32LE(crc, 12);
  await writeFileAtomic(path, [preamble, header, Buffer.alloc(padding), ...sections]);
}

/** Load a model saved by saveModel; a file that is not one, or is damaged, is an InputError. */
export async function loadModel(path: string): Promise<FactorModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(path, null, `cannot read the model file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (bytes.length < PREAMBLE || bytes.toString('latin1', 0, 8) !== MAGIC) {
    throw new InputError(path, null, `not a gasworks model file (expected it to start with "${MAGIC}"; save one with "gasworks recommend train --save")`);
  }
  const headerLength = bytes.readUInt32LE(8);
  const expectedCrc = bytes.readUInt32LE(12);
  let header: { format?: string; algo: string; params: Record<string, number | boolean | string>; rank: number; mean: number; numUsers: number; numItems: number };
  try {
    header = JSON.parse(bytes.toString('utf8', PREAMBLE, PREAMBLE + headerLength));
  } catch {
    throw new InputError(path, null, 'the model header is not valid JSON (the file is damaged)');
  }
  const { rank, numUsers, numItems } = header;
  if (header.format !== 'gasworks-factor-model' || ![rank, numUsers, numItems].every((x) => Number.isInteger(x) && x >= 0)) {
    throw new InputError(path, null, 'the model header lacks rank, numUsers or numItems (the file is damaged)');
  }
  const start = Math.ceil((PREAMBLE + headerLength) / 8) * 8;
  const counts = [numUsers, numItems, numUsers * (rank + 1), numItems * (rank + 1)];
  const expectedBytes = start + counts.reduce((a, b) => a + b, 0) * 8;
  if (bytes.length !== expectedBytes) {
    throw new InputError(path, null, `expected ${expectedBytes} bytes for ${numUsers} users and ${numItems} items of rank ${rank}, found ${bytes.length} (the file is truncated or damaged)`);
  }
  const arrays: Float64Array[] = [];
  let at = start;
  let crc = 0;
  for (const count of counts) {
    const section = bytes.subarray(at, at + count * 8);
    crc = crc32(section, crc);
    // Copied into an aligned buffer: a Buffer's offset need not be a multiple of 8.
    const array = new Float64Array(count);
    new Uint8Array(array.buffer).set(section);
    arrays.push(array);
    at += count * 8;
  }
  if (crc !== expectedCrc) throw new InputError(path, null, 'checksum mismatch: the model file is damaged');
  const [userIds, itemIds, users, items] = arrays;
  const bad = nonFiniteEntry({ mean: header.mean, users, items, rank });
  if (bad !== null) throw new InputError(path, null, `the model holds a non-finite value (${bad}): it cannot score items; train it again`);
  return { algo: header.algo, params: header.params, rank, mean: header.mean, numUsers, numItems, userIds, itemIds, users, items };
}

/** "user row 3, column 2: NaN" for the first non-finite value of a model, or null. */
function nonFiniteEntry(model: Pick<FactorModel, 'mean' | 'users' | 'items' | 'rank'>): string | null {
  if (!Number.isFinite(model.mean)) return `mean ${model.mean}`;
  for (const side of ['users', 'items'] as const) {
    const at = firstNonFinite(model[side]);
    if (at >= 0) return `${side === 'users' ? 'user' : 'item'} row ${Math.floor(at / (model.rank + 1))}, column ${at % (model.rank + 1)}: ${model[side][at]}`;
  }
  return null;
}
