import type { VenueFill, VenueReport } from '../venue.js';
import type { TimerHandle, VenueClock } from '../venue-clock.js';

type Entry =
  | { readonly kind: 'report'; readonly report: VenueReport }
  | {
    readonly kind: 'fill'; readonly execId: string; readonly build: (commission: number) => VenueFill;
    commission: number | undefined; expired: boolean; timer: TimerHandle | undefined;
  };

/**
 * Emits reports in the order TWS produced them while letting a fill wait for its commission report
 * (IB sends execDetails, then commissionReport). A fill at the head waits at most `waitMs`; reports
 * behind it wait with it, so an order's fill is never overtaken by its own `canceled`.
 */
export class IbOutbox {
  readonly #queue: Entry[] = [];
  readonly #clock: VenueClock;
  readonly #waitMs: number;
  readonly #emit: (report: VenueReport) => void;
  readonly #onCommissionMissing: (fill: VenueFill) => void;
  #closed = false;

  constructor(clock: VenueClock, waitMs: number, emit: (report: VenueReport) => void, onCommissionMissing: (fill: VenueFill) => void) {
    this.#clock = clock;
    this.#waitMs = waitMs;
    this.#emit = emit;
    this.#onCommissionMissing = onCommissionMissing;
  }

  /** Queues a report behind whatever waits. */
  report(report: VenueReport): void {
    if (this.#closed) return;
    this.#queue.push({ kind: 'report', report });
    this.#flush();
  }

  /** Queues a fill; it leaves once `commission` is known (given now, or by `commission()`) or `waitMs` passed. */
  fill(execId: string, build: (commission: number) => VenueFill, commission: number | undefined): void {
    if (this.#closed) return;
    const entry: Entry = { kind: 'fill', execId, build, commission, expired: false, timer: undefined };
    if (commission === undefined) {
      entry.timer = this.#clock.setTimer(this.#waitMs, () => {
        entry.expired = true;
        this.#flush();
      });
    }
    this.#queue.push(entry);
    this.#flush();
  }

  /** A commission report arrived; true when a queued fill took it. */
  commission(execId: string, amount: number): boolean {
    const entry = this.#queue.find((e) => e.kind === 'fill' && e.execId === execId);
    if (entry === undefined || entry.kind !== 'fill') return false;
    entry.commission = amount;
    entry.timer?.cancel();
    this.#flush();
    return true;
  }

  /** Drops everything queued: nothing is emitted after the venue closes. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#queue) if (entry.kind === 'fill') entry.timer?.cancel();
    this.#queue.length = 0;
  }

  #flush(): void {
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (head.kind === 'report') {
        this.#queue.shift();
        this.#emit(head.report);
        continue;
      }
      if (head.commission === undefined && !head.expired) return;
      this.#queue.shift();
      const fill = head.build(head.commission ?? 0);
      if (head.commission === undefined) this.#onCommissionMissing(fill);
      this.#emit({ kind: 'fill', clientOrderId: fill.clientOrderId, fill });
    }
  }
}
