import type { NatsConnection } from 'nats';
import { BATCH_FRAME_OVERHEAD, encodeBatch } from './batch-frame.js';

/** Largest batch of frames sent as one NATS message (also capped by the server's max_payload). */
export const DEFAULT_MAX_BATCH_BYTES = 64 * 1024;

interface Run {
  readonly subject: string;
  readonly reply: string | undefined;
  readonly frames: Uint8Array[];
  /** What to report if the run cannot be published: opaque items handed back to `onLost`. */
  readonly items: unknown[];
  bytes: number;
}

/**
 * The transport's send queue. Frames published in one turn of the event loop are held until a microtask
 * and then published in order; consecutive frames for the same subject travel as one batch (see
 * batch-frame.ts), which cuts the per-message cost in the client, the servers and the receiver. Order on
 * the connection is exactly the order of `push` calls, across subjects too.
 */
export class Outbox {
  readonly #connection: NatsConnection;
  readonly #maxBatchBytes: number;
  readonly #onLost: (items: readonly unknown[], error: unknown) => void;
  #runs: Run[] = [];
  #scheduled = false;
  readonly #flush = (): void => this.flush();

  constructor(connection: NatsConnection, maxBatchBytes: number, onLost: (items: readonly unknown[], error: unknown) => void) {
    this.#connection = connection;
    this.#maxBatchBytes = maxBatchBytes;
    this.#onLost = onLost;
  }

  /** Queues `frame` for `subject`; `item` comes back through `onLost` if it cannot be published. A frame with a `reply` subject is never batched. */
  push(subject: string, frame: Uint8Array, item: unknown, reply?: string): void {
    const size = BATCH_FRAME_OVERHEAD + frame.byteLength;
    const last = this.#runs[this.#runs.length - 1];
    if (last !== undefined && last.subject === subject && last.reply === undefined && reply === undefined && last.bytes + size <= this.#maxBatchBytes) {
      last.frames.push(frame);
      last.items.push(item);
      last.bytes += size;
    } else {
      this.#runs.push({ subject, reply, frames: [frame], items: [item], bytes: size });
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  /** Publishes everything queued, in order. */
  flush(): void {
    this.#scheduled = false;
    const runs = this.#runs;
    if (runs.length === 0) return;
    this.#runs = [];
    for (const run of runs) {
      try {
        const payload = run.frames.length === 1 ? run.frames[0]! : encodeBatch(run.frames, run.bytes);
        if (run.reply === undefined) this.#connection.publish(run.subject, payload);
        else this.#connection.publish(run.subject, payload, { reply: run.reply });
      } catch (error) {
        // nats.js throws synchronously only once the connection is closed or draining.
        this.#onLost(run.items, error);
      }
    }
  }
}
