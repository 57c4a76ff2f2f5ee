/**
 * How far float32 kernels may drift from float64, and the confirmation of the best combinations through
 * the actor backtest.
 *
 * Two kinds of difference exist. Rounding: cash, prices and returns carried in float32 move final equity by
 * about 1e-6 of the initial cash and Sharpe by about 1e-5; `PARITY_TOLERANCE` bounds that per combination.
 * Flips: where two indicator values are equal or nearly so (a crossover, a close on a band), float32 can
 * order them differently from float64, and a trade moves by a bar or disappears. A flipped combination is
 * outside the per-combination tolerance by nature; `PARITY_MAX_DIVERGENT_FRACTION` bounds how many of a
 * grid may flip, and every one is reported with its parameters.
 */
import type { Bar } from '../domain/bar.js';
import type { CommissionModel } from '../broker/commission.js';
import { RAW_WIDTH } from './book.js';
import type { RankedResult, SweepMetrics } from './ranking.js';

/** Per-combination tolerance of a float32 figure against float64 (the reference or the actor backtest). */
export interface ParityTolerance {
  /** |Δ final equity| / initial cash. */
  readonly finalEquityRel: number;
  /** |Δ Sharpe|, absolute. */
  readonly sharpeAbs: number;
  /** |Δ max drawdown|, absolute (a fraction of the peak). */
  readonly maxDrawdownAbs: number;
  /** |Δ round trips|. */
  readonly trades: number;
}

/** The pinned tolerance, measured on seeded and real daily bars (docs/optimizer.md, "float32 vs float64"). */
export const PARITY_TOLERANCE: ParityTolerance = Object.freeze({ finalEquityRel: 1e-4, sharpeAbs: 1e-3, maxDrawdownAbs: 1e-4, trades: 0 });
/** Most combinations of a grid that may flip a trade at a near-equal comparison. */
export const PARITY_MAX_DIVERGENT_FRACTION = 0.02;

/** Absolute differences of one combination. */
export interface ParityDiff {
  readonly finalEquity: number;
  readonly finalEquityRel: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly trades: number;
}

/** The differences of [final equity, Sharpe, max drawdown, trades] quadruples. */
export function diffFigures(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, initialCash: number): ParityDiff {
  const finalEquity = Math.abs(a[ao]! - b[bo]!);
  return {
    finalEquity,
    finalEquityRel: finalEquity / initialCash,
    sharpe: Math.abs(a[ao + 1]! - b[bo + 1]!),
    maxDrawdown: Math.abs(a[ao + 2]! - b[bo + 2]!),
    trades: Math.abs(a[ao + 3]! - b[bo + 3]!),
  };
}

export function withinTolerance(d: ParityDiff, tol: ParityTolerance = PARITY_TOLERANCE): boolean {
  return d.finalEquityRel <= tol.finalEquityRel && d.sharpe <= tol.sharpeAbs && d.maxDrawdown <= tol.maxDrawdownAbs && d.trades <= tol.trades;
}

/** A grid-wide comparison of two raw results (kernel against the float64 reference). */
export interface GridParity {
  readonly combos: number;
  /** Combinations outside the per-combination tolerance, with their differences. */
  readonly divergent: readonly { readonly combo: number; readonly diff: ParityDiff }[];
  /** Largest differences among the combinations within tolerance. */
  readonly maxWithin: ParityDiff;
  readonly ok: boolean;
}

export function compareRaw(kernel: ArrayLike<number>, reference: ArrayLike<number>, initialCash: number, tol: ParityTolerance = PARITY_TOLERANCE, maxDivergentFraction = PARITY_MAX_DIVERGENT_FRACTION): GridParity {
  const combos = Math.floor(reference.length / RAW_WIDTH);
  const divergent: { combo: number; diff: ParityDiff }[] = [];
  let max = { finalEquity: 0, finalEquityRel: 0, sharpe: 0, maxDrawdown: 0, trades: 0 };
  for (let i = 0; i < combos; i++) {
    const d = diffFigures(kernel, i * RAW_WIDTH, reference, i * RAW_WIDTH, initialCash);
    if (!withinTolerance(d, tol)) divergent.push({ combo: i, diff: d });
    else max = { finalEquity: Math.max(max.finalEquity, d.finalEquity), finalEquityRel: Math.max(max.finalEquityRel, d.finalEquityRel), sharpe: Math.max(max.sharpe, d.sharpe), maxDrawdown: Math.max(max.maxDrawdown, d.maxDrawdown), trades: Math.max(max.trades, d.trades) };
  }
  return { combos, divergent, maxWithin: max, ok: divergent.length <= maxDivergentFraction * combos };
}

// ------------------------------------------------------------------------------------- confirmation

/** One combination to re-run through the actor backtest. */
export interface BacktestRun {
  readonly strategy: string;
  readonly params: Readonly<Record<string, number>>;
  readonly bars: readonly Bar[];
  readonly initialCash: number;
  readonly commission: CommissionModel;
  readonly slippageBps: number;
  readonly tickSize: number;
  readonly periodsPerYear: number;
}

/** What the confirmation reads from an actor backtest. */
export interface BacktestFigures {
  readonly finalEquity: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly trades: number;
  /** Orders the risk checks denied (kernels do not model them; a denial explains a difference). */
  readonly denials: number;
}

/** Runs one combination through the actor backtest (`runBacktest` of actors/backtest). */
export type BacktestRunner = (run: BacktestRun) => Promise<BacktestFigures>;

/** A confirmed combination: the kernel's figures, the backtest's, and their differences. */
export interface ConfirmationRow {
  readonly rank: number;
  readonly params: Readonly<Record<string, number>>;
  readonly kernel: Pick<SweepMetrics, 'finalEquity' | 'sharpe' | 'maxDrawdown' | 'trades'>;
  readonly backtest: BacktestFigures;
  readonly diff: ParityDiff;
  readonly withinTolerance: boolean;
}

/**
 * `confirmed`: every re-run combination is within tolerance; `differences`: some are not (see their rows);
 * `skipped`: the request asked for none; `unavailable`: no backtest runner on this node (`reason` says why).
 */
export interface ConfirmationReport {
  readonly status: 'confirmed' | 'differences' | 'skipped' | 'unavailable';
  readonly reason?: string;
  readonly tolerance: ParityTolerance;
  readonly rows: readonly ConfirmationRow[];
}

/** Compares a ranked kernel result with the actor backtest's figures for the same combination. */
export function confirmationRow(result: RankedResult, backtest: BacktestFigures, initialCash: number, tol: ParityTolerance = PARITY_TOLERANCE): ConfirmationRow {
  const m = result.metrics;
  const kernel = [m.finalEquity, m.sharpe, m.maxDrawdown, m.trades];
  const diff = diffFigures(kernel, 0, [backtest.finalEquity, backtest.sharpe, backtest.maxDrawdown, backtest.trades], 0, initialCash);
  return {
    rank: result.rank,
    params: result.params,
    kernel: { finalEquity: m.finalEquity, sharpe: m.sharpe, maxDrawdown: m.maxDrawdown, trades: m.trades },
    backtest,
    diff,
    withinTolerance: withinTolerance(diff, tol),
  };
}

/** The report over the rows confirmed so far. */
export function confirmationReport(rows: readonly ConfirmationRow[], tol: ParityTolerance = PARITY_TOLERANCE): ConfirmationReport {
  return { status: rows.every((r) => r.withinTolerance) ? 'confirmed' : 'differences', tolerance: tol, rows };
}
