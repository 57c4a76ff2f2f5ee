import { randomBytes } from 'node:crypto';

/** Nonces a process keeps, to tell a stale internal message from a forged one. */
const REMEMBERED_NONCES = 4_096;

// Nonces of every broker instance of this process: a stale internal message (sent by an instance
// that has since restarted) is dropped quietly; one with a nonce never issued is forged.
const issued = new Set<string>();

/** A fresh random nonce for a broker instance's own messages. */
export function issueNonce(): string {
  const nonce = randomBytes(16).toString('hex');
  issued.add(nonce);
  if (issued.size > REMEMBERED_NONCES) issued.delete(issued.values().next().value!);
  return nonce;
}

/** Whether a message's nonce is the instance's own, one of an earlier instance of this process, or forged. */
export function nonceStatus(nonce: unknown, own: string): 'own' | 'stale' | 'forged' {
  if (nonce === own) return 'own';
  return typeof nonce === 'string' && issued.has(nonce) ? 'stale' : 'forged';
}
