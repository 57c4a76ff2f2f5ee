import type { Indicator } from './types.js';
import { InvalidIndicatorInputError } from '../errors.js';
import { requireFiniteInput, requireInteger, requirePositive } from './params.js';
import { RollingStats } from './rolling-stats.js';

/** Look-back of the rolling volatility, in returns (bars). */
export const DEFAULT_VOLATILITY_WINDOW_BARS = 20;
/** US equity trading days per year: the usual annualisation factor for daily bars. */
export const TRADING_DAYS_PER_YEAR = 252;

/** Options of `RollingVolatility`. */
export interface RollingVolatilityOptions {
  /** Number of log returns in the window, an integer >= 2. Default `DEFAULT_VOLATILITY_WINDOW_BARS`. */
  readonly window?: number;
  /**
   * Periods per year to annualise with: the result is multiplied by `sqrt(periodsPerYear)`
   * (252 for daily bars, 52 for weekly). Omit for per-bar volatility.
   */
  readonly periodsPerYear?: number;
}

/**
 * Rolling volatility: the SAMPLE standard deviation (divides by `window - 1`) of the last `window`
 * log returns `ln(p_t / p_{t-1})`, optionally annualised by `sqrt(periodsPerYear)`. Prices must be
 * > 0. First value after `window + 1` prices.
 *
 * @example
 * ```ts
 * const vol = new RollingVolatility({ window: 20, periodsPerYear: TRADING_DAYS_PER_YEAR });
 * for (const bar of dailyBars) {
 *   const v = vol.update(bar.close); // e.g. 0.23 = 23% annualised
 * }
 * ```
 */
export class RollingVolatility implements Indicator<number, number> {
  readonly warmup: number;
  readonly window: number;
  /** `sqrt(periodsPerYear)`, or 1 when not annualising. */
  readonly scale: number;
  private readonly returns: RollingStats;
  private prev: number | undefined;
  private current: number | undefined;

  constructor(options: RollingVolatilityOptions = {}) {
    this.window = requireInteger('RollingVolatility', 'window', options.window ?? DEFAULT_VOLATILITY_WINDOW_BARS, 2);
    this.scale =
      options.periodsPerYear === undefined
        ? 1
        : Math.sqrt(requirePositive('RollingVolatility', 'periodsPerYear', options.periodsPerYear));
    this.warmup = this.window + 1;
    this.returns = new RollingStats(this.window);
  }

  update(price: number): number | undefined {
    requireFiniteInput('RollingVolatility', 'price', price);
    if (price <= 0) throw new InvalidIndicatorInputError('RollingVolatility', 'price', price, '> 0');
    const prev = this.prev;
    this.prev = price;
    if (prev === undefined) return this.current;
    this.returns.push(Math.log(price / prev));
    if (this.returns.full) this.current = Math.sqrt(this.returns.sampleVariance) * this.scale;
    return this.current;
  }

  get value(): number | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.returns.reset();
    this.prev = undefined;
    this.current = undefined;
  }
}
