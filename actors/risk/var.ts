import type { VarMethod } from './limits.js';
import { WorkingSet } from './var-working-set.js';

/**
 * Daily simple returns per symbol, oldest first, the last entry being the most recent day. Series of
 * different symbols are aligned on their most recent end: observation `k` from the end is the same day
 * for every symbol.
 */
export type ReturnHistory = Readonly<Record<string, readonly number[]>>;

/** Position values (signed quantity x price) per symbol: the exposure vector VaR is computed on. */
export type ExposureVector = Readonly<Record<string, number>>;

/** A VaR figure: a positive amount of money, the 1-day loss not exceeded with `confidence`. */
export interface VarEstimate {
  readonly value: number;
  readonly method: VarMethod;
  readonly confidence: number;
  /** Aligned daily observations the figure rests on. */
  readonly observations: number;
}

/** The outcome of `portfolioVar`: an estimate, or the symbols whose history is too short. */
export type VarOutcome =
  | { readonly ok: true; readonly estimate: VarEstimate }
  | { readonly ok: false; readonly insufficient: readonly string[]; readonly observations: number };

/** 1-day VaR at 95% and 99% by both methods. */
export interface VarReport {
  readonly historical95: number;
  readonly historical99: number;
  readonly parametric95: number;
  readonly parametric99: number;
  readonly observations: number;
}

