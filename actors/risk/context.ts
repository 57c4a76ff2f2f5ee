import type { Instrument, InstrumentRegistry } from '../domain/instrument.js';
import type { OrderRequest } from '../domain/order.js';
import { sideSign } from '../domain/order.js';
import type { DayTradeLedger } from './day-trades.js';
import type { Denial } from './denial.js';
import type { RiskLimits } from './limits.js';
import type { RateLimitState } from './rate-limit.js';
import type { TradingState } from './trading-state.js';
import type { ReturnHistory } from './var.js';

/** What the risk engine knows of one portfolio; sent by the portfolio actor after every change. */
export interface RiskPortfolioView {
  readonly portfolioId: string;
  readonly cash: number;
  /** `cash + sum(quantity x mark)`. */
  readonly equity: number;
  /** Signed quantity per symbol: every symbol the portfolio has traded, 0 when flat (a symbol never traded is absent). */
  readonly positions: Readonly<Record<string, number>>;
  /** The portfolio's latest mark per symbol; used where the risk engine has no last price. */
  readonly marks: Readonly<Record<string, number>>;
  /** Equity at the start of the trading day (for the daily loss limit). */
  readonly startOfDayEquity: number;
  /** Highest equity seen (for the drawdown limit). */
  readonly peakEquity: number;
}

/** Everything a pre-trade check may read. Checks are pure functions of the order and this context. */
export interface RiskContext {
  /** Evaluation time, epoch ms. */
  readonly now: number;
  readonly limits: RiskLimits;
  readonly registry: InstrumentRegistry;
  readonly tradingState: TradingState;
  readonly portfolio: RiskPortfolioView;
  /** Latest trade (or mid) price per symbol from market data. */
  readonly lastPrices: Readonly<Record<string, number>>;
  /** Open (approved, not yet terminal) orders of the order's portfolio. */
  readonly openOrders: number;
  readonly rate: RateLimitState;
  readonly dayTrades: DayTradeLedger;
  readonly returns: ReturnHistory;
}

/** A pre-trade check: a denial when the order breaks its rule, `undefined` when it passes. */
export type RiskCheck = (order: OrderRequest, ctx: RiskContext) => Denial | undefined;

/** Whether `value` exceeds `max` by more than float noise (110 is not above 100 x 1.1 = 110.00000000000001). */
export function exceeds(value: number, max: number): boolean {
  return value - max > 1e-9 * Math.max(1, Math.abs(max));
}

/** The instrument of the order's symbol, if known. */
export function instrumentOf(order: OrderRequest, ctx: RiskContext): Instrument | undefined {
  return ctx.registry.get(order.symbol);
}

/** Current signed position of the order's portfolio in `symbol`. */
export function positionOf(ctx: RiskContext, symbol: string): number {
  return ctx.portfolio.positions[symbol] ?? 0;
}

/** Position after the order fills completely. */
export function postTradePosition(order: OrderRequest, ctx: RiskContext): number {
  return positionOf(ctx, order.symbol) + sideSign(order.side) * order.quantity;
}

/**
 * Whether the order only reduces exposure: it trades against the current position and does not take it
 * through zero (selling at most the long quantity, buying at most the short quantity).
 */
export function isReducing(order: OrderRequest, ctx: RiskContext): boolean {
  const position = positionOf(ctx, order.symbol);
  return position !== 0 && sideSign(order.side) !== Math.sign(position) && order.quantity <= Math.abs(position);
}

/** The price exposures are valued at: the last price, else the portfolio's mark. */
export function valuationPrice(ctx: RiskContext, symbol: string): number | undefined {
  return ctx.lastPrices[symbol] ?? ctx.portfolio.marks[symbol];
}

/**
 * The price an order's notional is computed at: its limit price (limit, stop-limit), its stop price
 * (stop) or the valuation price (market).
 */
export function orderPrice(order: OrderRequest, ctx: RiskContext): number | undefined {
  if (order.type === 'limit' || order.type === 'stop_limit') return order.limitPrice;
  if (order.type === 'stop') return order.stopPrice;
  return valuationPrice(ctx, order.symbol);
}

/** Gross and net exposure before and after an order. */
export interface ExposureFigures {
  readonly grossBefore: number;
  readonly grossAfter: number;
  readonly netBefore: number;
  readonly netAfter: number;
}

// Three checks in a row read the exposures of the same order in the same context: keep the last figures
// (a single slot, where a WeakMap entry per evaluation cost more than it saved).
let lastExposures: { readonly ctx: RiskContext; readonly order: OrderRequest; readonly figures: ExposureFigures } | undefined;

/** Gross and net exposure before and after the order, every position valued at `valuationPrice`. */
export function exposures(order: OrderRequest, ctx: RiskContext): ExposureFigures {
  if (lastExposures !== undefined && lastExposures.ctx === ctx && lastExposures.order === order) return lastExposures.figures;
  const figures = computeExposures(order, ctx);
  lastExposures = { ctx, order, figures };
  return figures;
}

function computeExposures(order: OrderRequest, ctx: RiskContext): ExposureFigures {
  let grossBefore = 0;
  let netBefore = 0;
  const positions = ctx.portfolio.positions;
  for (const symbol of Object.keys(positions)) {
    // A flat symbol adds nothing: skip its price lookups (the view lists every symbol ever traded).
    const quantity = positions[symbol]!;
    if (quantity === 0) continue;
    const value = quantity * (valuationPrice(ctx, symbol) ?? 0);
    grossBefore += Math.abs(value);
    netBefore += value;
  }
  const price = valuationPrice(ctx, order.symbol) ?? 0;
  const before = positionOf(ctx, order.symbol) * price;
  const after = postTradePosition(order, ctx) * price;
  return {
    grossBefore,
    netBefore,
    grossAfter: grossBefore - Math.abs(before) + Math.abs(after),
    netAfter: netBefore - before + after,
  };
}
