/**
 * Parsers for command-line option values, shared by the commands: each
 * rejects a malformed value with commander's InvalidArgumentError, which
 * commander reports as "option '--x <n>' argument 'abc' is invalid. expected ...".
 */
import { parseAddress } from '../../core/util/address.js';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';

export function positiveInt(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError('expected a positive integer.');
  return x;
}

export function positiveNumber(value: string): number {
  const x = Number(value);
  if (!(x > 0) || !Number.isFinite(x)) throw new InvalidArgumentError('expected a positive number.');
  return x;
}

export function nonNegativeNumber(value: string): number {
  const x = Number(value);
  if (!(x >= 0) || !Number.isFinite(x)) throw new InvalidArgumentError('expected a number >= 0.');
  return x;
}

export function nonNegativeInt(value: string): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < 0) throw new InvalidArgumentError('expected a whole number >= 0.');
  return x;
}

/** A number in (0, 1]. */
export function unitInterval(value: string): number {
  const x = Number(value);
  if (!(x > 0 && x <= 1)) throw new InvalidArgumentError('expected a number in (0, 1].');
  return x;
}

/** A number strictly between 0 and 1. */
export function fraction(value: string): number {
  const x = Number(value);
  if (!(x > 0 && x < 1)) throw new InvalidArgumentError('expected a number between 0 and 1 (exclusive).');
  return x;
}

/** Commander's collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `host:port[,host:port...]`, the workers of a cluster: a list of addresses. */
export function hostPortList(value: string): string[] {
  const addresses = value.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  const bad = addresses.find((a) => {
    try {
      parseAddress('', a);
      return false;
    } catch {
      return true;
    }
  });
  if (addresses.length === 0 || bad !== undefined) throw new InvalidArgumentError(`expected host:port[,host:port...] (such as 127.0.0.1:7070)${bad ? `; got "${bad}"` : ''}.`);
  return addresses;
}

/** The most threads one machine's command may ask for: a few per core (more only wait on each other). */
export function maxWorkers(): number {
  return Math.max(16, 4 * availableParallelism());
}

/** `--workers`/`--threads`: a positive integer, at most maxWorkers(). */
export function workerCount(value: string): number {
  const x = positiveInt(value);
  const most = maxWorkers();
  if (x > most) throw new InvalidArgumentError(`expected at most ${most} (4 per core, ${availableParallelism()} cores here; more threads only wait on each other).`);
  return x;
}

/** Whether the user gave option `key` (its attribute name) rather than it taking its default. */
export function givenOption(cmd: Command, key: string): boolean {
  const source = cmd.getOptionValueSource(key);
  return source === 'cli' || source === 'env';
}

/** Refuse any of `keys` the user gave: `who: --flag ...reason`, naming the flag as written. */
export function refuseOptions(cmd: Command, who: string, keys: readonly string[], reason: string): void {
  for (const key of keys) {
    if (!givenOption(cmd, key)) continue;
    const flag = cmd.options.find((o) => o.attributeName() === key)?.long ?? key;
    throw new UsageError(`${who}: ${flag} ${reason}`);
  }
}
