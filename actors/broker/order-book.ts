import { canonicalOrderText } from '../risk/approval.js';
import type { OrderRequest } from '../domain/order.js';
import { OverfillError, UnknownOrderError } from './errors.js';
import type { OmsEvent, OrderStatus } from './oms-state.js';
import { isTerminal, transition } from './oms-state.js';
import type { VenueFill, VenueReport } from './venue.js';
import { frozenRecord } from '../domain/freeze.js';

/** The OMS view of one order. Frozen; every change yields a new object. */
export interface OmsOrder {
  readonly clientOrderId: string;
  readonly order: OrderRequest;
  readonly status: OrderStatus;
  readonly filledQuantity: number;
  readonly leavesQuantity: number;
  /** Volume-weighted average fill price; 0 before the first fill. */
  readonly averagePrice: number;
  /** Commission of all fills so far. */
  readonly commission: number;
  readonly venueOrderId?: string;
  /** Execution ids applied, oldest first; a fill whose id is here is a duplicate. */
  readonly execIds: readonly string[];
  /**
   * True after a submit whose outcome is unknown (timeout). The order stays in flight, is never resubmitted
   * under a new id, and is settled by the next report for it or by reconciliation.
   */
  readonly ambiguous: boolean;
  /** Why it was denied, rejected or canceled, when known. */
  readonly reason?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The outcome of `OrderBook.open`. */
export type OpenResult =
  | { readonly kind: 'created'; readonly order: OmsOrder }
  /** The same order under the same id: nothing new is created; the existing order is returned. */
  | { readonly kind: 'duplicate'; readonly order: OmsOrder }
  /** A different order reusing a known id: refused, the existing order is returned. */
  | { readonly kind: 'conflict'; readonly order: OmsOrder };

/** The outcome of applying a venue report. */
export interface ApplyResult {
  readonly order: OmsOrder;
  /** False when the report changed nothing (a repeated execution, a stale acknowledgement). */
  readonly changed: boolean;
  /** The fill that was newly applied, for the portfolio. */
  readonly fill?: VenueFill;
  /** Set when `changed` is false: why the report was ignored. */
  readonly ignored?: 'DUPLICATE_EXEC' | 'STALE_REPORT';
}

function freeze(order: OmsOrder): OmsOrder {
  Object.freeze(order.execIds);
  return Object.freeze(order);
}

/**
 * `{ ...current, ...changes, status, updatedAt: now }`, written field by field: V8 freezes an object
 * literal of a fixed shape through a cached map transition, and a spread copy through a slow path (0.18
 * against 0.05 µs here), and every order takes three such steps (submitted, accepted, filled). The two
 * optional fields stay absent while they have no value, as they were in the spread.
 */
function changed(current: OmsOrder, changes: Partial<OmsOrder>, status: OrderStatus, now: number): OmsOrder {
  const next: { -readonly [K in keyof OmsOrder]: OmsOrder[K] } = {
    clientOrderId: current.clientOrderId,
    order: current.order,
    status,
    filledQuantity: changes.filledQuantity ?? current.filledQuantity,
    leavesQuantity: changes.leavesQuantity ?? current.leavesQuantity,
    averagePrice: changes.averagePrice ?? current.averagePrice,
    commission: changes.commission ?? current.commission,
    execIds: changes.execIds ?? current.execIds,
    ambiguous: changes.ambiguous ?? current.ambiguous,
    createdAt: current.createdAt,
    updatedAt: now,
  };
  const venueOrderId = 'venueOrderId' in changes ? changes.venueOrderId : current.venueOrderId;
  if (venueOrderId !== undefined) next.venueOrderId = venueOrderId;
  const reason = 'reason' in changes ? changes.reason : current.reason;
  if (reason !== undefined) next.reason = reason;
  return next;
}

/** Whether two orders have the same canonical bytes (only asked of a repeated client order id); one that cannot be encoded is not the same. */
function sameOrder(a: OrderRequest, b: OrderRequest): boolean {
  try {
    return a === b || canonicalOrderText(a) === canonicalOrderText(b);
  } catch {
    return false;
  }
}

/**
 * The OMS order book: pure, in memory, keyed by client order id, every state change through the
 * transition table (`oms-state.ts`). The broker actor journals what it applies and rebuilds the book with
 * `OrderBook.restore` on restart; reports are idempotent, so replaying a report changes nothing.
 *
 * @example
 * const book = new OrderBook();
 * const { kind } = book.open(approved.order, clock.now());   // 'created' | 'duplicate' | 'conflict'
 * if (kind === 'created') { book.submit(id, clock.now()); await venue.submit(toVenueOrder(approved)); }
 * venue.onReport((report) => { const { fill } = book.apply(report, clock.now()); if (fill) tell(portfolio, portfolioFill(fill)); });
 */
export class OrderBook {
  readonly #orders = new Map<string, OmsOrder>();

