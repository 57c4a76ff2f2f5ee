import { deepFreeze } from '../domain/freeze.js';
import type { Fill } from '../domain/fill.js';
import type { ApprovalRejectReason, ApprovedOrder } from '../risk/approval.js';
import type { OmsOrder } from './order-book.js';

/** An order the risk actor approved; the broker verifies the token before anything else. */
export interface BrokerApprovedOrder {
  readonly type: 'broker.approvedOrder';
  readonly approved: ApprovedOrder;
}

/** Cancel an open order (forwarded by the risk actor; passes in every trading state). */
export interface BrokerCancelOrder {
  readonly type: 'broker.cancelOrder';
  readonly portfolioId: string;
  readonly clientOrderId: string;
}

/** Reconcile with the venue (open orders, executions) before accepting new orders. */
export interface BrokerReconcile {
  readonly type: 'broker.reconcile';
}

/** Messages the broker actor receives. */
export type BrokerProtocol = BrokerApprovedOrder | BrokerCancelOrder | BrokerReconcile;

/** An order's OMS state changed; sent to the strategy and the risk actor (terminal states close orders there). */
export interface BrokerOrderUpdate {
  readonly type: 'broker.orderUpdate';
  readonly order: OmsOrder;
  readonly time: number;
}

/** A new (de-duplicated) fill; the portfolio actor receives it as `portfolio.fill`. */
export interface BrokerFill {
  readonly type: 'broker.fill';
  readonly fill: Fill;
}

/** The broker refused to act on an approved order; a security event for the operator. */
export interface BrokerSecurityEvent {
  readonly type: 'broker.securityEvent';
  readonly reason: ApprovalRejectReason;
  readonly message: string;
  readonly clientOrderId?: string;
  readonly time: number;
}

/** Events the broker actor emits. */
export type BrokerEvent = BrokerOrderUpdate | BrokerFill | BrokerSecurityEvent;

/** Builds a frozen `broker.approvedOrder`. */
export function brokerApprovedOrder(approved: ApprovedOrder): BrokerApprovedOrder {
  return deepFreeze({ type: 'broker.approvedOrder', approved: structuredClone(approved) });
}

/** Builds a frozen `broker.cancelOrder`. */
export function brokerCancelOrder(portfolioId: string, clientOrderId: string): BrokerCancelOrder {
  return deepFreeze({ type: 'broker.cancelOrder', portfolioId, clientOrderId });
}

/** Builds a frozen `broker.reconcile`. */
export function brokerReconcile(): BrokerReconcile {
  return deepFreeze({ type: 'broker.reconcile' });
}

/** Builds a frozen `broker.orderUpdate`. */
export function brokerOrderUpdate(order: OmsOrder, time: number): BrokerOrderUpdate {
  return deepFreeze({ type: 'broker.orderUpdate', order: structuredClone(order), time });
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
