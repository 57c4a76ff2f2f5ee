import { deepFreeze } from '../domain/freeze.js';
import type { OrderRequest } from '../domain/order.js';
import type { RiskPortfolioView } from './context.js';
import type { Denial } from './denial.js';
import type { TradingState, TradingStateTrigger } from './trading-state.js';

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

/** An authorised operator sets the trading state. */
export interface RiskSetTradingState {
  readonly type: 'risk.setTradingState';
  readonly to: TradingState;
  readonly operator: string;
  readonly reason: string;
}

/** The portfolio actor's latest view (after every fill and mark). */
export interface RiskPortfolioUpdate {
  readonly type: 'risk.portfolioUpdate';
  readonly view: RiskPortfolioView;
  readonly time: number;
}

/** Latest market price of a symbol. */
export interface RiskPriceUpdate {
  readonly type: 'risk.priceUpdate';
  readonly symbol: string;
  readonly price: number;
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

/** Messages the risk actor receives. */
export type RiskProtocol =
  | RiskSubmitOrder
  | RiskCancelOrder
  | RiskSetTradingState
  | RiskPortfolioUpdate
  | RiskPriceUpdate
  | RiskReturnsUpdate
  | RiskOrderClosed;

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

/** Events the risk actor emits. */
export type RiskEvent = RiskOrderDenied | RiskTradingStateChanged;

/** Builds a frozen `risk.submitOrder`. */
export function riskSubmitOrder(order: OrderRequest): RiskSubmitOrder {
  return deepFreeze({ type: 'risk.submitOrder', order: { ...order } });
}

/** Builds a frozen `risk.cancelOrder`. */
export function riskCancelOrder(portfolioId: string, clientOrderId: string, requestedBy: string): RiskCancelOrder {
  return deepFreeze({ type: 'risk.cancelOrder', portfolioId, clientOrderId, requestedBy });
}

/** Builds a frozen `risk.setTradingState`. */
export function riskSetTradingState(to: TradingState, operator: string, reason: string): RiskSetTradingState {
  return deepFreeze({ type: 'risk.setTradingState', to, operator, reason });
}

/** Builds a frozen `risk.portfolioUpdate`. */
export function riskPortfolioUpdate(view: RiskPortfolioView, time: number): RiskPortfolioUpdate {
  return deepFreeze({ type: 'risk.portfolioUpdate', view: structuredClone(view), time });
}

/** Builds a frozen `risk.priceUpdate`. */
export function riskPriceUpdate(symbol: string, price: number, time: number): RiskPriceUpdate {
  return deepFreeze({ type: 'risk.priceUpdate', symbol, price, time });
}

/** Builds a frozen `risk.returnsUpdate`. */
export function riskReturnsUpdate(symbol: string, returns: readonly number[]): RiskReturnsUpdate {
  return deepFreeze({ type: 'risk.returnsUpdate', symbol, returns: [...returns] });
}

/** Builds a frozen `risk.orderClosed`. */
export function riskOrderClosed(portfolioId: string, clientOrderId: string): RiskOrderClosed {
  return deepFreeze({ type: 'risk.orderClosed', portfolioId, clientOrderId });
}

/** Builds a frozen `risk.orderDenied`. */
export function riskOrderDenied(order: OrderRequest, denial: Denial, time: number): RiskOrderDenied {
  return deepFreeze({ type: 'risk.orderDenied', order: { ...order }, denial: structuredClone(denial), time });
}

/** Builds a frozen `risk.tradingStateChanged`. */
export function riskTradingStateChanged(change: Omit<RiskTradingStateChanged, 'type'>): RiskTradingStateChanged {
  return deepFreeze({ type: 'risk.tradingStateChanged', ...change });
}
