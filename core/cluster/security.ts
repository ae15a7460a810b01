/**
 * A cluster's security settings, as the coordinator and the workers are given
 * them: the shared secret (auth.ts) and, optionally, TLS on the gRPC channel
 * and on the data channel (mutual TLS when a CA is given: each side then
 * shows a certificate that CA signed). This module reads them from files for
 * the CLI and turns them into node:tls options (grpc-credentials.ts makes
 * gRPC's); it loads no gRPC, so commands can read their flags cheaply.
 */
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { UsageError } from '../errors.js';
import { ClusterSecret, readTokenFile } from './auth.js';

/** TLS material, PEM. */
export interface TlsMaterial {
  /** This side's certificate chain. */
  cert: Buffer;
  /** Its private key. */
  key: Buffer;
  /**
   * The CA that signed the other sides' certificates. Given: mutual TLS, and peers are checked
   * against it alone. Left out: a worker shows its certificate but asks for none, and the
   * coordinator and workers check peers against the system's CAs.
   */
  ca?: Buffer;
}

export interface ClusterSecurity {
  /** The cluster's shared secret (a token file's contents). Left out: no credentials (see auth.ts). */
  token?: Uint8Array | string;
  tls?: TlsMaterial;
}

/** The files the CLI is given: `--token-file` (or GASWORKS_TOKEN_FILE), `--tls-cert`, `--tls-key`, `--tls-ca`. */
export interface SecurityFiles {
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

/** Read the files named in `files`; `who` names the command given them. */
export function readSecurityFiles(who: string, files: SecurityFiles): ClusterSecurity {
  const tokenFile = files.tokenFile ?? (process.env.GASWORKS_TOKEN_FILE || undefined);
  const read = (flag: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new UsageError(`${who}: cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  if ((files.tlsCert === undefined) !== (files.tlsKey === undefined)) throw new UsageError(`${who}: --tls-cert and --tls-key go together; got only ${files.tlsCert ? '--tls-cert' : '--tls-key'}`);
  if (files.tlsCa !== undefined && files.tlsCert === undefined) throw new UsageError(`${who}: --tls-ca needs --tls-cert and --tls-key too (mutual TLS: each side shows its certificate)`);
  return {
    ...(tokenFile !== undefined ? { token: readTokenFile(who, tokenFile) } : {}),
    ...(files.tlsCert !== undefined ? { tls: { cert: read('--tls-cert', files.tlsCert), key: read('--tls-key', files.tlsKey!), ...(files.tlsCa ? { ca: read('--tls-ca', files.tlsCa) } : {}) } } : {}),
  };
}

/** The secret of a security setting (none: a cluster without credentials). */
export function secretOf(security: ClusterSecurity | undefined): ClusterSecret {
  const token = security?.token;
  if (token === undefined) return new ClusterSecret(null);
  const bytes = typeof token === 'string' ? Buffer.from(token, 'utf8') : Buffer.from(token);
  if (bytes.length === 0) throw new UsageError('gasworks cluster: token must not be empty');
  return new ClusterSecret(bytes);
}

/** node:tls options for the data channel's server and client ends; null without TLS. */
export function dataChannelTls(security: ClusterSecurity | undefined): SecureContextOptions | null {
  const tls = security?.tls;
  if (tls === undefined) return null;
  return { cert: tls.cert, key: tls.key, ...(tls.ca !== undefined ? { ca: tls.ca } : {}) };
}

/** True for a host only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(bareHost: string): boolean {
  return bareHost === 'localhost' || bareHost === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bareHost);
}
