import type { Fill } from '../domain/fill.js';

/** One point of an equity curve: the portfolio after the bars of `time`. */
export interface EquityPoint {
  readonly time: number;
  readonly equity: number;
  /** Sum of |quantity × mark| over positions. */
  readonly grossExposure: number;
}

/** A closed round trip (entry and exit), matched first-in first-out per symbol. */
export interface Trade {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly quantity: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  /** Price P&L less the commissions of both legs (pro rata). */
  readonly pnl: number;
}

/** Figures of a run. Ratios are annualised with `periodsPerYear`; the risk-free rate is 0. */
export interface BacktestMetrics {
  readonly initialEquity: number;
  readonly finalEquity: number;
  readonly totalReturn: number;
  readonly cagr: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly maxDrawdown: number;
  readonly trades: number;
  readonly winRate: number;
  /** Fraction of periods with any position open. */
  readonly exposure: number;
  /** Traded notional divided by average equity. */
  readonly turnover: number;
  readonly commissions: number;
  readonly fills: number;
}

const YEAR_MS = 365.25 * 86_400_000;

/** Mean and sample standard deviation of per-period simple returns of an equity series. */
export function returnStats(equity: readonly number[]): { mean: number; std: number; downside: number; n: number } {
  const n = equity.length - 1;
  if (n < 1) return { mean: 0, std: 0, downside: 0, n: 0 };
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += equity[i]! / equity[i - 1]! - 1;
  const mean = sum / n;
  let sq = 0;
  let down = 0;
  for (let i = 1; i <= n; i++) {
    const r = equity[i]! / equity[i - 1]! - 1;
    sq += (r - mean) ** 2;
    if (r < 0) down += r * r;
  }
  return { mean, std: n > 1 ? Math.sqrt(sq / (n - 1)) : 0, downside: Math.sqrt(down / n), n };
}

/** Largest fall from a running peak, as a fraction of the peak (0.25 = 25%). */
export function maxDrawdown(equity: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const e of equity) {
    if (e > peak) peak = e;
    else if (peak > 0) worst = Math.max(worst, (peak - e) / peak);
  }
  return worst;
}

/** Annualised Sharpe ratio (risk-free 0) of an equity series; 0 when returns do not vary. */
export function sharpeRatio(equity: readonly number[], periodsPerYear: number): number {
  return sharpeOf(returnStats(equity), periodsPerYear);
}

function sharpeOf({ mean, std }: { mean: number; std: number }, periodsPerYear: number): number {
  return std > 0 ? (mean / std) * Math.sqrt(periodsPerYear) : 0;
}

/** Round trips from fills, first-in first-out per symbol; partial closes split the entry. */
export function roundTrips(fills: readonly Fill[]): Trade[] {
  const open = new Map<string, Array<{ qty: number; price: number; time: number; commissionPerShare: number }>>();
  const trades: Trade[] = [];
  for (const f of inTimeOrder(fills)) {
    let lots = open.get(f.symbol);
    if (lots === undefined) open.set(f.symbol, (lots = []));
    const sign = f.side === 'buy' ? 1 : -1;
    let qty = f.quantity;
    const perShare = f.quantity > 0 ? f.commission / f.quantity : 0;
    while (qty > 0 && lots.length > 0 && Math.sign(lots[0]!.qty) === -sign) {
      const lot = lots[0]!;
      const matched = Math.min(qty, Math.abs(lot.qty));
      const long = lot.qty > 0;
      const pnl = (long ? f.price - lot.price : lot.price - f.price) * matched - (lot.commissionPerShare + perShare) * matched;
      trades.push({ symbol: f.symbol, side: long ? 'long' : 'short', quantity: matched, entryTime: lot.time, entryPrice: lot.price, exitTime: f.time, exitPrice: f.price, pnl });
      lot.qty -= Math.sign(lot.qty) * matched;
      qty -= matched;
      if (lot.qty === 0) lots.shift();
    }
    if (qty > 0) lots.push({ qty: sign * qty, price: f.price, time: f.time, commissionPerShare: perShare });
  }
  return trades;
}

/**
 * Fills stably sorted by time: a venue's fill log already is, so it is checked in one pass and sorted (a
 * copy) only when it is not.
 */
function inTimeOrder(fills: readonly Fill[]): readonly Fill[] {
  for (let i = 1; i < fills.length; i++) {
    if (!(fills[i - 1]!.time <= fills[i]!.time)) return [...fills].sort((a, b) => a.time - b.time);
  }
  return fills;
}

/**
 * Computes every figure of a run from its equity curve and fills. `trades` are the fills' round trips; a
 * caller that has them already (the engine reports them too) passes them instead of matching fills twice.
 */
export function computeMetrics(
  curve: readonly EquityPoint[],
  fills: readonly Fill[],
  initialEquity: number,
  periodsPerYear: number,
  trades: readonly Trade[] = roundTrips(fills),
): BacktestMetrics {
  // One pass over the curve for the equity series and the periods with a position open.
  const equity = [initialEquity];
  let exposed = 0;
  for (const p of curve) {
    equity.push(p.equity);
    if (p.grossExposure > 0) exposed++;
  }
  const finalEquity = equity[equity.length - 1]!;
  const totalReturn = finalEquity / initialEquity - 1;
  const spanMs = curve.length > 1 ? curve[curve.length - 1]!.time - curve[0]!.time : 0;
  const years = spanMs / YEAR_MS;
  const cagr = years > 0 && finalEquity > 0 ? (finalEquity / initialEquity) ** (1 / years) - 1 : 0;
  const stats = returnStats(equity);
  const dd = maxDrawdown(equity);
  let wins = 0;
  for (const t of trades) if (t.pnl > 0) wins++;
  let equitySum = 0;
  for (const e of equity) equitySum += e;
  const averageEquity = equitySum / equity.length;
  let traded = 0;
  let commissions = 0;
  for (const f of fills) {
    traded += Math.abs(f.quantity * f.price);
    commissions += f.commission;
  }
  return {
    initialEquity,
    finalEquity,
    totalReturn,
    cagr,
    sharpe: sharpeOf(stats, periodsPerYear),
    sortino: stats.downside > 0 ? (stats.mean / stats.downside) * Math.sqrt(periodsPerYear) : 0,
    calmar: dd > 0 ? cagr / dd : 0,
    maxDrawdown: dd,
    trades: trades.length,
    winRate: trades.length > 0 ? wins / trades.length : 0,
    exposure: curve.length > 0 ? exposed / curve.length : 0,
    turnover: averageEquity > 0 ? traded / averageEquity : 0,
    commissions,
    fills: fills.length,
  };
}
