import { RAW_WIDTH } from './book.js';
import type { ExpandedGrid } from './grid.js';
import { comboParams } from './grid.js';
import type { Objective } from './request.js';

const YEAR_MS = 365.25 * 86_400_000;

/**
 * Figures of one combination. The kernel computes final equity, Sharpe, max drawdown and round trips; total
 * return, CAGR and Calmar follow on the host in float64, defined as in actors/backtest/metrics.ts.
 */
export interface SweepMetrics {
  readonly finalEquity: number;
  readonly totalReturn: number;
  readonly cagr: number;
  /** Mean over sample std-dev of per-bar simple returns, × sqrt(periods per year); 0 when returns do not vary. */
  readonly sharpe: number;
  /** Largest fall from a running peak of equity, as a fraction of the peak. */
  readonly maxDrawdown: number;
  /** CAGR over max drawdown; 0 without a drawdown. */
  readonly calmar: number;
  /** Completed round trips (entry and exit). */
  readonly trades: number;
}

/** One combination of a result, best first. */
export interface RankedResult {
  readonly rank: number;
  /** Index of the combination in the expanded grid. */
  readonly combo: number;
  readonly params: Readonly<Record<string, number>>;
  readonly metrics: SweepMetrics;
}

/** Years spanned by bars from `firstTime` to `lastTime` (as computeMetrics counts them). */
export function yearsBetween(firstTime: number, lastTime: number): number {
  return (lastTime - firstTime) / YEAR_MS;
}

/** The metrics of combination `i` from a raw `combos × 4` result. */
export function metricsAt(raw: ArrayLike<number>, i: number, initialCash: number, years: number): SweepMetrics {
  const o = i * RAW_WIDTH;
  const finalEquity = raw[o]!;
  const maxDrawdown = raw[o + 2]!;
  const cagr = years > 0 && finalEquity > 0 ? (finalEquity / initialCash) ** (1 / years) - 1 : 0;
  return {
    finalEquity,
    totalReturn: finalEquity / initialCash - 1,
    cagr,
    sharpe: raw[o + 1]!,
    maxDrawdown,
    calmar: maxDrawdown > 0 ? cagr / maxDrawdown : 0,
    trades: raw[o + 3]!,
  };
}

export function objectiveOf(m: SweepMetrics, objective: Objective): number {
  return m[objective];
}

/**
 * The `top` best combinations by `objective`, best first; ties keep grid order, so a ranking is
 * deterministic. NaN ranks last.
 */
export function rankResults(raw: ArrayLike<number>, grid: ExpandedGrid, objective: Objective, top: number, initialCash: number, years: number): RankedResult[] {
  const best: Array<{ i: number; v: number; m: SweepMetrics }> = [];
  const better = (a: number, b: number) => (Number.isNaN(b) ? !Number.isNaN(a) : a > b);
  for (let i = 0; i < grid.combos; i++) {
    const m = metricsAt(raw, i, initialCash, years);
    const v = objectiveOf(m, objective);
    if (best.length === top && !better(v, best[best.length - 1]!.v)) continue;
    let at = best.length;
    while (at > 0 && better(v, best[at - 1]!.v)) at--;
    best.splice(at, 0, { i, v, m });
    if (best.length > top) best.pop();
  }
  return best.map((b, rank) => ({ rank: rank + 1, combo: b.i, params: comboParams(grid, b.i), metrics: b.m }));
}
