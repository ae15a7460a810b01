/**
 * The parameter server's store in Redis (or Valkey): `--ps redis://host:port`.
 * Shard s of a job is three hashes: its weights (field: the key in decimal,
 * value: the weight, exact: Lua formats doubles with %.17g), the clock each
 * machine has pushed, and (bsp) the clock's summed gradient. A pull and a
 * push are each one Lua script per shard, run atomically by the server:
 * batched per shard as the in-worker shards are (ps-shard.ts), with the same
 * rules. A pull at clock c answers only when every machine has pushed
 * c - bound clocks to the shard (else the machine asks again a millisecond
 * later); a push steps each weight by its gradient (w -= rate (g + lambda
 * w), the bias unregularised, against the weight as it is now) or adds to
 * it (easgd), or under bsp adds the gradient to the clock's sum, the last
 * machine's push stepping every touched weight by the sum.
 *
 * Loaded only when a run names Redis: the `redis` client package.
 */
import type { KeyLayout } from './key-layout.js';

const PULL = `
local machines = tonumber(ARGV[1])
local needed = tonumber(ARGV[2])
local min = nil
for m = 0, machines - 1 do
  local c = tonumber(redis.call('HGET', KEYS[2], tostring(m)) or '0')
  if min == nil or c < min then min = c end
end
if min < needed then return {tostring(min)} end
local out = {tostring(min)}
for i = 3, #ARGV do out[#out + 1] = redis.call('HGET', KEYS[1], ARGV[i]) or '0' end
return out
`;

const PUSH = `
local m = ARGV[1]
local clock = tonumber(ARGV[2])
local kind = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local lambda = tonumber(ARGV[5])
local bias = ARGV[6]
local sync = ARGV[7] == '1'
local machines = tonumber(ARGV[8])
if tonumber(redis.call('HGET', KEYS[2], m) or '0') ~= clock then return redis.error_reply('parameter server: machine ' .. m .. ' pushed clock ' .. ARGV[2] .. ' out of order') end
local function step(f, g)
  local w = tonumber(redis.call('HGET', KEYS[1], f) or '0')
  local reg = 0
  if f ~= bias then reg = lambda * w end
  redis.call('HSET', KEYS[1], f, string.format('%.17g', w - rate * (g + reg)))
end
for i = 9, #ARGV, 2 do
  local f = ARGV[i]
  if kind == 1 then
    local w = tonumber(redis.call('HGET', KEYS[1], f) or '0')
    redis.call('HSET', KEYS[1], f, string.format('%.17g', w + tonumber(ARGV[i + 1])))
  elseif sync then
    local s = tonumber(redis.call('HGET', KEYS[3], f) or '0')
    redis.call('HSET', KEYS[3], f, string.format('%.17g', s + tonumber(ARGV[i + 1])))
  else
    step(f, tonumber(ARGV[i + 1]))
  end
end
redis.call('HINCRBY', KEYS[2], m, 1)
if sync then
  local pushed = redis.call('HINCRBY', KEYS[2], 'pushed', 1)
  if pushed == machines then
    local pending = redis.call('HGETALL', KEYS[3])
    for i = 1, #pending, 2 do step(pending[i], tonumber(pending[i + 1])) end
    redis.call('DEL', KEYS[3])
    redis.call('HSET', KEYS[2], 'pushed', 0)
  end
end
return 1
`;

