import type { Bar } from '../domain/bar.js';
import type { Fill } from '../domain/fill.js';
import type { OrderRequest, OrderType, Side, TimeInForce } from '../domain/order.js';
import type { Quote } from '../domain/quote.js';
import type { ApprovedOrder } from '../risk/approval.js';

/**
 * What a venue receives: the approved order stripped of what only Bifrost needs (strategy, token).
 * `clientOrderId` is the idempotency key end to end; an adapter must carry it to the venue (IB: `orderRef`)
 * so that reports and executions can be mapped back to it, including after a reconnect or a restart.
 */
export interface VenueOrder {
  readonly clientOrderId: string;
  readonly portfolioId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly quantity: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly tif: TimeInForce;
}

/** The venue order of an approved order (call only after `verifyApproval` succeeded). */
export function toVenueOrder(approved: ApprovedOrder): VenueOrder {
  const { clientOrderId, portfolioId, symbol, side, type, quantity, limitPrice, stopPrice, tif } = approved.order;
  // Literals, not conditional spreads: V8 freezes a literal cheaply and a spread result through a slow path.
  if (limitPrice === undefined && stopPrice === undefined) return Object.freeze({ clientOrderId, portfolioId, symbol, side, type, quantity, tif });
  if (stopPrice === undefined) return Object.freeze({ clientOrderId, portfolioId, symbol, side, type, quantity, tif, limitPrice });
  if (limitPrice === undefined) return Object.freeze({ clientOrderId, portfolioId, symbol, side, type, quantity, tif, stopPrice });
  return Object.freeze({ clientOrderId, portfolioId, symbol, side, type, quantity, tif, limitPrice, stopPrice });
}

/**
 * One execution as a venue reports it. `fillId` is the venue's execution id (IB `execId`), the key fills
 * are de-duplicated on; `venueOrderId` is the venue's own order id (IB `permId`, stable across sessions,
 * not the per-session `orderId`); `leavesQuantity` is what remains open after this execution.
 */
export interface VenueFill extends Fill {
  readonly venueOrderId: string;
  readonly leavesQuantity: number;
}

/**
 * Order reports a venue emits, each carrying the client order id. Reports may be repeated and, across a
 * reconnect, arrive out of order (a fill before the acceptance); consumers must be idempotent (the OMS
 * order book is). Times are venue times in epoch ms.
 */
export type VenueReport =
  | { readonly kind: 'accepted'; readonly clientOrderId: string; readonly venueOrderId: string; readonly time: number }
  | { readonly kind: 'rejected'; readonly clientOrderId: string; readonly reason: string; readonly time: number }
  | { readonly kind: 'fill'; readonly clientOrderId: string; readonly fill: VenueFill }
  | { readonly kind: 'canceled'; readonly clientOrderId: string; readonly reason?: string; readonly time: number }
  | { readonly kind: 'expired'; readonly clientOrderId: string; readonly time: number }
  | { readonly kind: 'cancel_rejected'; readonly clientOrderId: string; readonly reason: string; readonly time: number };

/** The kinds of `VenueReport`. */
export type VenueReportKind = VenueReport['kind'];

/** How `submit` went: `sent` (outcome follows as reports) or `duplicate` (the venue already has this client order id). */
export type SubmitAck =
  | { readonly outcome: 'sent' }
  | { readonly outcome: 'duplicate'; readonly venueOrderId?: string };

/** An order the venue holds open, as reconciliation sees it. */
export interface VenueOpenOrder {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  readonly filledQuantity: number;
}

/** An opaque position in a venue's execution history; `null` asks for everything the venue still has. */
export type ExecutionCursor = string | null;

/** A page of executions and the cursor to continue from. */
export interface ExecutionPage {
  readonly executions: readonly VenueFill[];
  readonly cursor: ExecutionCursor;
}

/** Connection state of a venue. A paper venue is always `connected`. */
export type VenueStatus = 'connecting' | 'connected' | 'disconnected';

/** Stops a listener. */
export type Unsubscribe = () => void;

/**
 * The adapter the broker actor drives. Paper and Interactive Brokers venues implement it; everything a
 * broker needs for at-least-once ordering without duplicates goes through it.
 *
 * Contract for implementers (IbVenue):
 * - `connect()` resolves once orders can be placed (IB: after `nextValidId`); `status` and `onStatus` report
 *   every change. While not connected, `submit` and `cancel` reject with `VenueUnavailableError` (the
 *   request was certainly not sent; the broker may retry with the same id after reconnecting).
 * - `submit(order)` resolves once the request is handed to the venue, not when the order is accepted:
 *   acceptance, rejection and fills arrive as reports, possibly before the promise settles. It must be
 *   idempotent on `clientOrderId`: a second submit of a known id must not create a second venue order and
 *   resolves `{ outcome: 'duplicate' }`. An adapter that cannot tell (IB after a restart) must consult the
 *   venue (open orders and executions by `orderRef`) before placing. If it times out it rejects with
 *   `VenueTimeoutError`: the outcome is ambiguous, and the broker keeps the order in flight and reconciles.
 * - `cancel(clientOrderId)` resolves once the request is sent; the outcome is a `canceled` or
 *   `cancel_rejected` report (IB: error 202 / `Cancelled`, or an error on the order id).
 * - `openOrders()` lists the venue's open orders and `executionsSince(cursor)` the executions after a cursor,
 *   both keyed by client order id, for reconciliation after a restart, a failover or an ambiguous submit.
 *   IB: `reqOpenOrders` and `reqExecutions` (map `orderRef`, use `execId` as `fillId`).
 * - Reports go to every `onReport` listener, in venue order for one order. The same execution may be
 *   reported twice (IB does); `fillId` identifies it. Listeners must not throw; an adapter isolates them.
 * - `close()` disconnects and releases timers and sockets; the venue reports `disconnected` and no more
 *   reports afterwards.
 */
export interface Venue {
  /** Venue name, stamped on fills (`paper`, `ib`). */
  readonly name: string;
  readonly status: VenueStatus;
  connect(): Promise<void>;
  close(): Promise<void>;
  submit(order: VenueOrder): Promise<SubmitAck>;

  /**
   * Optional: the same request, its outcome known before it returns, for a venue in this process (the
   * paper venue). Throws what `submit` rejects with. The broker uses it when present, so an order's
   * submission needs no promise (a backtest then settles without waiting for one per order).
   */
  submitNow?(order: VenueOrder): SubmitAck;
  cancel(clientOrderId: string): Promise<void>;
  openOrders(): Promise<readonly VenueOpenOrder[]>;
  executionsSince(cursor: ExecutionCursor): Promise<ExecutionPage>;
  onReport(listener: (report: VenueReport) => void): Unsubscribe;
  onStatus(listener: (status: VenueStatus) => void): Unsubscribe;
}

/**
 * A venue that simulates matching from market data (the paper venue): the broker forwards
 * `broker.marketBar`, `broker.marketQuote` and `broker.sessionClose` to it.
 */
export interface SimulatedVenue extends Venue {
  onBar(bar: Bar): void;
  onQuote(quote: Quote): void;
  expireDayOrders(): void;
}

/** Whether `venue` takes market data (a `SimulatedVenue`). */
export function isSimulatedVenue(venue: Venue): venue is SimulatedVenue {
  const v = venue as Partial<SimulatedVenue>;
  return typeof v.onBar === 'function' && typeof v.onQuote === 'function' && typeof v.expireDayOrders === 'function';
}

/** The venue order of an OMS order (the order book holds only orders whose approval verified). */
export function venueOrderOf(order: OrderRequest): VenueOrder {
  return toVenueOrder({ order } as ApprovedOrder);
}
