/**
 * Generated-data specs on the command line, `planted:USERS:ITEMS[:RANK[:SEED]]`
 * and the like: a prefix, then between `required` and `fields.length`
 * positive integers separated by colons. One parser, so every such spec
 * accepts and rejects the same things with the same message.
 */
import { UsageError } from '../errors.js';

/**
 * The numbers of `spec` if it starts with `prefix:` (missing optional ones
 * undefined), or null when it does not (a file name, say). `fields` names
 * them for the message, e.g. ['USERS', 'ITEMS', 'RANK', 'SEED'].
 */
export function parseIntegerSpec(spec: string, prefix: string, fields: readonly string[], required: number): Array<number | undefined> | null {
  if (!spec.startsWith(`${prefix}:`)) return null;
  const parts = spec.slice(prefix.length + 1).split(':');
  const numbers = parts.map(Number);
  if (parts.length < required || parts.length > fields.length || !numbers.every((x) => Number.isInteger(x) && x >= 1)) {
    const optional = fields.slice(required);
    const form = [prefix, ...fields.slice(0, required)].join(':') + optional.map((f) => `[:${f}`).join('') + ']'.repeat(optional.length);
    throw new UsageError(`spec "${spec}": expected ${form} with positive integers`);
  }
  return fields.map((_, i) => numbers[i]);
}
