import type { Cancellable, Clock } from '../clock.js';
import type { ActorRef } from '../ref.js';

/** A remote ask waiting for its reply. */
export interface PendingAsk {
  readonly target: ActorRef<any>;
  readonly messageType: string;
  readonly resolve: (value: any) => void;
  readonly reject: (error: Error) => void;
  readonly timer: Cancellable;
}

/** The remote asks of one node by id (base-36 sequence numbers, which end its reply subjects). */
export class PendingAsks {
  readonly #byId = new Map<string, PendingAsk>();
  readonly #clock: Clock;
  #seq = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** A fresh ask id (it goes into the ask's sender ref before the ask is registered). */
  nextId(): string {
    return (++this.#seq).toString(36);
  }

  /** Registers ask `id`; it rejects with `onTimeout()` when no reply came within `timeoutMs` of clock time. */
  add(id: string, target: ActorRef<any>, messageType: string, timeoutMs: number, resolve: (value: any) => void, reject: (error: Error) => void, onTimeout: () => Error): void {
    const timer = this.#clock.setTimer(timeoutMs, () => {
      if (this.#byId.delete(id)) reject(onTimeout());
    });
    this.#byId.set(id, { target, messageType, resolve, reject, timer });
  }

  /** Removes and returns the ask, cancelling its timer; undefined when it already settled or never existed. */
  take(id: string): PendingAsk | undefined {
    const pending = this.#byId.get(id);
    if (pending === undefined) return undefined;
    this.#byId.delete(id);
    pending.timer.cancel();
    return pending;
  }

  /** Rejects every pending ask with `error()`. */
  rejectAll(error: () => Error): void {
    for (const id of [...this.#byId.keys()]) this.take(id)?.reject(error());
  }
}
