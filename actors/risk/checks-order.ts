import { orderRequestProblems } from '../domain/order-validation.js';
import type { RiskCheck } from './context.js';
import { instrumentOf, isReducing, positionOf, valuationPrice } from './context.js';
import { deny } from './denial.js';
import type { Denial } from './denial.js';

/** HALTED denies every new order (cancels go around the checks); REDUCING denies all but reducing orders. */
export const checkTradingState: RiskCheck = (order, ctx) => {
  if (ctx.tradingState === 'HALTED') return deny('TRADING_HALTED', { state: 'HALTED' });
  if (ctx.tradingState === 'REDUCING' && !isReducing(order, ctx)) {
    return deny('REDUCING_ONLY', { state: 'REDUCING', symbol: order.symbol, position: positionOf(ctx, order.symbol), side: order.side, quantity: order.quantity });
  }
  return undefined;
};

/** The symbol must be a known instrument that is open for trading. */
export const checkSymbol: RiskCheck = (order, ctx) => {
  const instrument = instrumentOf(order, ctx);
  if (instrument === undefined) return deny('UNKNOWN_SYMBOL', { symbol: order.symbol });
  if (!instrument.tradable) return deny('SYMBOL_NOT_TRADABLE', { symbol: order.symbol });
  return undefined;
};

/** The symbol must not be on the restricted list (`restrictedSymbols`). */
export const checkRestricted: RiskCheck = (order, ctx) =>
  ctx.limits.restrictedSymbols.includes(order.symbol) ? deny('SYMBOL_RESTRICTED', { symbol: order.symbol }) : undefined;

/** Quantity on the lot grid, prices positive and on the tick grid, the prices the type needs: `validateOrderRequest`'s rules. */
export const checkOrderValidity: RiskCheck = (order, ctx) => {
  const problems = orderRequestProblems(order, ctx.registry);
  if (problems.length === 0) return undefined;
  return deny('INVALID_ORDER', { fields: problems.map((p) => p.field).join('|'), problems: problems.map((p) => p.message).join('; ') });
};

/** Every order needs a price to value it against: a last price or the portfolio's mark. */
export const checkReferencePrice: RiskCheck = (order, ctx) =>
  valuationPrice(ctx, order.symbol) === undefined ? deny('NO_REFERENCE_PRICE', { symbol: order.symbol }) : undefined;

/** Limit and stop prices must lie within ±`priceBandPct` of the reference price (fat-finger guard). */
export const checkPriceBand: RiskCheck = (order, ctx) => {
  const reference = valuationPrice(ctx, order.symbol);
  if (reference === undefined) return undefined;
  return outsideBand('limitPrice', order.limitPrice, reference, ctx.limits.priceBandPct) ?? outsideBand('stopPrice', order.stopPrice, reference, ctx.limits.priceBandPct);
};

function outsideBand(field: 'limitPrice' | 'stopPrice', price: number | undefined, reference: number, band: number): Denial | undefined {
  if (price === undefined) return undefined;
  const tolerance = 1e-9 * reference;
  if (price < reference * (1 - band) - tolerance || price > reference * (1 + band) + tolerance) {
    return deny('PRICE_OUTSIDE_BAND', { field, price, reference, bandPct: band });
  }
  return undefined;
}
