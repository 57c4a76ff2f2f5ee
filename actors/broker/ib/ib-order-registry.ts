import type { Contract, Order } from '@stoqey/ib';
import type { Side } from '../../domain/order.js';
import type { VenueOrder, VenueReport } from '../venue.js';

/**
 * Where an order stands from the adapter's side: `sending` (handed to the client, not yet written),
 * `sent` (written, TWS has not acknowledged it), `working` (TWS acknowledged it), `done` (terminal
 * report emitted or fully filled).
 */
export type TrackedState = 'sending' | 'sent' | 'working' | 'done';

/** One order the adapter knows, keyed by client order id (IB `orderRef`). */
export interface TrackedOrder {
  readonly clientOrderId: string;
  /** The venue order, when this process submitted it (or it was resubmitted as a duplicate). */
  order: VenueOrder | undefined;
  symbol: string;
  side: Side;
  quantity: number;
  /** IB's per-session order id, used to place, modify and cancel. */
  orderId: number | undefined;
  /** IB's permanent id, unique per account: the venue order id in reports. */
  permId: number | undefined;
  /** The contract and order last sent or learned, for modifications. */
  contract: Contract | undefined;
  ibOrder: Order | undefined;
  state: TrackedState;
  acceptedReported: boolean;
  /** Cumulative quantity of the executions applied. */
  filledQuantity: number;
  cancelRequested: boolean;
  lastError: { readonly code: number; readonly message: string } | undefined;
  /** The terminal report emitted (canceled or rejected), repeated when the order is submitted again. */
  terminalReport: VenueReport | undefined;
}

/** Commission reports kept for executions whose fill was already emitted or is requested later. */
const MAX_REMEMBERED_COMMISSIONS = 50_000;

/**
 * The adapter's memory of orders (by client order id and by IB order id) and of executions (by `execId`,
 * the de-duplication key). Per instance: a restarted process rebuilds it by reconciliation.
 */
export class IbOrderRegistry {
  readonly #byRef = new Map<string, TrackedOrder>();
  readonly #byOrderId = new Map<number, TrackedOrder>();
  readonly #execIds = new Set<string>();
  readonly #commissions = new Map<string, number>();

  get(clientOrderId: string): TrackedOrder | undefined {
    return this.#byRef.get(clientOrderId);
  }

  byOrderId(orderId: number): TrackedOrder | undefined {
    return this.#byOrderId.get(orderId);
  }

  /** Every tracked order. */
  all(): TrackedOrder[] {
    return [...this.#byRef.values()];
  }

  /** Starts tracking an order; its fields default to "just learned, nothing reported". */
  track(fields: Pick<TrackedOrder, 'clientOrderId' | 'symbol' | 'side' | 'quantity'> & Partial<TrackedOrder>): TrackedOrder {
    const tracked: TrackedOrder = {
      order: undefined, orderId: undefined, permId: undefined, contract: undefined, ibOrder: undefined, state: 'working',
      acceptedReported: false, filledQuantity: 0, cancelRequested: false, lastError: undefined, terminalReport: undefined, ...fields,
    };
    this.#byRef.set(tracked.clientOrderId, tracked);
    if (tracked.orderId !== undefined) this.#byOrderId.set(tracked.orderId, tracked);
    return tracked;
  }

  /** Associates an IB order id with the order (a new session may renumber nothing, but a reset TWS may). */
  bindOrderId(tracked: TrackedOrder, orderId: number): void {
    if (tracked.orderId !== undefined && this.#byOrderId.get(tracked.orderId) === tracked) this.#byOrderId.delete(tracked.orderId);
    tracked.orderId = orderId;
    this.#byOrderId.set(orderId, tracked);
  }

  /** Stops tracking an order that never reached TWS, so that a resubmit places it. */
  forget(tracked: TrackedOrder): void {
    this.#byRef.delete(tracked.clientOrderId);
    if (tracked.orderId !== undefined && this.#byOrderId.get(tracked.orderId) === tracked) this.#byOrderId.delete(tracked.orderId);
  }

  /** The highest IB order id in use, or 0. */
  highestOrderId(): number {
    let highest = 0;
    for (const id of this.#byOrderId.keys()) highest = Math.max(highest, id);
    return highest;
  }

  /** Records an execution id; false when it was seen before (a duplicate report). */
  seeExecution(execId: string): boolean {
    if (this.#execIds.has(execId)) return false;
    this.#execIds.add(execId);
    return true;
  }

  hasSeenExecution(execId: string): boolean {
    return this.#execIds.has(execId);
  }

  rememberCommission(execId: string, commission: number): void {
    if (this.#commissions.size >= MAX_REMEMBERED_COMMISSIONS) this.#commissions.delete(this.#commissions.keys().next().value!);
    this.#commissions.set(execId, commission);
  }

  commissionOf(execId: string): number | undefined {
    return this.#commissions.get(execId);
  }
}
