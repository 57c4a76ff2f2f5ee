/**
 * The fill and cost model every sweep shares, in three forms that must agree: the kernel source fragments
 * (float32 on webasm and the GPU backends), the float64 book of the plain-JS reference, and the float32 book
 * (`Math.fround` after every operation, same order as the kernel) that a kernel must match bit for bit.
 *
 * The model is the paper venue's in backtest mode: a market order placed on bar t's close fills in full at
 * bar t+1's open moved against the taker by `slippageBps`, rounded to the tick; commission per the
 * CommissionModel, rounded to cents; cash moves by `-signed quantity × price - commission`.
 */
import type { CommissionModel } from '../../broker/commission.js';
import { bpsToFraction, decimalPlaces, roundToCents, roundToTick } from '../../domain/money.js';

/** Cash a sweep starts with, in account currency. */
export const DEFAULT_INITIAL_CASH = 100_000;
/** Price grid fills are rounded to, in currency units. */
export const DEFAULT_TICK_SIZE = 0.01;

/** What a sweep charges and how it annualises. */
export interface CostSettings {
  readonly initialCash: number;
  readonly commission: CommissionModel;
  readonly slippageBps: number;
  readonly tickSize: number;
  /** Bars per year, for the Sharpe ratio (252 for daily bars). */
  readonly periodsPerYear: number;
}

/** The cost model reduced to numbers (float64); kernels receive them rounded to float32. */
export interface CostConstants {
  readonly initialCash: number;
  /** 1 + slippage fraction: a buy fills at open × buyFactor before tick rounding. */
  readonly buyFactor: number;
  readonly sellFactor: number;
  /** 10^decimals of the tick and the tick in those units: 0.05 is (100, 5). */
  readonly tickScale: number;
  readonly tickUnits: number;
  readonly tickSize: number;
  readonly perShare: number;
  readonly bpsFraction: number;
  readonly minFee: number;
  readonly maxPct: number;
  /** 1 when the commission is capped at `maxPct` of the notional, else 0. */
  readonly hasMax: number;
  readonly sqrtPeriods: number;
}

/** Reduces a cost configuration to the constants the kernels and references read. */
export function costConstants(s: CostSettings): CostConstants {
  const m = s.commission;
  const tickScale = 10 ** decimalPlaces(s.tickSize);
  return {
    initialCash: s.initialCash,
    buyFactor: 1 + bpsToFraction(s.slippageBps),
    sellFactor: 1 - bpsToFraction(s.slippageBps),
    tickScale,
    tickUnits: Math.round(s.tickSize * tickScale),
    tickSize: s.tickSize,
    perShare: m.kind === 'per_share' ? m.perShare : 0,
    bpsFraction: m.kind === 'bps' ? bpsToFraction(m.bps) : 0,
    minFee: m.kind === 'none' ? 0 : m.minimumPerOrder,
    maxPct: m.kind === 'per_share' && m.maximumPctOfNotional !== undefined ? m.maximumPctOfNotional : 0,
    hasMax: m.kind === 'per_share' && m.maximumPctOfNotional !== undefined ? 1 : 0,
    sqrtPeriods: Math.sqrt(s.periodsPerYear),
  };
}

/** gpu.js constants of a sweep kernel: the cost constants in float32 plus the bar count and combo width. */
export function kernelConstants(c: CostConstants, bars: number, width: number): Record<string, number> {
  const f = Math.fround;
  return {
    bars, width,
    initialCash: f(c.initialCash), buyFactor: f(c.buyFactor), sellFactor: f(c.sellFactor), tickScale: f(c.tickScale), tickUnits: f(c.tickUnits),
    perShare: f(c.perShare), bpsFraction: f(c.bpsFraction), minFee: f(c.minFee), maxPct: f(c.maxPct), hasMax: c.hasMax, sqrtPeriods: f(c.sqrtPeriods),
  };
}

/** gpu.js constant types matching `kernelConstants`: every figure is a float, the two counts are integers. */
export function kernelConstantTypes(constants: Record<string, number>): Record<string, 'Float' | 'Integer'> {
  return Object.fromEntries(Object.keys(constants).map((k) => [k, k === 'bars' || k === 'width' || k === 'hasMax' ? 'Integer' : 'Float']));
}

// ----------------------------------------------------------------------------------- kernel fragments
// Book state: cash, qty (shares held), pending (+1 buy / -1 sell awaiting the next open), orderQty, trades,
// and the running figures: prevEq, s1/s2 (sums of returns and squared returns), peak/trough/worst.

