/**
 * The account of one combination, bar by bar, in float64 (`Book64`, the plain-JS reference) and in float32
 * (`Book32`, `Math.fround` after every operation in the kernel's order). Both mirror `kernels/cost-model.ts`.
 */
import type { CostConstants } from './kernels/cost-model.js';
import { fee64, roundTick64 } from './kernels/cost-model.js';

/** Figures a sweep computes per combination, in the order kernels return them. */
export const RAW_FIELDS = ['finalEquity', 'sharpe', 'maxDrawdown', 'trades'] as const;
/** Floats per combination in a raw result array. */
export const RAW_WIDTH = RAW_FIELDS.length;

/** A float64 account: fills at the open, marks at the close, running return and drawdown figures. */
export class Book64 {
  cash: number;
  qty = 0;
  /** +1: a buy of `orderQty` waits for the next open; −1: a sell of the position does. */
  pending = 0;
  orderQty = 0;
  trades = 0;
  prevEq: number;
  s1 = 0;
  s2 = 0;
  peak: number;
  trough: number;
  worst = 0;

  constructor(private readonly c: CostConstants) {
    this.cash = this.prevEq = this.peak = this.trough = c.initialCash;
  }

  /** Fills the waiting order at `open` (slipped, on the tick), paying the commission. */
  fill(open: number): void {
    if (this.pending === 0) return;
    const c = this.c;
    const buy = this.pending > 0;
    const q = buy ? this.orderQty : this.qty;
    const price = roundTick64(open * (buy ? c.buyFactor : c.sellFactor), c);
    const cost = q * price;
    this.cash = this.cash - this.pending * cost - fee64(c, q, cost);
    this.qty = this.qty + this.pending * q;
    if (!buy) this.trades++;
    this.pending = 0;
  }

  /** A market buy of floor(notional / close) shares, when that is at least one. */
  enter(close: number, notional: number): boolean {
    const q = close > 0 ? Math.floor(notional / close) : 0;
    if (q <= 0) return false;
    this.orderQty = q;
    this.pending = 1;
    return true;
  }

  exit(): void {
    this.pending = -1;
  }

  /** Equity at the close; folds in the bar's simple return and the drawdown from the running peak. */
  mark(close: number): void {
    const eq = this.cash + this.qty * close;
    if (eq === this.prevEq) return;
    const r = eq / this.prevEq - 1;
    this.s1 += r;
    this.s2 += r * r;
    this.prevEq = eq;
    if (eq > this.peak) {
      this.worst = Math.max(this.worst, (this.peak - this.trough) / this.peak);
      this.peak = this.trough = eq;
    }
    if (eq < this.trough) this.trough = eq;
  }

  /** Writes [final equity, Sharpe, max drawdown, trades] for `bars` returns. */
  finish(out: Float64Array | Float32Array, offset: number, bars: number): void {
    const worst = Math.max(this.worst, (this.peak - this.trough) / this.peak);
    const mean = this.s1 / bars;
    const variance = (this.s2 - this.s1 * mean) / (bars - 1);
    out[offset] = this.prevEq;
    out[offset + 1] = variance > 0 ? (mean / Math.sqrt(variance)) * this.c.sqrtPeriods : 0;
    out[offset + 2] = worst;
    out[offset + 3] = this.trades;
  }
}

const F = Math.fround;

/** The same account with every operation rounded to float32, in the kernel's order. */
export class Book32 {
  cash: number;
  qty = 0;
  pending = 0;
  orderQty = 0;
  trades = 0;
  prevEq: number;
  s1 = 0;
  s2 = 0;
  peak: number;
  trough: number;
  worst = 0;
  readonly #k: Record<string, number>;

  constructor(constants: Record<string, number>) {
    this.#k = constants;
    this.cash = this.prevEq = this.peak = this.trough = constants['initialCash']!;
  }

  fill(open: number): void {
    if (this.pending === 0) return;
    const k = this.#k;
    let fillQty = this.qty;
    let price = F(open * k['sellFactor']!);
    if (this.pending > 0) {
      fillQty = this.orderQty;
      price = F(open * k['buyFactor']!);
    }
    price = F(F(Math.floor(F(F(F(price * k['tickScale']!) / k['tickUnits']!) + 0.5)) * k['tickUnits']!) / k['tickScale']!);
    const cost = F(fillQty * price);
    let fee = Math.max(k['minFee']!, F(F(k['perShare']! * fillQty) + F(k['bpsFraction']! * cost)));
    if (k['hasMax']! > 0) fee = Math.min(fee, F(k['maxPct']! * cost));
    fee = F(Math.floor(F(F(fee * 100) + 0.5)) / 100);
    this.cash = F(F(this.cash - F(this.pending * cost)) - fee);
    this.qty = F(this.qty + F(this.pending * fillQty));
    if (this.pending < 0) this.trades++;
    this.pending = 0;
  }

  enter(close: number, notional: number): boolean {
    this.orderQty = Math.floor(F(notional / close));
    if (this.orderQty > 0) {
      this.pending = 1;
      return true;
    }
    return false;
  }

  exit(): void {
    this.pending = -1;
  }

  mark(close: number): void {
    const eq = F(this.cash + F(this.qty * close));
    if (eq === this.prevEq) return;
    const r = F(F(eq / this.prevEq) - 1);
    this.s1 = F(this.s1 + r);
    this.s2 = F(this.s2 + F(r * r));
    this.prevEq = eq;
    if (eq > this.peak) {
      this.worst = Math.max(this.worst, F(F(this.peak - this.trough) / this.peak));
      this.peak = eq;
      this.trough = eq;
    }
    this.trough = Math.min(this.trough, eq);
  }

  finish(out: Float32Array, offset: number, bars: number): void {
    const worst = Math.max(this.worst, F(F(this.peak - this.trough) / this.peak));
    const mean = F(this.s1 / bars);
    const variance = F(F(this.s2 - F(this.s1 * mean)) / (bars - 1));
    out[offset] = this.prevEq;
    out[offset + 1] = variance > 0 ? F(F(mean / F(Math.sqrt(variance))) * this.#k['sqrtPeriods']!) : 0;
    out[offset + 2] = worst;
    out[offset + 3] = this.trades;
  }
}
