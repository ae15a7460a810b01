/**
 * Who may talk to a gasworks worker: the holders of the cluster's shared
 * secret (`--token-file F`). The secret never crosses the wire; what does is
 * proof of holding it:
 *
 * - **Control calls** (gRPC) carry a per-call credential in their metadata:
 *   `GW1 <time ms> <nonce> <sha256 of the request's bytes> <mac>`, the mac an
 *   HMAC-SHA256 under the secret of the method's path, the worker's id (a
 *   random id each worker draws when it starts, which the coordinator asks
 *   for first: a credential is good for one worker, and not after it
 *   restarts) and the other four. A worker checks the mac in constant time,
 *   the time within CLOCK_SKEW_MS of its own clock and that it has not seen
 *   the nonce before (a credential cannot be replayed) from the metadata
 *   alone, before it reads the request; then the request's bytes against
 *   the digest (a credential cannot be moved onto another request) before
 *   it decodes them.
 * - **Data-channel connections** (data-channel.ts) prove it both ways: each
 *   side sends 32 random bytes, each answers with an HMAC under the secret of
 *   both nonces and its direction, and frames flow only once both answers
 *   are checked. Without TLS, every frame then carries an HMAC under a key
 *   of this connection (from the secret and both nonces) over its sequence
 *   number and bytes, so a frame cannot be forged, altered, replayed or
 *   spliced into another connection by whoever sits on the path.
 *
 * A cluster without a secret (`--insecure`, loopback only by default) signs
 * with no secret at all: calls carry no credential and the data channel's
 * challenge is answered under a fixed public key, which keeps out strangers
 * to the protocol but nobody who knows gasworks.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** The metadata key of a call's credential, and of its reply's MAC. */
export const CREDENTIAL_KEY = 'gasworks-credential';
export const REPLY_MAC_KEY = 'gasworks-reply-mac';

/** How far a credential's time may be from the worker's clock (machines' clocks drift). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Nonces remembered at most; past it, calls are refused until old ones expire (a flood, not a cluster). */
const MAX_REMEMBERED_NONCES = 1_000_000;

/** Bytes of the data channel's challenge and of its answer. */
export const CHALLENGE_BYTES = 32;

/** Shortest secret accepted: 128 bits of hex. */
const MIN_SECRET_CHARS = 32;

/** The key a cluster without a secret answers data-channel challenges with. */
const NO_SECRET = Buffer.from('gasworks-insecure-cluster');

/**
 * The secret in a token file: its contents without surrounding whitespace.
 * `who` names the command or function that was given the file.
 */
export function readTokenFile(who: string, path: string): Buffer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${who}: cannot read the token file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_CHARS || /\s/.test(secret)) {
    throw new UsageError(`${who}: the token file ${path} must hold one secret of at least ${MIN_SECRET_CHARS} characters and no spaces (make one with: gasworks token --out ${path}); got ${secret.length} characters${/\s/.test(secret) ? ' with spaces' : ''}`);
  }
  return Buffer.from(secret, 'utf8');
}

/** A fresh secret for a token file: 256 random bits as hex. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** SHA-256 of a message's bytes, hex. */
export function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const CREDENTIAL = /^GW1 (\d{1,15}) ([0-9a-f]{32}) ([0-9a-f]{64}) ([0-9a-f]{64})$/;

/** One side's hold of the cluster's secret (or of none): signs, checks and answers challenges. */
export class ClusterSecret {
  /** Nonces seen, with the time each may be forgotten (performance.now(), which never steps back; insertion order is time order). */
  private readonly seen = new Map<string, number>();

  /** `secret` null: a cluster without a secret (see the module header). */
  constructor(private readonly secret: Buffer | null) {}

  /** True when calls must carry credentials. */
  get required(): boolean {
    return this.secret !== null;
  }

  private mac(method: string, worker: string, time: string, nonce: string, digest: string): Buffer {
    return createHmac('sha256', this.secret!).update(`gasworks-call-v2\n${method}\n${worker}\n${time}\n${nonce}\n${digest}`).digest();
  }

  /**
   * The credential for a call of `method` (its full path) to the worker whose id is `worker`, with
   * these request bytes; null without a secret.
   */
  sign(method: string, worker: string, request: Uint8Array, now = Date.now()): string | null {
    if (this.secret === null) return null;
    const time = String(now);
    const nonce = randomBytes(16).toString('hex');
    const digest = digestOf(request);
    return `GW1 ${time} ${nonce} ${digest} ${this.mac(method, worker, time, nonce, digest).toString('hex')}`;
  }

