import { createHmac } from 'node:crypto';
import * as crypto from 'node:crypto';

const BLOCK = 64;
const DIGEST = 32;

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'buffer' | 'hex') => Buffer | string;
// One-shot hashing (Node >= 20.12) needs no Hash object; without it, createHmac does the work.
const hashOnce = (crypto as { hash?: OneShotHash }).hash;

/**
 * One key's HMAC-SHA256 state: the key (to notice a caller reusing the Buffer for another key) and
 * scratch buffers that begin with the padded key, so that a MAC is two one-shot hashes and no object.
 */
interface Pads {
  readonly key: Buffer;
  inner: Buffer;
  readonly outer: Buffer;
}

const padsByKey = new WeakMap<Buffer, Pads>();

function padsOf(key: Buffer): Pads {
  const cached = padsByKey.get(key);
  if (cached !== undefined && cached.key.equals(key)) return cached;
  // RFC 2104: a key longer than the block is hashed first; a shorter one is padded with zeros.
  const block = Buffer.alloc(BLOCK);
  (key.length > BLOCK ? (hashOnce!('sha256', key, 'buffer') as Buffer) : key).copy(block);
  const inner = Buffer.alloc(BLOCK + 256);
  const outer = Buffer.alloc(BLOCK + DIGEST);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  const pads = { key: Buffer.from(key), inner, outer };
  padsByKey.set(key, pads);
  return pads;
}

/**
 * Hex HMAC-SHA256 of `text` (UTF-8) under `key`: the same bytes as
 * `createHmac('sha256', key).update(text, 'utf8').digest('hex')`, at about half its cost where the runtime
 * has one-shot hashing. The padded key is computed once per key Buffer; a later change to that Buffer's
 * bytes is noticed and the pads are made again.
 */
export function hmacSha256Hex(key: Buffer, text: string): string {
  if (hashOnce === undefined) return createHmac('sha256', key).update(text, 'utf8').digest('hex');
  const pads = padsOf(key);
  const need = BLOCK + Buffer.byteLength(text, 'utf8');
  if (need > pads.inner.length) {
    const grown = Buffer.alloc(Math.max(need, pads.inner.length * 2));
    pads.inner.copy(grown, 0, 0, BLOCK);
    pads.inner = grown;
  }
  const written = pads.inner.write(text, BLOCK, 'utf8');
  const innerDigest = hashOnce('sha256', pads.inner.subarray(0, BLOCK + written), 'buffer') as Buffer;
  innerDigest.copy(pads.outer, BLOCK);
  return hashOnce('sha256', pads.outer, 'hex') as string;
}
