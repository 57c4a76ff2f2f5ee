import type { SubmitAck, VenueOrder } from '../venue.js';
import type { TimerHandle, VenueClock } from '../venue-clock.js';

interface Held {
  readonly order: VenueOrder;
  readonly promise: Promise<SubmitAck>;
  readonly resolve: (ack: SubmitAck) => void;
  readonly reject: (error: Error) => void;
  readonly timer: TimerHandle;
}

/**
 * Orders submitted while the venue was down under the `hold` policy: each waits, in arrival order, for the
 * reconnect (bounded in number and in time); its submit promise settles when it is finally placed or refused.
 */
export class IbHeldOrders {
  readonly #held = new Map<string, Held>();
  readonly #clock: VenueClock;

  constructor(clock: VenueClock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#held.size;
  }

  /** The pending submit of a held order, so a repeated submit shares it. */
  pending(clientOrderId: string): Promise<SubmitAck> | undefined {
    return this.#held.get(clientOrderId)?.promise;
  }

  /** Holds an order; `onTimeout` runs (and the order leaves) if it is still held after `timeoutMs`. */
  hold(order: VenueOrder, timeoutMs: number, onTimeout: (reject: (error: Error) => void) => void): Promise<SubmitAck> {
    let resolve!: (ack: SubmitAck) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<SubmitAck>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = this.#clock.setTimer(timeoutMs, () => {
      if (this.#held.get(order.clientOrderId)?.promise !== promise) return;
      this.#held.delete(order.clientOrderId);
      onTimeout(reject);
    });
    this.#held.set(order.clientOrderId, { order, promise, resolve, reject, timer });
    return promise;
  }

  /** Removes one held order; the caller settles it through the returned callbacks. */
  take(clientOrderId: string): Pick<Held, 'order' | 'resolve' | 'reject'> | undefined {
    const held = this.#held.get(clientOrderId);
    if (held === undefined) return undefined;
    this.#held.delete(clientOrderId);
    held.timer.cancel();
    return held;
  }

  /** Removes every held order, oldest first. */
  takeAll(): Pick<Held, 'order' | 'resolve' | 'reject'>[] {
    return [...this.#held.keys()].map((id) => this.take(id)!);
  }
}
