import type { RiskCheck } from './context.js';
import { exceeds, exposures, instrumentOf, orderPrice, positionOf, postTradePosition, valuationPrice } from './context.js';
import { deny } from './denial.js';

// Post-trade limits deny only orders that make the measure worse: an order that reduces a measure already
// over its limit (after a price move) passes, so that the book can always be brought back within limits.

/** Quantity x order price must not exceed `maxNotionalPerOrder`. */
export const checkNotional: RiskCheck = (order, ctx) => {
  const price = orderPrice(order, ctx);
  if (price === undefined) return undefined;
  const notional = order.quantity * price;
  const max = ctx.limits.maxNotionalPerOrder;
  return exceeds(notional, max) ? deny('NOTIONAL_EXCEEDS_MAX_PER_ORDER', { max, was: notional }) : undefined;
};

/** |post-trade position| must not exceed `maxPositionQuantityBySymbol[symbol] ?? maxPositionQuantity`. */
export const checkPosition: RiskCheck = (order, ctx) => {
  const after = Math.abs(postTradePosition(order, ctx));
  const max = ctx.limits.maxPositionQuantityBySymbol[order.symbol] ?? ctx.limits.maxPositionQuantity;
  if (after > max && after > Math.abs(positionOf(ctx, order.symbol))) {
    return deny('POSITION_EXCEEDS_MAX', { symbol: order.symbol, max, was: after });
  }
  return undefined;
};

/** Post-trade gross exposure (sum of |position values|) must not exceed `maxGrossExposure`. */
export const checkGrossExposure: RiskCheck = (order, ctx) => {
  const { grossBefore, grossAfter } = exposures(order, ctx);
  const max = ctx.limits.maxGrossExposure;
  return exceeds(grossAfter, max) && grossAfter > grossBefore ? deny('GROSS_EXPOSURE_EXCEEDS_MAX', { max, was: grossAfter }) : undefined;
};

/** |Post-trade net exposure| must not exceed `maxNetExposure`. */
export const checkNetExposure: RiskCheck = (order, ctx) => {
  const { netBefore, netAfter } = exposures(order, ctx);
  const max = ctx.limits.maxNetExposure;
  return exceeds(Math.abs(netAfter), max) && Math.abs(netAfter) > Math.abs(netBefore)
    ? deny('NET_EXPOSURE_EXCEEDS_MAX', { max, was: Math.abs(netAfter) })
    : undefined;
};

/** |Post-trade position value| in the symbol must not exceed `maxConcentrationPct` of equity. */
export const checkConcentration: RiskCheck = (order, ctx) => {
  const before = Math.abs(positionOf(ctx, order.symbol));
  const after = Math.abs(postTradePosition(order, ctx));
  if (after <= before) return undefined;
  const price = valuationPrice(ctx, order.symbol) ?? 0;
  const equity = ctx.portfolio.equity;
  const maxPct = ctx.limits.maxConcentrationPct;
  if (equity <= 0) return deny('CONCENTRATION_EXCEEDS_MAX', { symbol: order.symbol, maxPct, equity });
  const pct = (after * price) / equity;
  return exceeds(pct, maxPct) ? deny('CONCENTRATION_EXCEEDS_MAX', { symbol: order.symbol, maxPct, was: pct }) : undefined;
};

/** A short position may be opened or increased only with `allowShort` and a shortable instrument. */
export const checkShort: RiskCheck = (order, ctx) => {
  const after = postTradePosition(order, ctx);
  if (after >= 0 || after >= Math.min(0, positionOf(ctx, order.symbol))) return undefined;
  const shortable = instrumentOf(order, ctx)?.shortable === true;
  if (ctx.limits.allowShort && shortable) return undefined;
  return deny('SHORT_NOT_ALLOWED', { symbol: order.symbol, allowShort: ctx.limits.allowShort, shortable, wouldBe: after });
};

/**
 * The increase in gross exposure must fit the buying power `equity x maxLeverage - gross exposure`
 * (with leverage 1 and long positions only, that is the cash).
 */
export const checkBuyingPower: RiskCheck = (order, ctx) => {
  const { grossBefore, grossAfter } = exposures(order, ctx);
  const required = grossAfter - grossBefore;
  if (required <= 0) return undefined;
  const available = ctx.portfolio.equity * ctx.limits.maxLeverage - grossBefore;
  return exceeds(required, available) ? deny('INSUFFICIENT_BUYING_POWER', { required, available }) : undefined;
};
