import type { Indicator } from './types.js';
import { requireFiniteInput, requireInteger, requirePositive } from './params.js';
import { RollingStats } from './rolling-stats.js';

/** Bollinger's look-back, in bars. */
export const DEFAULT_BOLLINGER_PERIOD_BARS = 20;
/** Band width in standard deviations. */
export const DEFAULT_BOLLINGER_STD_DEVS = 2;

/** The three Bollinger bands. */
export interface BollingerValue {
  /** SMA of the window. */
  readonly middle: number;
  /** middle + k * standard deviation. */
  readonly upper: number;
  /** middle - k * standard deviation. */
  readonly lower: number;
  /** The population standard deviation of the window. */
  readonly stdDev: number;
}

/**
 * Bollinger Bands: an SMA of `period` values with bands `k` standard deviations above and below.
 * The standard deviation is the POPULATION one (divides by `period`, not `period - 1`), as John
 * Bollinger specifies and as TA-Lib and TradingView compute it. First value after `period` inputs.
 *
 * @example
 * ```ts
 * const bb = new BollingerBands(20, 2);
 * for (const bar of bars) {
 *   const b = bb.update(bar.close);
 *   if (b && bar.close < b.lower) { ... }
 * }
 * ```
 */
export class BollingerBands implements Indicator<number, BollingerValue> {
  readonly warmup: number;
  private readonly window: RollingStats;
  private current: BollingerValue | undefined;

  /**
   * @param period window length, an integer >= 1
   * @param k band width in standard deviations, > 0
   */
  constructor(
    readonly period: number = DEFAULT_BOLLINGER_PERIOD_BARS,
    readonly k: number = DEFAULT_BOLLINGER_STD_DEVS,
  ) {
    requireInteger('BollingerBands', 'period', period);
    requirePositive('BollingerBands', 'k', k);
    this.warmup = period;
    this.window = new RollingStats(period);
  }

  update(value: number): BollingerValue | undefined {
    requireFiniteInput('BollingerBands', 'value', value);
    this.window.push(value);
    if (!this.window.full) return this.current;
    const middle = this.window.mean;
    const stdDev = Math.sqrt(this.window.populationVariance);
    this.current = { middle, upper: middle + this.k * stdDev, lower: middle - this.k * stdDev, stdDev };
    return this.current;
  }

  get value(): BollingerValue | undefined {
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  reset(): void {
    this.window.reset();
    this.current = undefined;
  }
}
