/**
 * `host:port` addresses, as the cluster's workers are named on the command
 * line and over the wire: one parser for the coordinator, the workers, their
 * data channels and the CLI's option parsing.
 */
import { UsageError } from '../errors.js';

/**
 * Parse `host:port`; throws a UsageError naming `who` on anything else. The
 * host comes back as written (an IPv6 host keeps its brackets, as gRPC wants
 * it); `bareHost` drops them, as node:net wants it.
 */
export function parseAddress(who: string, address: string): { host: string; port: number; bareHost: string } {
  const m = /^(.+):(\d{1,5})$/.exec(address.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${who}: expected host:port (such as 127.0.0.1:7070); got ${JSON.stringify(address)}`);
  return { host: m[1], port, bareHost: m[1].replace(/^\[(.*)\]$/, '$1') };
}
