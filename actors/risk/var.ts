import { Matrix, covariance } from 'ml-matrix';
import type { VarMethod } from './limits.js';

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

// ---------- the working set ----------
// The pre-trade check computes a VaR on every order, so one computation allocates nothing that grows with
// the history: held symbols, exposures and return windows live in buffers reused from call to call
// (computations are synchronous, so they never interleave).

/** Frozen return series as typed arrays, made once per series (a frozen array cannot change). */
const typedSeries = new WeakMap<readonly number[], Float64Array>();

/** Largest quantile rank kept by insertion into a sorted buffer; above it, selection over all days. */
const MAX_INSERTION_RANK = 64;

/** Covariance matrices kept for recently seen sets of return series. */
const COVARIANCE_CACHE_ENTRIES = 16;

interface CovarianceEntry {
  /** The return series (frozen arrays) of the held symbols, in symbol order: they decide the matrix. */
  readonly sources: readonly (readonly number[])[];
  /** Row-major, `sources.length` squared. */
  readonly sigma: Float64Array;
}

/** Most recently used first. Only frozen series are cached, so an entry can never go stale. */
const covarianceCache: CovarianceEntry[] = [];

/** Held symbols (non-zero exposure, sorted), their exposures and their aligned return windows. */
class WorkingSet {
  readonly symbols: string[] = [];
  exposures = new Float64Array(16);
  /** Per held symbol: its return series as given (they key the covariance cache) and as read (see `#readable`). */
  readonly sources: (readonly number[])[] = [];
  readonly series: (Float64Array | readonly number[])[] = [];
  /** Index in `series[j]` of the first aligned observation. */
  readonly offsets: number[] = [];
  /** Aligned observations. */
  n = 0;
  readonly #lastSources: (readonly number[])[] = [];
  readonly #lastTyped: Float64Array[] = [];
  #pnl = new Float64Array(256);
  #worst = new Float64Array(MAX_INSERTION_RANK);

  get size(): number {
    return this.symbols.length;
  }

  /** The symbols of `exposures` whose exposure is non-zero. */
  fromExposures(exposures: ExposureVector): this {
    this.symbols.length = 0;
    for (const s of Object.keys(exposures)) this.#hold(s, exposures[s]!);
    return this;
  }

  /** What `fromExposures(postTradeExposures(positions, prices, symbol, signedQuantity))` gives, without the records. */
  fromPostTrade(positions: Readonly<Record<string, number>>, priceOf: (symbol: string) => number | undefined, symbol: string, signedQuantity: number): this {
    this.symbols.length = 0;
    for (const s of Object.keys(positions)) {
      const quantity = s === symbol ? (positions[s] ?? 0) + signedQuantity : positions[s]!;
      if (quantity !== 0) this.#hold(s, quantity * (priceOf(s) ?? 0));
    }
    if (!Object.hasOwn(positions, symbol)) {
      const quantity = (positions[symbol] ?? 0) + signedQuantity;
      if (quantity !== 0) this.#hold(symbol, quantity * (priceOf(symbol) ?? 0));
    }
    return this;
  }

