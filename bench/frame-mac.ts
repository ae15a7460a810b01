/**
 * Benchmark: the data channel's frame MAC (core/cluster/data-channel.ts):
 * AES-256-GMAC, what it uses, against HMAC-SHA256, what it used, over 16 MiB
 * frames (a superstep's partials and rows on R-MAT 20), GB/s, median of 7.
 *
 * Usage: node dist/bench/frame-mac.js
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { median } from './stats.js';

const frame = randomBytes(16 << 20);
const key = randomBytes(32);

function rate(mac: () => void): number {
  mac();
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    mac();
    samples.push(frame.length / ((performance.now() - start) / 1000) / 2 ** 30);
  }
  return median(samples);
}

let sequence = 0;
const gmac = rate(() => {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64LE(BigInt(sequence++), 4);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(frame);
  c.final();
  c.getAuthTag();
});
const hmac = rate(() => createHmac('sha256', key).update(frame).digest());
console.log(`frame MAC over 16 MiB: AES-256-GMAC ${gmac.toFixed(2)} GiB/s, HMAC-SHA256 ${hmac.toFixed(2)} GiB/s (${(gmac / hmac).toFixed(1)}x)`);
