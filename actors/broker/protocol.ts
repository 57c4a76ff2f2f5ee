import type { Bar } from '../domain/bar.js';
import { deepFreeze } from '../domain/freeze.js';
import type { Fill } from '../domain/fill.js';
import type { Quote } from '../domain/quote.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { ApprovalRejectReason, ApprovedOrder } from '../risk/approval.js';
import type { OmsOrder } from './order-book.js';
import type { SubmitAck, VenueReport, VenueStatus } from './venue.js';

/**
 * An order the risk actor approved; the broker verifies the token before anything else. `replyTo` is
 * the strategy that asked for it: order updates and fills go there.
 */
export interface BrokerApprovedOrder {
  readonly type: 'broker.approvedOrder';
  readonly approved: ApprovedOrder;
  readonly replyTo?: ActorRef;
}

/** Cancel an open order (forwarded by the risk actor; passes in every trading state). */
export interface BrokerCancelOrder {
  readonly type: 'broker.cancelOrder';
  readonly portfolioId: string;
  readonly clientOrderId: string;
}

/** Reconcile with the venue (open orders, executions) now; the broker also does it on every start. */
export interface BrokerReconcile {
  readonly type: 'broker.reconcile';
}

/** A bar for a simulated venue (`PaperVenue.onBar`): backtests and paper trading feed them here. */
export interface BrokerMarketBar {
  readonly type: 'broker.marketBar';
  readonly bar: Bar;
}

/** A quote for a simulated venue (`PaperVenue.onQuote`). */
export interface BrokerMarketQuote {
  readonly type: 'broker.marketQuote';
  readonly quote: Quote;
}

/** The session closed: a simulated venue expires its open `day` orders. */
export interface BrokerSessionClose {
  readonly type: 'broker.sessionClose';
}

/** A portfolio asks for the fills it missed: every fill for it with a broker sequence above `afterSeq`. */
export interface BrokerReplayFills {
  readonly type: 'broker.replayFills';
  readonly portfolioId: string;
  readonly afterSeq: number;
}

/** Asks for the OMS view of orders (all when `clientOrderIds` is absent); answered with `broker.orders`. */
export interface BrokerGetOrders {
  readonly type: 'broker.getOrders';
  readonly clientOrderIds?: readonly string[];
}

/**
 * Messages the broker sends itself: venue reports and the outcome of venue calls, handled one at a
 * time like any message. `nonce` is secret to the broker instance, so no other actor can forge them.
 */
export type BrokerInternal =
  | { readonly type: 'broker.venueReport'; readonly nonce: string; readonly report: VenueReport }
  | { readonly type: 'broker.venueStatus'; readonly nonce: string; readonly status: VenueStatus }
  | { readonly type: 'broker.submitOutcome'; readonly nonce: string; readonly clientOrderId: string; readonly ack?: SubmitAck; readonly error?: unknown };

/** Messages the broker actor receives. */
export type BrokerProtocol =
  | BrokerApprovedOrder
  | BrokerCancelOrder
  | BrokerReconcile
  | BrokerMarketBar
  | BrokerMarketQuote
  | BrokerSessionClose
  | BrokerReplayFills
  | BrokerGetOrders
  | BrokerInternal;

/** An order's OMS state changed; sent to the strategy (terminal states also close the order at the risk actor). */
export interface BrokerOrderUpdate {
  readonly type: 'broker.orderUpdate';
  readonly order: OmsOrder;
  readonly time: number;
}

/** A new (de-duplicated) fill, sent to the strategy; the portfolio gets it as `portfolio.fill`. */
export interface BrokerFill {
  readonly type: 'broker.fill';
  readonly fill: Fill;
}

/** Why the broker refused to act, besides the approval checks. */
export const BROKER_SECURITY_REASONS = {
  /** A verified approval reuses a known client order id for a different order. */
  CLIENT_ORDER_ID_CONFLICT: 'CLIENT_ORDER_ID_CONFLICT',
  /** A message type the broker does not take (there is no way to an adapter but an approved order). */
  UNSUPPORTED_MESSAGE: 'UNSUPPORTED_MESSAGE',
  /** A broker-internal message not sent by this broker. */
  FORGED_INTERNAL_MESSAGE: 'FORGED_INTERNAL_MESSAGE',
  /** The venue reported an execution for an order this broker never placed. */
  UNKNOWN_EXECUTION: 'UNKNOWN_EXECUTION',
  /** The venue holds an open order this broker never placed. */
  UNKNOWN_VENUE_ORDER: 'UNKNOWN_VENUE_ORDER',
  /** The venue reported something impossible for the order's state (a fill after a cancel, an overfill). */
  IMPOSSIBLE_REPORT: 'IMPOSSIBLE_REPORT',
} as const;
export type BrokerSecurityReason = ApprovalRejectReason | (typeof BROKER_SECURITY_REASONS)[keyof typeof BROKER_SECURITY_REASONS];

/** The broker refused to act, or saw the venue do something it did not ask for; a security event for the operator. */
export interface BrokerSecurityEvent {
  readonly type: 'broker.securityEvent';
  readonly reason: BrokerSecurityReason;
  readonly message: string;
  readonly clientOrderId?: string;
  /** The broker that recorded it. */
  readonly brokerId?: string;
  readonly time: number;
}