  /**
   * The first check, from the call's metadata alone (before its request is read): why the credential
   * is refused, or the digest it vouches for. `worker` is this worker's id. A good credential's
   * nonce is used up. Without a secret: always good, vouching for nothing ('').
   */
  checkCredential(method: string, worker: string, credential: string | undefined, now = Date.now()): { refused: string } | { digest: string } {
    if (this.secret === null) return { digest: '' };
    if (credential === undefined) return { refused: 'no credential (this worker needs the cluster token: --token-file)' };
    const m = CREDENTIAL.exec(credential);
    if (m === null) return { refused: 'a malformed credential' };
    const [, time, nonce, digest, mac] = m;
    if (!timingSafeEqual(Buffer.from(mac, 'hex'), this.mac(method, worker, time, nonce, digest))) return { refused: 'a wrong credential (another cluster token, or meant for another worker?)' };
    const skew = now - Number(time);
    if (Math.abs(skew) > CLOCK_SKEW_MS) return { refused: `a credential ${Math.round(skew / 1000)} s from this worker's clock (at most ${CLOCK_SKEW_MS / 1000} s: are the clocks set?)` };
    const tick = performance.now();
    this.forgetBefore(tick);
    if (this.seen.has(nonce)) return { refused: 'a replayed credential' };
    if (this.seen.size >= MAX_REMEMBERED_NONCES) return { refused: 'too many calls in the replay window' };
    this.seen.set(nonce, tick + 2 * CLOCK_SKEW_MS);
    return { digest };
  }

  /** The second check, once the request's bytes are in: they must be the ones the credential vouched for. */
  static checkDigest(vouched: string, bytes: Uint8Array): string | null {
    if (vouched === '') return null;
    return timingSafeEqual(Buffer.from(vouched, 'hex'), Buffer.from(digestOf(bytes), 'hex')) ? null : 'a credential for another request (the request was altered)';
  }

  /**
   * A reply's MAC (hex): over the method, the worker's id, the nonce of the call it answers and the
   * reply's bytes, so that without TLS a reply can be neither forged, altered, nor moved to another
   * call. Null without a secret.
   */
  replyMac(method: string, worker: string, credential: string, reply: Uint8Array): string | null {
    if (this.secret === null) return null;
    const nonce = CREDENTIAL.exec(credential)?.[2] ?? '';
    return createHmac('sha256', this.secret).update(`gasworks-reply-v1\n${method}\n${worker}\n${nonce}\n${digestOf(reply)}`).digest('hex');
  }

  /** True when `mac` is the reply MAC of these bytes for the call whose credential was `credential` (constant time). */
  checkReply(mac: string | undefined, method: string, worker: string, credential: string, reply: Uint8Array): boolean {
    const expected = this.replyMac(method, worker, credential, reply);
    if (expected === null) return true;
    return mac !== undefined && /^[0-9a-f]{64}$/.test(mac) && timingSafeEqual(Buffer.from(mac, 'hex'), Buffer.from(expected, 'hex'));
  }

  /** The digest a credential vouches for ('' for none). */
  static vouchedDigest(credential: string | undefined): string {
    return (credential !== undefined && CREDENTIAL.exec(credential)?.[3]) || '';
  }

  private forgetBefore(tick: number): void {
    for (const [nonce, until] of this.seen) {
      if (until > tick) break;
      this.seen.delete(nonce);
    }
  }

  /**
   * A data-channel handshake's proof for `direction` ('connector' proves to the receiver,
   * 'receiver' to the connector), over the receiver's nonce and the connector's.
   */
  proof(direction: 'connector' | 'receiver', receiverNonce: Uint8Array, connectorNonce: Uint8Array): Buffer {
    return createHmac('sha256', this.secret ?? NO_SECRET).update(`gasworks-data-v2\n${direction}\n`).update(receiverNonce).update(connectorNonce).digest();
  }

  /** True when `proof` is `direction`'s proof over the two nonces (constant time). */
  proves(proof: Uint8Array, direction: 'connector' | 'receiver', receiverNonce: Uint8Array, connectorNonce: Uint8Array): boolean {
    const expected = this.proof(direction, receiverNonce, connectorNonce);
    return proof.byteLength === expected.byteLength && timingSafeEqual(expected, proof);
  }

  /** The key of one data-channel connection's frame MACs (null without a secret: nothing to key them with). */
  /** The key a worker MACs its checkpoint files with (checkpoint-files.ts), or null without a secret. */
  checkpointKey(): Buffer | null {
    if (this.secret === null) return null;
    return createHmac('sha256', this.secret).update('gasworks-checkpoint-file-v1\n').digest();
  }

  sessionKey(receiverNonce: Uint8Array, connectorNonce: Uint8Array): Buffer | null {
    if (this.secret === null) return null;
    return createHmac('sha256', this.secret).update('gasworks-data-session-v2\n').update(receiverNonce).update(connectorNonce).digest();
  }
}
