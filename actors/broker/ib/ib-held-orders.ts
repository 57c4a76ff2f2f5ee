import { VenueUnavailableError } from '../errors.js';
import type { SubmitAck, VenueOrder } from '../venue.js';
import type { TimerHandle, VenueClock } from '../venue-clock.js';
import type { IbConfig } from './ib-config.js';
import type { IbVenueEvent } from './ib-events.js';

interface Held {
  readonly order: VenueOrder;
  readonly promise: Promise<SubmitAck>;
  readonly resolve: (ack: SubmitAck) => void;
  readonly reject: (error: Error) => void;
  readonly timer: TimerHandle;
}

/**
 * The disconnected-order policy. `refuse`: a submit while the venue is down rejects with
 * `VenueUnavailableError` (certainly not sent, safe to retry). `hold`: the order waits, in arrival order,
 * for the reconnect, bounded in number (`maxHeldOrders`) and time (`holdTimeoutMs`); its submit promise
 * settles when it is finally placed, or rejects with `VenueUnavailableError` when it is refused. Never dropped.
 */
export class IbHeldOrders {
  readonly #held = new Map<string, Held>();
  readonly #venue: string;
  readonly #config: Pick<IbConfig, 'whileDisconnected' | 'maxHeldOrders' | 'holdTimeoutMs'>;
  readonly #clock: VenueClock;
  readonly #event: (event: IbVenueEvent) => void;

  constructor(venue: string, config: Pick<IbConfig, 'whileDisconnected' | 'maxHeldOrders' | 'holdTimeoutMs'>, clock: VenueClock, event: (event: IbVenueEvent) => void) {
    this.#venue = venue;
    this.#config = config;
    this.#clock = clock;
    this.#event = event;
  }

  /** The pending submit of a held order, so a repeated submit shares it. */
  pending(clientOrderId: string): Promise<SubmitAck> | undefined {
    return this.#held.get(clientOrderId)?.promise;
  }

  /** Holds the order or refuses it, by policy and capacity. */
  admit(order: VenueOrder): Promise<SubmitAck> {
    const { clientOrderId } = order;
    if (this.#config.whileDisconnected === 'refuse') return Promise.reject(new VenueUnavailableError(this.#venue, 'submit'));
    if (this.#held.size >= this.#config.maxHeldOrders) {
      this.#event({ kind: 'held_order_refused', clientOrderId, reason: 'capacity', time: this.#clock.now() });
      return Promise.reject(new VenueUnavailableError(this.#venue, 'submit'));
    }
    let resolve!: (ack: SubmitAck) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<SubmitAck>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = this.#clock.setTimer(this.#config.holdTimeoutMs, () => {
      if (this.#held.get(clientOrderId)?.promise === promise) this.#refuse(this.take(clientOrderId)!, 'timeout');
    });
    this.#held.set(clientOrderId, { order, promise, resolve, reject, timer });
    this.#event({ kind: 'order_held', clientOrderId, time: this.#clock.now() });
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

  /** Submits every held order again, oldest first, settling each held promise with the outcome. */
  release(submit: (order: VenueOrder) => Promise<SubmitAck>): void {
    for (const held of this.#takeAll()) {
      this.#event({ kind: 'held_order_released', clientOrderId: held.order.clientOrderId, time: this.#clock.now() });
      submit(held.order).then(held.resolve, held.reject);
    }
  }

  /** Refuses every held order (the venue closed or gave up reconnecting). */
  refuseAll(): void {
    for (const held of this.#takeAll()) this.#refuse(held, 'closed');
  }

  #refuse(held: Pick<Held, 'order' | 'reject'>, reason: 'timeout' | 'closed'): void {
    this.#event({ kind: 'held_order_refused', clientOrderId: held.order.clientOrderId, reason, time: this.#clock.now() });
    held.reject(new VenueUnavailableError(this.#venue, 'submit'));
  }

  #takeAll(): Pick<Held, 'order' | 'resolve' | 'reject'>[] {
    return [...this.#held.keys()].map((id) => this.take(id)!);
  }
}