/** The answer to `broker.getOrders`. */
export interface BrokerOrders {
  readonly type: 'broker.orders';
  readonly orders: readonly OmsOrder[];
}

/** Operational notices the broker publishes on the event stream (for the operator and the inspector). */
export type BrokerNotice =
  /** A bar failed validation and was not given to the venue. */
  | { readonly type: 'broker.marketDataRejected'; readonly brokerId: string; readonly problems: readonly string[]; readonly time: number }
  /** The venue could not be reached (for a submit, it was certainly not sent; reconciliation sends it later). */
  | { readonly type: 'broker.venueUnavailable'; readonly brokerId: string; readonly clientOrderId?: string; readonly error?: string; readonly time: number }
  | { readonly type: 'broker.cancelFailed'; readonly brokerId: string; readonly clientOrderId: string; readonly error: string; readonly time: number }
  /** A portfolio asked for fills older than the broker keeps: `missing` fills need an operator. */
  | { readonly type: 'broker.fillReplayGap'; readonly brokerId: string; readonly portfolioId: string; readonly afterSeq: number; readonly missing: number; readonly time: number };

/** Events the broker actor emits. */
export type BrokerEvent = BrokerOrderUpdate | BrokerFill | BrokerSecurityEvent | BrokerNotice;

/**
 * Builds a frozen `broker.approvedOrder`. An approval from `signApproval` is already deeply frozen and
 * is carried as is; anything else is copied first, so the sender cannot change it afterwards.
 */
export function brokerApprovedOrder(approved: ApprovedOrder, replyTo?: ActorRef): BrokerApprovedOrder {
  const frozen = Object.isFrozen(approved) && Object.isFrozen(approved.order) && Object.isFrozen(approved.approval) ? approved : deepFreeze(structuredClone(approved));
  return Object.freeze(replyTo === undefined ? { type: 'broker.approvedOrder', approved: frozen } : { type: 'broker.approvedOrder', approved: frozen, replyTo });
}

/** Builds a frozen `broker.cancelOrder`. */
export function brokerCancelOrder(portfolioId: string, clientOrderId: string): BrokerCancelOrder {
  return deepFreeze({ type: 'broker.cancelOrder', portfolioId, clientOrderId });
}

/** Builds a frozen `broker.reconcile`. */
export function brokerReconcile(): BrokerReconcile {
  return deepFreeze({ type: 'broker.reconcile' });
}

/** Builds a frozen `broker.marketBar` (the bar is copied unless already frozen). */
export function brokerMarketBar(bar: Bar): BrokerMarketBar {
  return Object.freeze({ type: 'broker.marketBar', bar: Object.isFrozen(bar) ? bar : Object.freeze({ ...bar }) });
}

/** Builds a frozen `broker.marketQuote`. */
export function brokerMarketQuote(quote: Quote): BrokerMarketQuote {
  return Object.freeze({ type: 'broker.marketQuote', quote: Object.isFrozen(quote) ? quote : Object.freeze({ ...quote }) });
}

/** Builds a frozen `broker.sessionClose`. */
export function brokerSessionClose(): BrokerSessionClose {
  return Object.freeze({ type: 'broker.sessionClose' });
}

/** Builds a frozen `broker.replayFills`. */
export function brokerReplayFills(portfolioId: string, afterSeq: number): BrokerReplayFills {
  return Object.freeze({ type: 'broker.replayFills', portfolioId, afterSeq });
}

/** Builds a frozen `broker.getOrders`. */
export function brokerGetOrders(clientOrderIds?: readonly string[]): BrokerGetOrders {
  return deepFreeze(clientOrderIds === undefined ? { type: 'broker.getOrders' } : { type: 'broker.getOrders', clientOrderIds: [...clientOrderIds] });
}

/** Builds a frozen `broker.orderUpdate`; an OMS order (frozen by the order book) is carried without a copy. */
export function brokerOrderUpdate(order: OmsOrder, time: number): BrokerOrderUpdate {
  const frozen = Object.isFrozen(order) && Object.isFrozen(order.order) && Object.isFrozen(order.execIds) ? order : deepFreeze(structuredClone(order));
  return Object.freeze({ type: 'broker.orderUpdate', order: frozen, time });
}

/** Builds a frozen `broker.fill` carrying the plain `Fill` fields. */
export function brokerFill(fill: Fill): BrokerFill {
  const { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue } = fill;
  return deepFreeze({ type: 'broker.fill', fill: { fillId, clientOrderId, portfolioId, symbol, side, quantity, price, commission, time, venue } });
}

/** Builds a frozen `broker.securityEvent`. */
export function brokerSecurityEvent(event: Omit<BrokerSecurityEvent, 'type'>): BrokerSecurityEvent {
  return deepFreeze({ type: 'broker.securityEvent', ...event });
}

/** Builds a frozen `broker.orders`. */
export function brokerOrders(orders: readonly OmsOrder[]): BrokerOrders {
  return Object.freeze({ type: 'broker.orders', orders: Object.freeze([...orders]) });
}