  /** A book holding `orders` (from a snapshot or a journal replay). */
  static restore(orders: Iterable<OmsOrder>): OrderBook {
    const book = new OrderBook();
    for (const order of orders) {
      book.#orders.set(order.clientOrderId, freeze({ ...order, execIds: [...order.execIds] }));
    }
    return book;
  }

  /**
   * Records a new order as `initialized`; a repeated id returns the existing order instead, as a
   * `duplicate` when the two orders have the same canonical bytes and as a `conflict` otherwise.
   */
  open(order: OrderRequest, now: number): OpenResult {
    const existing = this.#orders.get(order.clientOrderId);
    if (existing !== undefined) return { kind: sameOrder(existing.order, order) ? 'duplicate' : 'conflict', order: existing };
    const created = freeze({
      clientOrderId: order.clientOrderId,
      order: frozenRecord(order),
      status: 'initialized',
      filledQuantity: 0,
      leavesQuantity: order.quantity,
      averagePrice: 0,
      commission: 0,
      execIds: [],
      ambiguous: false,
      createdAt: now,
      updatedAt: now,
    });
    this.#orders.set(order.clientOrderId, created);
    return { kind: 'created', order: created };
  }

  /** The order, or `undefined`. */
  get(clientOrderId: string): OmsOrder | undefined {
    return this.#orders.get(clientOrderId);
  }

