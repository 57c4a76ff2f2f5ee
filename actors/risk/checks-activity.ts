import { sideSign } from '../domain/order.js';
import type { OrderRequest } from '../domain/order.js';
import type { RiskCheck, RiskContext } from './context.js';
import { exceeds, isReducing, positionOf, valuationPrice } from './context.js';
import { dayTradesInWindow, wouldBeDayTrade } from './day-trades.js';
import { deny } from './denial.js';
import { countInWindow, portfolioKey, strategyKey } from './rate-limit.js';
import { postTradeVar } from './var.js';
import type { VarOutcome } from './var.js';

/** At most `maxOrdersPerStrategyPerWindow` approved orders per strategy in the sliding `rateWindowMs`. */
export const checkStrategyRate: RiskCheck = (order, ctx) => {
  const { maxOrdersPerStrategyPerWindow: max, rateWindowMs: windowMs } = ctx.limits;
  const count = countInWindow(ctx.rate, strategyKey(order.strategyId), ctx.now, windowMs);
  return count >= max ? deny('ORDER_RATE_EXCEEDED_STRATEGY', { strategyId: order.strategyId, max, windowMs, count }) : undefined;
};

/** At most `maxOrdersPerPortfolioPerWindow` approved orders per portfolio in the sliding `rateWindowMs`. */
export const checkPortfolioRate: RiskCheck = (order, ctx) => {
  const { maxOrdersPerPortfolioPerWindow: max, rateWindowMs: windowMs } = ctx.limits;
  const count = countInWindow(ctx.rate, portfolioKey(order.portfolioId), ctx.now, windowMs);
  return count >= max ? deny('ORDER_RATE_EXCEEDED_PORTFOLIO', { portfolioId: order.portfolioId, max, windowMs, count }) : undefined;
};

/** At most `maxOpenOrders` open orders per portfolio, this one included. */
export const checkOpenOrders: RiskCheck = (_order, ctx) =>
  ctx.openOrders >= ctx.limits.maxOpenOrders ? deny('MAX_OPEN_ORDERS_EXCEEDED', { max: ctx.limits.maxOpenOrders, open: ctx.openOrders }) : undefined;

/** Once the loss since the start of the day reaches `maxDailyLoss`, only reducing orders pass. */
export const checkDailyLoss: RiskCheck = (order, ctx) => {
  const max = ctx.limits.maxDailyLoss;
  if (max === null) return undefined;
  const loss = ctx.portfolio.startOfDayEquity - ctx.portfolio.equity;
  return loss >= max && !isReducing(order, ctx) ? deny('DAILY_LOSS_LIMIT_REACHED', { max, loss }) : undefined;
};

/**
 * Below `pdtEquityThreshold` equity, an order that would be a day trade (see `day-trades.ts`) is denied
 * when `pdtMaxDayTrades` day trades were already made in the last `pdtWindowBusinessDays` business days.
 */
export const checkPatternDayTrader: RiskCheck = (order, ctx) => {
  const { pdtEquityThreshold: threshold, pdtMaxDayTrades: max, pdtWindowBusinessDays: window, tradingTimeZone: tz } = ctx.limits;
  if (ctx.portfolio.equity >= threshold) return undefined;
  if (!wouldBeDayTrade(ctx.dayTrades, order, positionOf(ctx, order.symbol), ctx.now, tz)) return undefined;
  const count = dayTradesInWindow(ctx.dayTrades, ctx.now, tz, window);
  return count >= max
    ? deny('PATTERN_DAY_TRADER_LIMIT', { dayTrades: count, max, windowBusinessDays: window, equity: ctx.portfolio.equity, threshold })
    : undefined;
};

/**
 * Post-trade 1-day VaR (`varMethod` at `varConfidence`) must not exceed `maxPostTradeVar`, unless the
 * order lowers it. Held symbols need `varMinObservations` daily returns (reducing orders are exempt).
 */
export const checkPostTradeVar: RiskCheck = (order, ctx) => {
  const { maxPostTradeVar: max, varMethod: method, varConfidence: confidence, varMinObservations: minObservations } = ctx.limits;
  if (max === null) return undefined;
  const after = varAfter(order, ctx, sideSign(order.side) * order.quantity);
  if (!after.ok) {
    // Missing history must never trap a position: an order that only reduces it passes.
    if (isReducing(order, ctx)) return undefined;
    return deny('VAR_HISTORY_INSUFFICIENT', { symbols: after.insufficient.join('|'), observations: after.observations, min: minObservations });
  }
  if (!exceeds(after.estimate.value, max)) return undefined;
  const before = varAfter(order, ctx, 0);
  if (before.ok && after.estimate.value <= before.estimate.value) return undefined;
  return deny('POST_TRADE_VAR_EXCEEDS_MAX', { max, was: after.estimate.value, method, confidence });
};

/** The portfolio's VaR after trading `signedQuantity` of the order's symbol, every exposure at its valuation price. */
function varAfter(order: OrderRequest, ctx: RiskContext, signedQuantity: number): VarOutcome {
  const { varMethod: method, varConfidence: confidence, varMinObservations: minObservations } = ctx.limits;
  return postTradeVar(ctx.portfolio.positions, (symbol) => valuationPrice(ctx, symbol), order.symbol, signedQuantity, ctx.returns, { method, confidence, minObservations });
}