/** Declares the book; `c` is the combination's offset in `combo`. */
export const BOOK_INIT = `
  let cash = this.constants.initialCash; let qty = 0; let pending = 0; let orderQty = 0; let trades = 0;
  let prevEq = cash; let s1 = 0; let s2 = 0; let peak = cash; let trough = cash; let worst = 0;`;

/** Fills the order placed on the previous close at this bar's open. */
export const BOOK_FILL = `
    if (pending !== 0) {
      let fillQty = qty;
      let price = open[t] * this.constants.sellFactor;
      if (pending > 0) { fillQty = orderQty; price = open[t] * this.constants.buyFactor; }
      price = Math.floor(price * this.constants.tickScale / this.constants.tickUnits + 0.5) * this.constants.tickUnits / this.constants.tickScale;
      const cost = fillQty * price;
      let fee = Math.max(this.constants.minFee, this.constants.perShare * fillQty + this.constants.bpsFraction * cost);
      if (this.constants.hasMax > 0) { fee = Math.min(fee, this.constants.maxPct * cost); }
      fee = Math.floor(fee * 100 + 0.5) / 100;
      cash = cash - pending * cost - fee;
      qty = qty + pending * fillQty;
      if (pending < 0) { trades = trades + 1; }
      pending = 0;
    }`;

/** A market buy of floor(notional / close) shares, when that is at least one; `then` runs when it is. */
export function enterLong(notional: string, then = ''): string {
  return `orderQty = Math.floor(${notional} / close[t]); if (orderQty > 0) { pending = 1; ${then} }`;
}

/** Marks to the close and folds the bar's return and drawdown in; skipped when equity did not move. */
export const BOOK_MARK = `
    const eq = cash + qty * close[t];
    if (eq !== prevEq) {
      const r = eq / prevEq - 1;
      s1 = s1 + r; s2 = s2 + r * r; prevEq = eq;
      if (eq > peak) { worst = Math.max(worst, (peak - trough) / peak); peak = eq; trough = eq; }
      trough = Math.min(trough, eq);
    }`;

/** Returns [final equity, Sharpe, max drawdown, round trips]. */
export const BOOK_FINISH = `
  worst = Math.max(worst, (peak - trough) / peak);
  const nr = this.constants.bars;
  const mean = s1 / nr;
  const variance = (s2 - s1 * mean) / (nr - 1);
  let sharpe = 0;
  if (variance > 0) { sharpe = mean / Math.sqrt(variance) * this.constants.sqrtPeriods; }
  return [prevEq, sharpe, worst, trades];`;

// ------------------------------------------------------------------------------- float64 money helpers

/**
 * Rounds half away from zero to an integer after treating float noise of up to 5e-16 relative as the
 * decimal it was meant to be: the arithmetic of `roundToTick`/`roundToCents` (15 significant digits)
 * without formatting a string, so the plain-JS loop stays fast.
 */
export function roundHalfAway(x: number): number {
  const a = Math.abs(x);
  const f = Math.floor(a);
  const r = a - f >= 0.5 - a * 5e-16 ? f + 1 : f;
  return x < 0 ? -r : r;
}

/** `roundToCents` for the float64 reference. */
export function roundCents64(amount: number): number {
  return roundHalfAway(amount * 100) / 100 + 0;
}

/** `roundToTick(price, tickSize)` for the float64 reference; the exact helper for ticks such as 0.05. */
export function roundTick64(price: number, c: CostConstants): number {
  return c.tickUnits === 1 ? roundHalfAway(price * c.tickScale) / c.tickScale + 0 : roundToTick(price, c.tickSize);
}

/** The commission of one full fill, as `cumulativeCommission` charges it. */
export function fee64(c: CostConstants, quantity: number, notional: number): number {
  let fee = Math.max(c.minFee, c.perShare * quantity + c.bpsFraction * notional);
  if (c.hasMax > 0) fee = Math.min(fee, c.maxPct * notional);
  return roundCents64(fee);
}

/** The commission with the engine's own helper (used by tests to pin `fee64`). */
export function exactFee(c: CostConstants, quantity: number, notional: number): number {
  let fee = Math.max(c.minFee, c.perShare * quantity + c.bpsFraction * notional);
  if (c.hasMax > 0) fee = Math.min(fee, c.maxPct * notional);
  return roundToCents(fee);
}
