import { headers } from 'nats';
import type { JetStreamClient } from 'nats';

/**
 * Compare-and-set for JetStream KV that holds on a replicated bucket.
 *
 * Why not `kv.update(key, value, revision)` / `kv.create(key)`: they send the per-key expected revision
 * (`Nats-Expected-Last-Subject-Sequence`), and nats-server 2.9 checks it against applied state only, so
 * concurrent writers on an R3 stream can all succeed (measured: three concurrent `update`s with the same
 * revision all won in 29 of 30 rounds). The stream-wide `Nats-Expected-Last-Sequence` is checked against
 * in-flight proposals too (exactly one winner in 30 of 30). So a write here succeeds only if nothing at all
 * was written to the bucket after `expectedLastSeq`: callers pass the last sequence their view of the
 * bucket is consistent with, and on failure re-read and retry.
 */
export async function casPut(js: JetStreamClient, bucket: string, key: string, data: Uint8Array, expectedLastSeq: number): Promise<number> {
  const ack = await js.publish(`$KV.${bucket}.${key}`, data, { expect: { lastSequence: expectedLastSeq } });
  return ack.seq;
}

/** Writes a KV delete marker for `key` under the same stream-wide condition as {@link casPut}. */
export async function casDelete(js: JetStreamClient, bucket: string, key: string, expectedLastSeq: number): Promise<number> {
  const h = headers();
  h.set('KV-Operation', 'DEL');
  const ack = await js.publish(`$KV.${bucket}.${key}`, new Uint8Array(0), { headers: h, expect: { lastSequence: expectedLastSeq } });
  return ack.seq;
}