// Acklam's rational approximation of the inverse normal CDF (relative error below 1.15e-9), refined by one
// Halley step against Marsaglia's series for the normal CDF, which brings it to double precision.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Standard normal CDF by Marsaglia's Taylor series (2004); accurate to ~1e-15 absolute for |x| < 8. */
export function normalCdf(x: number): number {
  if (x < -8) return 0;
  if (x > 8) return 1;
  let sum = x;
  let term = x;
  const q = x * x;
  for (let i = 3; ; i += 2) {
    term *= q / i;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return 0.5 + sum * Math.exp(-0.5 * q - 0.91893853320467274178);
}

/**
 * The standard normal quantile `z` with `P(Z <= z) = p`, for `0 < p < 1`.
 * @example normalQuantile(0.99) // 2.3263478740408408
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p=${p} is not in (0, 1)`);
  const x = acklam(p);
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function acklam(p: number): number {
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) /
      (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -(((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
}

// The pre-trade check computes a VaR on every order: one working set, its buffers reused call after call
// (computations are synchronous, so they never interleave).
const work = new WorkingSet();

/** The rank of the historical quantile: `k = ceil(n x (1 - confidence))`, at least 1. */
function quantileRank(n: number, confidence: number): number {
  if (!(confidence >= 0 && confidence <= 1)) throw new RangeError(`historicalVar: confidence=${confidence} is not in [0, 1]`);
  return Math.max(1, Math.ceil(n * (1 - confidence) - 1e-9));
}

function historicalOf(set: WorkingSet, returns: ReturnHistory, n: number, confidence: number): VarEstimate {
  set.align(returns, n);
  return { value: Math.max(0, -set.worstPnl(quantileRank(n, confidence))), method: 'historical', confidence, observations: n };
}

function parametricOf(set: WorkingSet, returns: ReturnHistory, n: number, confidence: number): VarEstimate {
  set.align(returns, n);
  return { value: normalQuantile(confidence) * Math.sqrt(Math.max(0, set.quadraticForm())), method: 'parametric', confidence, observations: n };
}

/**
 * Historical 1-day VaR: the portfolio P&L on each past day, `sum(exposure_i x return_i)`, sorted from
 * worst; VaR is minus the `k`-th worst with `k = ceil(n x (1 - confidence))` (n = 100 at 95%: the 5th
 * worst day). A portfolio whose k-th worst day is a gain has a VaR of 0. The k-th worst is found by
 * selection, not by sorting every day.
 */
export function historicalVar(exposures: ExposureVector, returns: ReturnHistory, confidence: number): VarEstimate {
  const set = work.fromExposures(exposures);
  if (set.size === 0) return { value: 0, method: 'historical', confidence, observations: 0 };
  const n = set.shortestHistory(returns);
  if (n === 0) throw new RangeError('historicalVar: no aligned return observations');
  return historicalOf(set, returns, n, confidence);
}

/**
 * Parametric (variance-covariance) 1-day VaR with zero mean: `z(confidence) x sqrt(vᵀ Σ v)`, where `Σ`
 * is the sample covariance (n - 1) of the aligned returns (ml-matrix `covariance`) and `v` the exposures.
 * Needs at least two observations. No decomposition is needed for the quadratic form; a covariance
 * estimated from few days may be only semi-definite, which the quadratic form tolerates. `Σ` is kept
 * for the last few sets of frozen return series (the engine freezes what `updateReturns` receives), so
 * only new returns or a new set of held symbols compute it again.
 */
export function parametricVar(exposures: ExposureVector, returns: ReturnHistory, confidence: number): VarEstimate {
  const set = work.fromExposures(exposures);
  if (set.size === 0) return { value: 0, method: 'parametric', confidence, observations: 0 };
  const n = set.shortestHistory(returns);
  if (n < 2) throw new RangeError('parametricVar: fewer than two aligned return observations');
  return parametricOf(set, returns, n, confidence);
}

/** What `portfolioVar` needs besides the exposures and returns. */
export interface VarOptions {
  readonly method: VarMethod;
  readonly confidence: number;
  readonly minObservations: number;
}

function outcomeOf(set: WorkingSet, returns: ReturnHistory, options: VarOptions): VarOutcome {
  const n = set.shortestHistory(returns);
  const min = Math.max(2, options.minObservations);
  if (n < min) return { ok: false, insufficient: set.shortOf(returns, min), observations: n };
  if (set.size === 0) return { ok: true, estimate: { value: 0, method: options.method, confidence: options.confidence, observations: 0 } };
  const estimate = options.method === 'historical' ? historicalOf(set, returns, n, options.confidence) : parametricOf(set, returns, n, options.confidence);
  return { ok: true, estimate };
}

/**
 * VaR of `exposures` by `method`, or the held symbols whose history is shorter than `minObservations`
 * (aligned observations are the shortest held series).
 */
export function portfolioVar(exposures: ExposureVector, returns: ReturnHistory, options: VarOptions): VarOutcome {
  return outcomeOf(work.fromExposures(exposures), returns, options);
}

/**
 * `portfolioVar(postTradeExposures(positions, prices, symbol, signedQuantity), returns, options)` with
 * `prices` read through `priceOf`, without building the records: the pre-trade check's figure.
 */
export function postTradeVar(
  positions: Readonly<Record<string, number>>,
  priceOf: (symbol: string) => number | undefined,
  symbol: string,
  signedQuantity: number,
  returns: ReturnHistory,
  options: VarOptions,
): VarOutcome {
  return outcomeOf(work.fromPostTrade(positions, priceOf, symbol, signedQuantity), returns, options);
}

/** 1-day VaR at 95% and 99%, historical and parametric. */
export function varReport(exposures: ExposureVector, returns: ReturnHistory): VarReport {
  const h95 = historicalVar(exposures, returns, 0.95);
  return {
    historical95: h95.value,
    historical99: historicalVar(exposures, returns, 0.99).value,
    parametric95: parametricVar(exposures, returns, 0.95).value,
    parametric99: parametricVar(exposures, returns, 0.99).value,
    observations: h95.observations,
  };
}

/** Exposures after trading `signedQuantity` of `symbol`, all valued at `prices` (the traded symbol too). */
export function postTradeExposures(
  positions: Readonly<Record<string, number>>,
  prices: Readonly<Record<string, number>>,
  symbol: string,
  signedQuantity: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  const quantities: Record<string, number> = { ...positions, [symbol]: (positions[symbol] ?? 0) + signedQuantity };
  for (const [s, q] of Object.entries(quantities)) {
    if (q !== 0) out[s] = q * (prices[s] ?? 0);
  }
  return out;
}
