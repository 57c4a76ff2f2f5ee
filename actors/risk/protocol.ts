import { deepFreeze } from '../domain/freeze.js';
import type { OrderRequest } from '../domain/order.js';
import type { RiskPortfolioView } from './context.js';
import type { DayTradeFill } from './day-trades.js';
import type { Denial } from './denial.js';
import type { RiskLimits } from './limits.js';
import type { TradingState, TradingStateTrigger } from './trading-state.js';
import type { VarReport } from './var.js';

/** A strategy asks for an order. Answered by `broker.approvedOrder` (to the broker) or `risk.orderDenied`. */
export interface RiskSubmitOrder {
  readonly type: 'risk.submitOrder';
  readonly order: OrderRequest;
}

/** A cancel request; cancels are never subject to the pre-trade checks and pass in every trading state. */
export interface RiskCancelOrder {
  readonly type: 'risk.cancelOrder';
  readonly portfolioId: string;
  readonly clientOrderId: string;
  readonly requestedBy: string;
}

/**
 * An authorised operator sets the trading state. `token` is the operator credential
 * (`BIFROST_OPERATOR_TOKEN`); it is compared in constant time and never journaled, logged or echoed.
 */
export interface RiskSetTradingState {
  readonly type: 'risk.setTradingState';
  readonly to: TradingState;
  readonly operator: string;
  readonly reason: string;
  readonly token?: string;
}

/** A fill as the risk actor books it for the day-trade rule, with the position just before it. */
export interface RiskBookedFill extends DayTradeFill {
  readonly portfolioId: string;
  readonly positionBefore: number;
}

/** The portfolio actor's latest view (after every fill and mark); `fill` when a fill caused it. */
export interface RiskPortfolioUpdate {
  readonly type: 'risk.portfolioUpdate';
  readonly view: RiskPortfolioView;
  readonly time: number;
  readonly fill?: RiskBookedFill;
}

/** Latest market price of a symbol. */
export interface RiskPriceUpdate {
  readonly type: 'risk.priceUpdate';
  readonly symbol: string;
  readonly price: number;
  readonly time: number;
}

/**
 * Latest market prices of several symbols at once (a feed catching up over many symbols): the same as a
 * `risk.priceUpdate` per entry, in one message. Entries that are not positive finite prices are ignored.
 */
export interface RiskPricesUpdate {
  readonly type: 'risk.pricesUpdate';
  readonly prices: Readonly<Record<string, number>>;
  readonly time: number;
}

/** Daily return history of a symbol for VaR, oldest first. */
export interface RiskReturnsUpdate {
  readonly type: 'risk.returnsUpdate';
  readonly symbol: string;
  readonly returns: readonly number[];
}

/** The broker reports that an order reached a terminal state (filled, canceled, rejected, expired). */
export interface RiskOrderClosed {
  readonly type: 'risk.orderClosed';
  readonly portfolioId: string;
  readonly clientOrderId: string;
}

/** The broker's reconciled list of a portfolio's open orders (after its start); replaces the risk actor's. */
export interface RiskOpenOrdersSync {
  readonly type: 'risk.openOrdersSync';
  readonly portfolioId: string;
  readonly clientOrderIds: readonly string[];
}

/** Asks for the trading state, limits, open orders and VaR; answered with `risk.status`. */
export interface RiskGetStatus {
  readonly type: 'risk.getStatus';
}

/** Messages the risk actor receives. */
export type RiskProtocol =
  | RiskSubmitOrder
  | RiskCancelOrder
  | RiskSetTradingState
  | RiskPortfolioUpdate
  | RiskPriceUpdate
  | RiskPricesUpdate
  | RiskReturnsUpdate
  | RiskOrderClosed
  | RiskOpenOrdersSync
  | RiskGetStatus;

/** An order was denied; sent to the submitting strategy and published on the event stream. */
export interface RiskOrderDenied {
  readonly type: 'risk.orderDenied';
  readonly order: OrderRequest;
  readonly denial: Denial;
  readonly time: number;
}

/** The trading state changed (by an operator or automatically). */
export interface RiskTradingStateChanged {
  readonly type: 'risk.tradingStateChanged';
  readonly from: TradingState;
  readonly to: TradingState;
  readonly trigger: TradingStateTrigger;
  readonly reason: string;
  /** The operator, for operator changes. */
  readonly by?: string;
  readonly time: number;
}

/** Why an operator command was refused. */
export const OPERATOR_REFUSALS = {
  /** No operator credential is configured, or the one presented does not match. */
  UNAUTHORISED: 'UNAUTHORISED',
  /** An operator name and a reason are required. */
  REASON_REQUIRED: 'REASON_REQUIRED',
  /** The transition table does not list the change (e.g. to the current state). */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
} as const;
export type OperatorRefusal = (typeof OPERATOR_REFUSALS)[keyof typeof OPERATOR_REFUSALS];

/** An operator command was refused; sent to the sender and published on the event stream. */
export interface RiskOperatorCommandRefused {
  readonly type: 'risk.operatorCommandRefused';
  readonly riskId: string;
  readonly operator: string;
  readonly to: string;
  readonly refusal: OperatorRefusal;
  readonly message: string;
  readonly time: number;
}