/** The little of the `redis` client used here. */
interface RedisClient {
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export async function connectRedis(url: string): Promise<RedisClient> {
  const { createClient } = (await import('redis' as string)) as { createClient: (options: object) => RedisClient };
  // No reconnection: a lost store fails the run, which says so.
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 5000 } });
  let failure: Error | null = null;
  client.on('error', (error) => (failure = error));
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot reach the Redis parameter store at ${url.replace(/\/\/[^@]*@/, '//')}: ${(failure ?? (error as Error)).message}`);
  }
  return client;
}

export const shardKeys = (prefix: string, shard: number): { weights: string; clocks: string; pending: string } => ({
  weights: `${prefix}:w:${shard}`,
  clocks: `${prefix}:clock:${shard}`,
  pending: `${prefix}:pending:${shard}`,
});

/** The bytes of a command's arguments as RESP carries them ($len, the bytes, CRLFs). */
function commandBytes(args: string[]): number {
  let bytes = 0;
  for (const a of args) bytes += a.length + 8;
  return bytes;
}

export class RedisPs {
  private pullSha = '';
  private pushSha = '';
  /** Bytes of the commands sent so far (replies not counted). */
  bytes = 0;

  private constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly layout: KeyLayout,
    private readonly machine: number,
  ) {}

  static async open(url: string, prefix: string, layout: KeyLayout, machine: number): Promise<RedisPs> {
    const ps = new RedisPs(await connectRedis(url), prefix, layout, machine);
    ps.pullSha = String(await ps.client.sendCommand(['SCRIPT', 'LOAD', PULL]));
    ps.pushSha = String(await ps.client.sendCommand(['SCRIPT', 'LOAD', PUSH]));
    return ps;
  }

  /** Shard s's values of `keys` at clock `clock` once every machine has pushed clock - bound clocks (bound null: at once); and the slowest machine's clock. */
  async pull(shard: number, clock: number, bound: number | null, keys: Uint32Array): Promise<{ values: Float64Array; minClock: number }> {
    const { weights, clocks } = shardKeys(this.prefix, shard);
    const needed = bound === null ? -1 : clock - bound;
    const args = ['EVALSHA', this.pullSha, '2', weights, clocks, String(this.layout.machines), String(needed)];
    for (let i = 0; i < keys.length; i++) args.push(String(keys[i]));
    for (;;) {
      this.bytes += commandBytes(args);
      const reply = (await this.client.sendCommand(args)) as string[];
      if (reply.length === 1 && keys.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const minClock = Number(reply[0]);
      if (minClock < needed) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const values = new Float64Array(keys.length);
      for (let i = 0; i < keys.length; i++) values[i] = Number(reply[i + 1]);
      return { values, minClock };
    }
  }

  /** Machine's push of clock `clock` to shard s: a step (kind 0; bsp summed first when `synchronous`) or an increment (kind 1). */
  async push(shard: number, clock: number, kind: number, rate: number, options: { lambda: number; biasKey: number; synchronous: boolean }, keys: Uint32Array, values: Float64Array): Promise<void> {
    const { weights, clocks, pending } = shardKeys(this.prefix, shard);
    const args = ['EVALSHA', this.pushSha, '3', weights, clocks, pending, String(this.machine), String(clock), String(kind), String(rate), String(options.lambda), String(options.biasKey), options.synchronous ? '1' : '0', String(this.layout.machines)];
    for (let i = 0; i < keys.length; i++) args.push(String(keys[i]), String(values[i]));
    this.bytes += commandBytes(args);
    await this.client.sendCommand(args);
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => this.client.destroy());
  }
}

/** The coordinator's side: every shard's weights once each machine has pushed `clocks`, then (with `drop`) the job's keys deleted. */
export async function collectFromRedis(url: string, prefix: string, layout: KeyLayout, clocks: number[], drop: boolean): Promise<Float64Array> {
  const client = await connectRedis(url);
  try {
    const weights = new Float64Array(layout.width);
    const deadline = Date.now() + 60_000;
    for (let s = 0; s < layout.shards; s++) {
      const keys = shardKeys(prefix, s);
      for (;;) {
        const pushed = (await client.sendCommand(['HMGET', keys.clocks, ...clocks.map((_, m) => String(m))])) as Array<string | null>;
        if (pushed.every((c, m) => Number(c ?? 0) >= clocks[m])) break;
        if (Date.now() > deadline) throw new Error(`parameter server: shard ${s} in Redis still misses pushes after 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      // HGETALL comes as a flat list (RESP2) or as an object, by client version.
      const reply = (await client.sendCommand(['HGETALL', keys.weights])) as string[] | Record<string, string>;
      const entries: Array<[string, string]> = Array.isArray(reply) ? Array.from({ length: reply.length >> 1 }, (_, i) => [reply[2 * i], reply[2 * i + 1]]) : Object.entries(reply);
      for (const [field, value] of entries) {
        const key = Number(field);
        if (!(Number.isInteger(key) && key >= 0 && key < layout.width && layout.shardOf[key] === s)) throw new Error(`parameter server: Redis holds key ${field} in shard ${s}`);
        weights[key] = Number(value);
      }
      if (drop) await client.sendCommand(['DEL', keys.weights, keys.clocks, keys.pending]);
    }
    return weights;
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

/** Write a checkpoint's weights into a job's shards (a resumed run), before any machine pulls. */
export async function seedRedis(url: string, prefix: string, layout: KeyLayout, weights: Float64Array): Promise<void> {
  const client = await connectRedis(url);
  try {
    for (let s = 0; s < layout.shards; s++) {
      const keys = layout.keysOf(s);
      if (keys.length === 0) continue;
      const args = ['HSET', shardKeys(prefix, s).weights];
      keys.forEach((key) => args.push(String(key), String(weights[key])));
      await client.sendCommand(args);
    }
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

/** Delete a job's keys (after a failed run). */
export async function dropFromRedis(url: string, prefix: string, shards: number): Promise<void> {
  const client = await connectRedis(url);
  try {
    for (let s = 0; s < shards; s++) {
      const keys = shardKeys(prefix, s);
      await client.sendCommand(['DEL', keys.weights, keys.clocks, keys.pending]);
    }
  } finally {
    await client.close().catch(() => client.destroy());
  }
}
