import { bpsToFraction, roundToCents } from '../domain/money.js';

/**
 * How a venue charges. The minimum applies per order, not per fill: a partially filled order pays the
 * minimum once, on its first fill, then only what the rate adds.
 */
export type CommissionModel =
  | { readonly kind: 'none' }
  /** `perShare x quantity`, at least `minimumPerOrder`, at most `maximumPctOfNotional` of the notional when given. */
  | { readonly kind: 'per_share'; readonly perShare: number; readonly minimumPerOrder: number; readonly maximumPctOfNotional?: number }
  /** `bps / 10,000 x notional`, at least `minimumPerOrder`. */
  | { readonly kind: 'bps'; readonly bps: number; readonly minimumPerOrder: number };

/** IB-like fixed pricing: 0.005 per share, 1.00 minimum per order, at most 1% of the notional. */
export const DEFAULT_COMMISSION: CommissionModel = Object.freeze({ kind: 'per_share', perShare: 0.005, minimumPerOrder: 1, maximumPctOfNotional: 0.01 });

/** Default slippage of market and stop fills, in basis points of the price. */
export const DEFAULT_SLIPPAGE_BPS = 0;

/** Commission for an order's cumulative fills so far (quantity and notional), in cents. */
export function cumulativeCommission(model: CommissionModel, quantity: number, notional: number): number {
  if (quantity <= 0) return 0;
  switch (model.kind) {
    case 'none':
      return 0;
    case 'per_share': {
      let amount = Math.max(model.minimumPerOrder, model.perShare * quantity);
      if (model.maximumPctOfNotional !== undefined) amount = Math.min(amount, model.maximumPctOfNotional * notional);
      return roundToCents(amount);
    }
    case 'bps':
      return roundToCents(Math.max(model.minimumPerOrder, bpsToFraction(model.bps) * notional));
  }
}

/** Commission of one fill: what the order's cumulative commission grows by. */
export function fillCommission(model: CommissionModel, before: { quantity: number; notional: number }, fill: { quantity: number; price: number }): number {
  const after = cumulativeCommission(model, before.quantity + fill.quantity, before.notional + fill.quantity * fill.price);
  return roundToCents(Math.max(0, after - cumulativeCommission(model, before.quantity, before.notional)));
}

/** A price moved against the taker by `bps`: up for a buy, down for a sell. */
export function slip(price: number, side: 'buy' | 'sell', bps: number): number {
  return side === 'buy' ? price * (1 + bpsToFraction(bps)) : price * (1 - bpsToFraction(bps));
}