/** VaR of one portfolio, recomputed on new return data (daily bars) and refreshed on demand. */
export interface RiskVarFigures {
  readonly portfolioId: string;
  /** Undefined while a held symbol lacks return history. */
  readonly report?: VarReport;
  /** Held symbols whose return history is too short, when `report` is undefined. */
  readonly insufficient?: readonly string[];
  readonly time: number;
}

/** VaR was recomputed; published on the event stream for the UI and the inspector. */
export interface RiskVarUpdated extends RiskVarFigures {
  readonly type: 'risk.varUpdated';
  readonly riskId: string;
}

/** The answer to `risk.getStatus`. */
export interface RiskStatus {
  readonly type: 'risk.status';
  readonly riskId: string;
  readonly tradingState: TradingState;
  readonly limits: RiskLimits;
  /** Open (approved, not yet terminal) orders per portfolio. */
  readonly openOrders: Readonly<Record<string, number>>;
  readonly var: readonly RiskVarFigures[];
  /** The most recent trading-state changes, oldest first. */
  readonly history: readonly Omit<RiskTradingStateChanged, 'type'>[];
  /** The last approval sequence number issued. */
  readonly seq: number;
}

/** Events the risk actor emits. */
export type RiskEvent = RiskOrderDenied | RiskTradingStateChanged | RiskOperatorCommandRefused | RiskVarUpdated;

/** Builds a frozen `risk.submitOrder`. */
export function riskSubmitOrder(order: OrderRequest): RiskSubmitOrder {
  return deepFreeze({ type: 'risk.submitOrder', order: { ...order } });
}

/** Builds a frozen `risk.cancelOrder`. */
export function riskCancelOrder(portfolioId: string, clientOrderId: string, requestedBy: string): RiskCancelOrder {
  return deepFreeze({ type: 'risk.cancelOrder', portfolioId, clientOrderId, requestedBy });
}

/** Builds a frozen `risk.setTradingState`; `token` is the operator credential. */
export function riskSetTradingState(to: TradingState, operator: string, reason: string, token?: string): RiskSetTradingState {
  return deepFreeze(token === undefined ? { type: 'risk.setTradingState', to, operator, reason } : { type: 'risk.setTradingState', to, operator, reason, token });
}

/** Builds a frozen `risk.portfolioUpdate` from a copy of `view`. */
export function riskPortfolioUpdate(view: RiskPortfolioView, time: number, fill?: RiskBookedFill): RiskPortfolioUpdate {
  const message = { type: 'risk.portfolioUpdate' as const, view: structuredClone(view), time };
  return deepFreeze(fill === undefined ? message : { ...message, fill: { ...fill } });
}

/**
 * Builds a frozen `risk.portfolioUpdate` without copying: `view` (fresh from `toRiskView`, say) is
 * frozen in place with its records, and so is `fill`, so the caller must not keep using them. The
 * portfolio actor sends one per fill and mark, where a deep copy would cost more than the update itself
 * (and V8 freezes a spread copy of the fill through a slow path).
 */
export function riskPortfolioUpdateOwned(view: RiskPortfolioView, time: number, fill?: RiskBookedFill): RiskPortfolioUpdate {
  Object.freeze(view.positions);
  Object.freeze(view.marks);
  Object.freeze(view);
  return Object.freeze(fill === undefined ? { type: 'risk.portfolioUpdate', view, time } : { type: 'risk.portfolioUpdate', view, time, fill: Object.freeze(fill) });
}

/** Builds a frozen `risk.openOrdersSync`. */
export function riskOpenOrdersSync(portfolioId: string, clientOrderIds: readonly string[]): RiskOpenOrdersSync {
  return deepFreeze({ type: 'risk.openOrdersSync', portfolioId, clientOrderIds: [...clientOrderIds] });
}

/** Builds a frozen `risk.getStatus`. */
export function riskGetStatus(): RiskGetStatus {
  return Object.freeze({ type: 'risk.getStatus' });
}

/** Builds a frozen `risk.priceUpdate`. */
export function riskPriceUpdate(symbol: string, price: number, time: number): RiskPriceUpdate {
  return Object.freeze({ type: 'risk.priceUpdate', symbol, price, time });
}

/** Builds a frozen `risk.returnsUpdate`. */
export function riskReturnsUpdate(symbol: string, returns: readonly number[]): RiskReturnsUpdate {
  return deepFreeze({ type: 'risk.returnsUpdate', symbol, returns: [...returns] });
}

/** Builds a frozen `risk.orderClosed`. */
export function riskOrderClosed(portfolioId: string, clientOrderId: string): RiskOrderClosed {
  return Object.freeze({ type: 'risk.orderClosed', portfolioId, clientOrderId });
}

/** Builds a frozen `risk.orderDenied`. */
export function riskOrderDenied(order: OrderRequest, denial: Denial, time: number): RiskOrderDenied {
  return deepFreeze({ type: 'risk.orderDenied', order: { ...order }, denial: structuredClone(denial), time });
}

/** Builds a frozen `risk.tradingStateChanged`. */
export function riskTradingStateChanged(change: Omit<RiskTradingStateChanged, 'type'>): RiskTradingStateChanged {
  return deepFreeze({ type: 'risk.tradingStateChanged', ...change });
}