  /** Every order, in insertion order. */
  all(): OmsOrder[] {
    return [...this.#orders.values()];
  }

  /** Orders not in a terminal state (submitted, accepted, partially filled, pending cancel; ambiguous ones included). */
  inFlight(): OmsOrder[] {
    return this.all().filter((o) => !isTerminal(o.status) && o.status !== 'initialized');
  }

  /** Orders whose submit outcome is unknown. */
  ambiguous(): OmsOrder[] {
    return this.all().filter((o) => o.ambiguous);
  }

  /** Number of orders held. */
  get size(): number {
    return this.#orders.size;
  }

  /**
   * Drops a terminal order from memory (retention of the live book); the journal keeps its history.
   * Returns false, keeping it, when the order is unknown or still in flight.
   */
  forget(clientOrderId: string): boolean {
    const order = this.#orders.get(clientOrderId);
    if (order === undefined || !isTerminal(order.status)) return false;
    this.#orders.delete(clientOrderId);
    return true;
  }

  /** `initialized -> denied` (risk or approval verification refused it). */
  deny(clientOrderId: string, reason: string, now: number): OmsOrder {
    return this.#event(clientOrderId, 'deny', now, { reason });
  }

  /** `initialized -> submitted`, before calling the venue. */
  submit(clientOrderId: string, now: number): OmsOrder {
    return this.#event(clientOrderId, 'submit', now, {});
  }

  /** The venue did not answer a submit in time: the order stays in flight, flagged ambiguous. */
  markAmbiguous(clientOrderId: string, now: number): OmsOrder {
    return this.#put({ ...this.#require(clientOrderId), ambiguous: true, updatedAt: now });
  }

  /** Reconciliation settled an ambiguous order without a report (e.g. the venue never received it). */
  clearAmbiguous(clientOrderId: string, now: number): OmsOrder {
    return this.#put({ ...this.#require(clientOrderId), ambiguous: false, updatedAt: now });
  }

  /** `-> pending_cancel`, before asking the venue to cancel. */
  requestCancel(clientOrderId: string, now: number): OmsOrder {
    return this.#event(clientOrderId, 'request_cancel', now, {});
  }

  /**
   * Applies a venue report. Repeated executions (same `fillId`) and acknowledgements that arrive after the
   * order moved on change nothing. Throws `UnknownOrderError`, `OverfillError`, or
   * `InvalidOrderTransitionError` when the report is impossible for the order's state (e.g. a fill on a
   * canceled order): the broker treats that as an anomaly to reconcile, not as a state change.
   */
  apply(report: VenueReport, now: number): ApplyResult {
    const current = this.#require(report.clientOrderId);
    switch (report.kind) {
      case 'accepted': {
        // An acknowledgement after the order moved on (filled first, repeated, or after a cancel request
        // that followed an earlier acknowledgement) is stale; one before `submit` is a broker bug and throws.
        const stale = current.status === 'pending_cancel' ? current.venueOrderId !== undefined : !['initialized', 'denied', 'submitted'].includes(current.status);
        if (stale) return this.#ignored(current, 'STALE_REPORT');
        return this.#changed(this.#event(report.clientOrderId, 'accept', now, { venueOrderId: report.venueOrderId, ambiguous: false }));
      }
      case 'rejected':
        if (current.status === 'rejected') return this.#ignored(current, 'STALE_REPORT');
        return this.#changed(this.#event(report.clientOrderId, 'reject', now, { reason: report.reason, ambiguous: false }));
      case 'canceled':
        if (current.status === 'canceled') return this.#ignored(current, 'STALE_REPORT');
        return this.#changed(this.#event(report.clientOrderId, 'cancel', now, { ambiguous: false, ...(report.reason === undefined ? {} : { reason: report.reason }) }));
      case 'expired':
        if (current.status === 'expired') return this.#ignored(current, 'STALE_REPORT');
        return this.#changed(this.#event(report.clientOrderId, 'expire', now, { ambiguous: false }));
      case 'cancel_rejected':
        if (current.status !== 'pending_cancel') return this.#ignored(current, 'STALE_REPORT');
        return this.#changed(this.#event(report.clientOrderId, current.filledQuantity > 0 ? 'cancel_reject_partial' : 'cancel_reject', now, { reason: report.reason }));
      case 'fill':
        return this.#applyFill(current, report.fill, now);
    }
  }

  #applyFill(current: OmsOrder, fill: VenueFill, now: number): ApplyResult {
    if (current.execIds.includes(fill.fillId)) return this.#ignored(current, 'DUPLICATE_EXEC');
    const filled = current.filledQuantity + fill.quantity;
    if (filled > current.order.quantity) {
      throw new OverfillError(current.clientOrderId, current.order.quantity, current.filledQuantity, fill.quantity);
    }
    const event: OmsEvent = filled === current.order.quantity ? 'fill' : 'partial_fill';
    const updated = this.#event(current.clientOrderId, event, now, {
      filledQuantity: filled,
      leavesQuantity: current.order.quantity - filled,
      averagePrice: (current.averagePrice * current.filledQuantity + fill.price * fill.quantity) / filled,
      commission: current.commission + fill.commission,
      execIds: [...current.execIds, fill.fillId],
      venueOrderId: current.venueOrderId ?? fill.venueOrderId,
      ambiguous: false,
    });
    return { order: updated, changed: true, fill };
  }

  #event(clientOrderId: string, event: OmsEvent, now: number, changes: Partial<OmsOrder>): OmsOrder {
    const current = this.#require(clientOrderId);
    const status = transition(current.status, event, clientOrderId);
    return this.#put(changed(current, changes, status, now));
  }

  #put(order: OmsOrder): OmsOrder {
    const frozen = freeze(order);
    this.#orders.set(order.clientOrderId, frozen);
    return frozen;
  }

  #require(clientOrderId: string): OmsOrder {
    const order = this.#orders.get(clientOrderId);
    if (order === undefined) throw new UnknownOrderError(clientOrderId);
    return order;
  }

  #changed(order: OmsOrder): ApplyResult {
    return { order, changed: true };
  }

  #ignored(order: OmsOrder, ignored: 'DUPLICATE_EXEC' | 'STALE_REPORT'): ApplyResult {
    return { order, changed: false, ignored };
  }
}
