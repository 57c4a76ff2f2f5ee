import { Matrix, covariance } from 'ml-matrix';
import type { ExposureVector, ReturnHistory } from './var.js';

// The buffers and caches behind var.ts. The pre-trade check computes a VaR on every order, so one
// computation allocates nothing that grows with the history: held symbols, exposures and return windows
// live in a working set reused from call to call.

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

/**
 * Held symbols (non-zero exposure, sorted), their exposures and their aligned return windows, and the two
 * figures VaR needs from them: the k-th worst day P&L and the quadratic form `vᵀ Σ v`.
 */
export class WorkingSet {
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