  /** Adds `symbol` in sorted place (the order `sort()` gives) unless its exposure is 0: no sort, no allocation. */
  #hold(symbol: string, exposure: number): void {
    if (exposure === 0) return;
    const { symbols } = this;
    if (this.exposures.length === symbols.length) {
      const grown = new Float64Array(symbols.length * 2);
      grown.set(this.exposures);
      this.exposures = grown;
    }
    let i = symbols.length;
    symbols.push(symbol);
    while (i > 0 && symbols[i - 1]! > symbol) {
      symbols[i] = symbols[i - 1]!;
      this.exposures[i] = this.exposures[i - 1]!;
      i -= 1;
    }
    symbols[i] = symbol;
    this.exposures[i] = exposure;
  }

  /** The shortest history among the held symbols (0 when one has none; infinite when none is held). */
  shortestHistory(returns: ReturnHistory): number {
    let n = Number.POSITIVE_INFINITY;
    for (const s of this.symbols) n = Math.min(n, returns[s]?.length ?? 0);
    return n;
  }

  /** The held symbols with fewer than `min` returns. */
  shortOf(returns: ReturnHistory, min: number): string[] {
    return this.symbols.filter((s) => (returns[s]?.length ?? 0) < min);
  }

  /** Aligns the held symbols' series on their most recent `n` observations. */
  align(returns: ReturnHistory, n: number): void {
    this.n = n;
    this.sources.length = 0;
    this.series.length = 0;
    this.offsets.length = 0;
    for (let j = 0; j < this.symbols.length; j += 1) {
      const source = returns[this.symbols[j]!]!;
      this.sources.push(source);
      this.series.push(this.#readable(j, source));
      this.offsets.push(source.length - n);
    }
  }

  /**
   * V8 keeps a frozen array's numbers boxed, which makes reading it several times slower: read a typed
   * copy instead, made once (a frozen array cannot change); the last one of each slot is at hand without
   * a lookup. A mutable array is read as it is, never cached.
   */
  #readable(j: number, source: readonly number[]): Float64Array | readonly number[] {
    if (this.#lastSources[j] === source) return this.#lastTyped[j]!;
    if (!Object.isFrozen(source)) return source;
    let typed = typedSeries.get(source);
    if (typed === undefined) typedSeries.set(source, (typed = Float64Array.from(source)));
    this.#lastSources[j] = source;
    this.#lastTyped[j] = typed;
    return typed;
  }

  /**
   * The `rank`-th smallest (1-based) day P&L `sum_j exposure_j x return_j`, each day summed in symbol
   * order from 0, as a row-wise sum does (so the figure is the same to the bit whichever way it is found).
   */
  worstPnl(rank: number): number {
    const n = this.n;
    if (this.#pnl.length < n) this.#pnl = new Float64Array(n);
    const pnl = this.#pnl;
    for (let j = 0; j < this.size; j += 1) {
      const series = this.series[j]!;
      if (series instanceof Float64Array) addTyped(pnl, n, j === 0, this.exposures[j]!, series, this.offsets[j]!);
      else addPlain(pnl, n, j === 0, this.exposures[j]!, series, this.offsets[j]!);
    }
    if (rank > MAX_INSERTION_RANK) return kthSmallest(pnl, n, rank - 1);
    // The `rank` worst days so far, ascending: a quantile rank is small, so most days fail one comparison.
    const worst = this.#worst;
    let count = 0;
    for (let d = 0; d < n; d += 1) {
      const x = pnl[d]!;
      if (count === rank) {
        if (!(x < worst[rank - 1]!)) continue;
      } else {
        count += 1;
      }
      let i = count - 1;
      while (i > 0 && worst[i - 1]! > x) {
        worst[i] = worst[i - 1]!;
        i -= 1;
      }
      worst[i] = x;
    }
    return worst[rank - 1]!;
  }

  /** `vᵀ Σ v` with `Σ` the sample covariance of the aligned windows, summed in the order ml-matrix's `mmul` does. */
  quadraticForm(): number {
    const m = this.size;
    const sigma = this.#covariance();
    let variance = 0;
    for (let j = 0; j < m; j += 1) {
      let w = 0;
      for (let k = 0; k < m; k += 1) w += this.exposures[k]! * sigma[k * m + j]!;
      variance += w * this.exposures[j]!;
    }
    return variance;
  }

  #covariance(): Float64Array {
    const m = this.size;
    const sources = this.sources;
    let cacheable = true;
    for (let j = 0; j < m && cacheable; j += 1) cacheable = Object.isFrozen(sources[j]);
    if (cacheable) {
      for (let at = 0; at < covarianceCache.length; at += 1) {
        const entry = covarianceCache[at]!;
        if (!sameSources(entry.sources, sources)) continue;
        if (at > 0) covarianceCache.unshift(...covarianceCache.splice(at, 1));
        return entry.sigma;
      }
    }
    const rows: number[][] = [];
    for (let k = 0; k < this.n; k += 1) rows.push(this.series.map((series, j) => series[this.offsets[j]! + k]!));
    const matrix = covariance(new Matrix(rows));
    const sigma = new Float64Array(m * m);
    for (let i = 0; i < m; i += 1) for (let j = 0; j < m; j += 1) sigma[i * m + j] = matrix.get(i, j);
    if (cacheable) {
      covarianceCache.unshift({ sources: [...this.sources], sigma });
      if (covarianceCache.length > COVARIANCE_CACHE_ENTRIES) covarianceCache.pop();
    }
    return sigma;
  }
}

const work = new WorkingSet();

function sameSources(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j += 1) if (a[j] !== b[j]) return false;
  return true;
}

// Two copies of one loop, so that each reads one kind of array (a mixed loop would be much slower).
// `pnl[d]` starts from 0 on the first symbol, as a zero-filled sum does (0 + -0 is 0).
function addTyped(pnl: Float64Array, n: number, first: boolean, exposure: number, series: Float64Array, offset: number): void {
  if (first) for (let d = 0; d < n; d += 1) pnl[d] = 0 + exposure * series[offset + d]!;
  else for (let d = 0; d < n; d += 1) pnl[d] = pnl[d]! + exposure * series[offset + d]!;
}

function addPlain(pnl: Float64Array, n: number, first: boolean, exposure: number, series: readonly number[], offset: number): void {
  if (first) for (let d = 0; d < n; d += 1) pnl[d] = 0 + exposure * series[offset + d]!;
  else for (let d = 0; d < n; d += 1) pnl[d] = pnl[d]! + exposure * series[offset + d]!;
}

/** The value that sorting the first `length` of `values` would put at `index` (Hoare's selection, in place). */
function kthSmallest(values: Float64Array, length: number, index: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (index <= j) hi = j;
    else if (index >= i) lo = i;
    else return values[index]!;
  }
  return values[index]!;
}

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
